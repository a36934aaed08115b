"""Where the project is, and Pelican's settings read the way every build and tool reads them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: The repository: pelicanconf.py, theme/, plugins/ and schemas/ (and the sample content).
PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = PROJECT / "pelicanconf.py"


def pelican_settings(
    config: Path | str = DEFAULT_CONFIG,
    *,
    content_root: Path | str | None = None,
    output: Path | str | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Pelican settings from a config file, with the content root and output folder."""
    from pelican.settings import read_settings

    override: dict[str, Any] = dict(overrides or {})
    if content_root is not None:
        override["PATH"] = str(Path(content_root).resolve())
    if output is not None:
        override["OUTPUT_PATH"] = str(Path(output).resolve())
    return read_settings(str(config), override=override)


#: The setting under which ``tools.build`` gives the plugins a list for work to do
#: after Pelican's run: callables, each called once the run has let go of Pelican's
#: pages (so the work's memory does not stack on theirs), that start the work and
#: return what finishes it once the build's checks have run (search's Pagefind runs
#: meanwhile). The finisher returns the files it wrote, as paths relative to the output.
AFTER_PELICAN = "BUILD_AFTER_PELICAN"


def build_workers(settings: Mapping[str, Any]) -> int:
    """How many processes a build may keep busy: BUILD_WORKERS (default: every core),
    at least one."""
    wanted = settings.get("BUILD_WORKERS") or os.cpu_count() or 1
    return max(1, int(wanted))
