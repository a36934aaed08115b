"""What the editors' tools share: their error, area lookup and small helpers.

Every tool reads content through ``load_site`` (the same validation the build uses)
and raises ``EditingError`` with a plain-English message when the editor must change
something; nothing is created when it fails.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from pathlib import Path

from ..loading import load_site
from ..models import Category, EventType
from ..problems import Problem
from ..rules import timezone
from ..site import Site
from ..urls import AREAS_DIR

SCHEMA_LINE = "# yaml-language-server: $schema="
#: The summary a new update starts with; the editor replaces it.
SUMMARY_PLACEHOLDER = "One sentence saying what happened and what residents should do."
DEFAULT_CATEGORY = Category.news.value
DEFAULT_EVENT_TYPE = EventType.meeting.value
MAX_SLUG_LENGTH = 60


class EditingError(Exception):
    """Something the editor must change; the message says what."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def london_now() -> dt.datetime:
    """The current local time (UK: GMT or BST), without seconds."""
    return dt.datetime.now(timezone()).replace(second=0, microsecond=0)


def make_slug(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """A file-name slug: lower-case letters, numbers and single hyphens, cut at a word."""
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify

    slug = slugify(text, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
    slug = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
    return slug.strip("-")


def _one_line(value: str, what: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise EditingError(f'{what} is empty; give one, e.g. {what} "…"')
    return text


def _problem_lines(problems: Iterable[Problem]) -> str:
    return "\n".join(f"  {p}" for p in sorted(problems))




def area_slugs(root: Path) -> list[str]:
    """The folders under neighbourhoods/ that hold an area.yaml."""
    folder = Path(root) / AREAS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.is_dir() and not entry.name.startswith(".") and (entry / "area.yaml").is_file()
    )


def suggest_areas(root: Path, wanted: str, site: Site | None = None) -> list[str]:
    """The area slugs nearest to a mistyped one, closest first (by slug or by name)."""
    slugs = area_slugs(root)
    query = wanted.strip().lower()
    found = difflib.get_close_matches(query, slugs, n=3, cutoff=0.6)
    if site is not None:
        names = {record.name.casefold(): slug for slug, record in site.areas.items()}
        for name in difflib.get_close_matches(query.replace("-", " "), list(names), n=3):
            if names[name] not in found:
                found.append(names[name])
    return found[:3]


def find_area(root: Path, wanted: str, site: Site | None = None) -> str:
    """The slug of an existing area, or an EditingError suggesting the nearest ones."""
    slugs = area_slugs(root)
    if wanted in slugs:
        return wanted
    close = suggest_areas(root, wanted, site)
    if close:
        names = [
            f"{slug} ({site.areas[slug].name})" if site and slug in site.areas else slug
            for slug in close
        ]
        hint = "Did you mean: " + ", ".join(names) + "?"
    elif slugs:
        hint = "The areas are: " + ", ".join(slugs) + "."
    else:
        hint = f"There are no areas yet in {Path(root) / AREAS_DIR}."
    raise EditingError(
        f"There is no area '{wanted}'. {hint} The area is the name of its folder in "
        f"{AREAS_DIR}/. Nothing was created."
    )


def _checked_area(root: Path, wanted: str) -> tuple[Site, str]:
    """Load the site and find the area; refuse when its own files have errors."""
    site = load_site(root)
    slug = find_area(root, wanted, site)
    if slug not in site.areas:
        own = [p for p in site.errors if p.path.startswith(f"{AREAS_DIR}/{slug}/")]
        raise EditingError(
            f"The area '{slug}' has problems to fix first (run: invoke validate):\n"
            + _problem_lines(own)
        )
    return site, slug
