"""Checks of a built site: nothing lost (``nothing_lost``) and no broken link (``links``),
over a parsed view of the output folder (``output``).

The build runner (``tools.build``) runs them once Pelican has finished, so they see
every file every plugin wrote, whatever order the plugins' receivers run in; a problem
fails the build and the previous output stays in place. ``invoke check`` runs the link
checker alone. ``CHECK_OUTPUT = False`` turns both off, ``CHECK_LINKS = False`` the
link checker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..outputs import NewSite
from ..problems import Problem
from ..settings import build_workers
from .links import check_links, read_all
from .nothing_lost import check_nothing_lost
from .output import Output, ParseMemory

__all__ = ["ParseMemory", "check_built_site"]


def check_built_site(
    output_path: Path | str | NewSite, settings: dict[str, Any], memory: ParseMemory | None = None
) -> list[Problem]:
    """Everything missing or broken in the built site (a folder, or a build's new site:
    its staging folder over the files it kept); empty when all is well.

    ``memory`` holds what earlier checks learnt of files with the same bytes, so that a
    rebuild parses only what changed; it gains what this check learns.
    """
    if not settings.get("CHECK_OUTPUT", True):
        return []
    model = settings.get("SITE_MODEL")
    output = Output(output_path, settings.get("SITEURL", ""), memory)
    problems: list[Problem] = []
    links = settings.get("CHECK_LINKS", True)
    if links:  # every file the link checker reads, read at once on every core
        read_all(output, build_workers(settings))
    if model is not None:
        problems += check_nothing_lost(model, output, settings)
    if links:
        problems += check_links(output)
    return problems
