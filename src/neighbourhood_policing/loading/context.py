"""What every part of the loader shares: the site being built and how to report."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files import relative
from ..problems import Problem, Severity
from ..site import Site
from .memo import LoadMemo


def suggest(name: str, choices: list[str], n: int = 1) -> str:
    """ "; did you mean 'x'?" for the nearest of ``choices``, or nothing."""
    close = difflib.get_close_matches(name, choices, n=n, cutoff=0.5)
    if not close:
        return ""
    return "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


@dataclass
class LoadContext:
    """One load of the content: the model so far, every problem, and what is broken."""

    root: Path
    build_date: dt.date
    settings: dict[str, Any] = field(default_factory=dict)
    site: Site = field(init=False)
    #: Links out of the repository already reported (each is reported once).
    outside_links: set[Path] = field(default_factory=set)
    #: (area slug, file name) pairs that could not be loaded; their errors are reported
    #: once, and references into them are not reported again.
    broken: set[tuple[str, str]] = field(default_factory=set)
    #: What parsing each file gave the last build, by its bytes (empty outside a build).
    memo: LoadMemo = field(default_factory=LoadMemo)
    #: The real place of each folder asked about in this load (``files.inside``).
    real_folders: dict[Path, Path] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.site = Site(root=self.root, build_date=self.build_date)

    def problem(
        self,
        path: Path | str,
        line: int | None,
        message: str,
        field: str | None = None,
        severity: Severity = "error",
    ) -> None:
        rel = path if isinstance(path, str) else relative(self.root, path)
        self.site.problems.append(Problem(rel, line, field, message, severity))
