"""Running a build or a validation from tasks.py and the tests, with clear errors."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, TextIO

from .problems import ContentError, report
from .site import load_site

PROJECT = Path(__file__).resolve().parents[2]


def pelican_settings(
    config: Path | str = PROJECT / "pelicanconf.py",
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


def build_site(
    config: Path | str = PROJECT / "pelicanconf.py",
    *,
    content_root: Path | str | None = None,
    output: Path | str | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the site; raises ContentError when the content has problems."""
    from pelican import Pelican

    settings = pelican_settings(
        config, content_root=content_root, output=output, overrides=overrides
    )
    pelican = Pelican(settings)
    pelican.run()
    return settings


def run_build(stream: TextIO | None = None, **kwargs: Any) -> int:
    """build_site for the command line: problems printed plainly, an exit code returned."""
    out = stream or sys.stderr
    try:
        build_site(**kwargs)
    except ContentError as exc:
        report(exc.problems, stream=out)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        print(
            f"\nThe site was not built: {errors} problem(s) to fix (each line above names "
            "the file, the line and what to change).",
            file=out,
        )
        return 2
    return 0


def run_validate(
    content_root: Path | str = PROJECT, *, strict: bool = False, stream: TextIO | None = None
) -> int:
    """Check all content and print every problem; 0 when there are no errors."""
    out = stream or sys.stderr
    site = load_site(Path(content_root))
    report(site.problems, stream=out)
    errors = len(site.errors) + (len(site.warnings) if strict else 0)
    if errors:
        print(f"\n{errors} problem(s) to fix.", file=out)
        return 2
    print(
        f"All content is valid: {len(site.areas)} areas, {len(site.updates)} updates"
        + (f", {len(site.warnings)} warning(s)" if site.warnings else "")
        + ".",
        file=out,
    )
    return 0


def quiet_pelican_logging() -> None:
    logging.getLogger("pelican").setLevel(logging.WARNING)
