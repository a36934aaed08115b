"""Tools for the people who keep the content current.

Everything the editing tasks in ``tasks.py`` do lives here, so that it can be
tested directly: scaffolding a new update or event, writing
``.github/CODEOWNERS`` from each area's maintainers, the freshness report,
pre-compressing and publishing the built site, and the live-preview rebuilder.

Every function reads content through ``load_site`` (the same validation the
build uses) and raises ``EditingError`` with a plain-English message when the
editor must change something; nothing is created when it fails.
"""

from __future__ import annotations

import datetime as dt
import difflib
import gzip
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import ValidationError

from .engagement import closing_soon
from .files import write_atomic
from .models import Category, Event, EventType, Status
from .problems import Problem, known_field_names, plain_message
from .site import AREAS_DIR, Site, load_site
from .yamlfile import ContentFileError, load_yaml_file

PROJECT = Path(__file__).resolve().parents[2]
LONDON = ZoneInfo("Europe/London")
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


# -- helpers -----------------------------------------------------------------------------


def london_now() -> dt.datetime:
    """The current local UK time (GMT or BST), without seconds."""
    return dt.datetime.now(LONDON).replace(second=0, microsecond=0)


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


# -- finding an area ---------------------------------------------------------------------


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


# -- new update --------------------------------------------------------------------------


def _category(value: str) -> str:
    wanted = re.sub(r"[^a-z]", "", value.lower())
    for member in Category:
        if re.sub(r"[^a-z]", "", member.value.lower()) == wanted:
            return member.value
    allowed = ", ".join(f'"{m.value}"' for m in Category)
    raise EditingError(f"'{value}' is not a category; use one of: {allowed}")


def update_text(title: str, when: dt.datetime, category: str, priority: str | None = None) -> str:
    """The Markdown of a new update: its metadata block and a body to replace."""
    lines = [
        f"Title: {title}",
        f"Date: {when:%Y-%m-%d %H:%M}",
        f"Category: {category}",
        f"Summary: {SUMMARY_PLACEHOLDER}",
    ]
    if priority:
        lines.append(f"Priority: {priority}")
    body = (
        "Write the update here, in plain words. Say what happened, where and when, what the "
        "team did, and what residents can do.\n\n"
        "If you ask for information, give the crime reference and how to contact us: call 101, "
        "report online, or call Crimestoppers anonymously on 0800 555 111. "
        "In an emergency, always call 999.\n"
    )
    return "\n".join(lines) + "\n\n" + body


def new_update(
    root: Path | str,
    area: str,
    title: str,
    category: str = DEFAULT_CATEGORY,
    priority: str | None = None,
    now: dt.datetime | None = None,
) -> Path:
    """Create ``neighbourhoods/AREA/updates/YYYY-MM-DD-<title>.md``; returns its path.

    The date is local UK time now (or ``now``). An existing file is never
    overwritten; the new file is validated with the rest of the site and
    removed again if it has an error.
    """
    root = Path(root)
    title = _one_line(title, "--title")
    category = _category(category)
    site, slug = _checked_area(root, area)
    record = site.areas[slug]
    if priority and record.priority(priority) is None:
        known = [p.id for p in record.priorities]
        close = difflib.get_close_matches(priority, known, n=3)
        hint = (
            f" Did you mean: {', '.join(close)}?"
            if close
            else (f" Its priorities are: {', '.join(known)}." if known else "")
        )
        raise EditingError(
            f"{record.folder}/priorities.yaml has no priority '{priority}'.{hint} "
            "Nothing was created."
        )
    when = now or london_now()
    if when.tzinfo is not None:
        when = when.astimezone(LONDON)
    name_slug = make_slug(title)
    if not name_slug:
        raise EditingError(
            f"The title '{title}' has no letters or numbers to name the file with; "
            "give a title in words."
        )
    folder = root / record.folder / "updates"
    path = folder / f"{when:%Y-%m-%d}-{name_slug}.md"
    rel = path.relative_to(root).as_posix()
    folder.mkdir(exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(update_text(title, when, category, priority))
    except FileExistsError:
        raise EditingError(
            f"{rel} already exists; open it and edit it, or give this update a different title."
        ) from None
    errors = [p for p in load_site(root).errors if p.path == rel]
    if errors:
        path.unlink()
        raise EditingError(
            "The new update would not be valid, so it was not created:\n" + _problem_lines(errors)
        )
    return path


# -- new event ---------------------------------------------------------------------------

_EVENT_OPTIONS = {
    "id": "--id",
    "title": "--title",
    "type": "--type",
    "start": "--start",
    "end": "--end",
    "place": "--place",
    "address": "--address",
    "postcode": "--postcode",
    "description": "--description",
    "booking": "--booking",
}


def _parse_local(value: str, option: str) -> str:
    text = " ".join(value.replace("T", " ").split())
    try:
        parsed = dt.datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        raise EditingError(
            f"{option} '{value}' is not a date and time; write it as \"YYYY-MM-DD HH:MM\" in "
            'UK time, e.g. "2026-12-05 18:30"'
        ) from None
    return f"{parsed:%Y-%m-%d %H:%M}"


def checked_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """An events.yaml entry checked against the Event model; fields that are None are left out."""
    entry = {key: value for key, value in entry.items() if value is not None}
    try:
        event = Event.model_validate(entry)
    except ValidationError as exc:
        known = known_field_names([Event])
        messages = []
        for error in exc.errors(include_url=False):
            message, override = plain_message(error, known)
            name = override or (str(error["loc"][0]) if error["loc"] else "")
            messages.append(f"  {_EVENT_OPTIONS.get(name, name)}: {message}")
        raise EditingError(
            "The event is not valid, so nothing was added:\n" + "\n".join(messages)
        ) from None
    entry["postcode"] = event.postcode  # normalised, e.g. "SY8 1RU"
    return entry


class _Quoted(str):
    """A value written in double quotes, as the content files write dates and times."""


class _EntryDumper(yaml.SafeDumper):
    pass


_EntryDumper.add_representer(
    _Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, '"')
)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style)


_EntryDumper.add_representer(str, _represent_text)


def _render_entry(entry: dict[str, Any]) -> str:
    quoted = {k: _Quoted(v) if k in {"start", "end"} else v for k, v in entry.items()}
    return yaml.dump(
        [quoted],
        Dumper=_EntryDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=88,
    )


def _schema_line(path: Path, schema: str) -> str:
    target = PROJECT / "schemas" / schema
    return SCHEMA_LINE + Path(os.path.relpath(target, path.parent)).as_posix()


def new_event(
    root: Path | str,
    area: str,
    *,
    title: str,
    start: str,
    end: str,
    place: str,
    address: str,
    postcode: str,
    event_type: str = DEFAULT_EVENT_TYPE,
    description: str | None = None,
    booking: str | None = None,
    event_id: str | None = None,
) -> tuple[Path, str]:
    """Add an event to ``neighbourhoods/AREA/events.yaml``; returns (path, event id).

    The entry is appended as text, so the comments, the schema line and the
    layout of the existing file are kept exactly. The whole site is validated
    again afterwards and the file restored if the new entry caused an error.
    """
    root = Path(root)
    title = _one_line(title, "--title")
    start_text = _parse_local(start, "--start")
    end_text = _parse_local(end, "--end")
    site, slug = _checked_area(root, area)
    record = site.areas[slug]
    path = root / record.folder / "events.yaml"
    rel = path.relative_to(root).as_posix()
    existing_errors = [p for p in site.errors if p.path == rel]
    if existing_errors:
        raise EditingError(
            f"{rel} has problems to fix first (run: invoke validate):\n"
            + _problem_lines(existing_errors)
        )
    taken = {event.id for event in record.events}
    base = event_id or f"{start_text[:10]}-{make_slug(title, 40)}".strip("-")
    new_id = base
    number = 2
    while new_id in taken and not event_id:
        new_id = f"{base}-{number}"
        number += 1
    if new_id in taken:
        raise EditingError(f"{rel} already has an event with the id '{new_id}'; choose another")
    entry = checked_entry(
        {
            "id": new_id,
            "title": title,
            "type": event_type,
            "start": start_text,
            "end": end_text,
            "place": _one_line(place, "--place"),
            "address": _one_line(address, "--address"),
            "postcode": postcode,
            "description": (description or "").strip() or None,
            "booking": (booking or "").strip() or None,
        }
    )
    block = _render_entry(entry)
    # Read and write the text as it is (byte-order mark, CRLF line ends and all).
    old_text = path.read_bytes().decode("utf-8") if path.exists() else None
    if record.events and old_text is not None and not re.search(r"^-[ \t]", old_text, re.M):
        raise EditingError(
            f"{rel} is not written as a list of '- id: …' blocks, so this tool cannot add to it "
            "safely; add the event by hand (see CONTRIBUTING.md). The file was not changed."
        )
    new_text = _append_entry(old_text, block, _schema_line(path, "events.schema.json"))
    write_atomic(path, new_text)
    problems = [p for p in load_site(root).errors if p.path == rel]
    appended = _entry_count(path) == len(record.events) + 1
    if problems or not appended:
        if old_text is None:
            path.unlink()
        else:
            write_atomic(path, old_text)
        if not appended and not problems:
            raise EditingError(
                f"{rel} is written in a layout this tool cannot add to safely; add the event "
                "by hand (see CONTRIBUTING.md). The file was not changed."
            )
        raise EditingError(
            f"The event would make {rel} invalid, so the file was not changed:\n"
            + _problem_lines(problems)
        )
    return path, new_id


def _entry_count(path: Path) -> int:
    try:
        data, _ = load_yaml_file(path)
    except ContentFileError:
        return -1
    return len(data) if isinstance(data, list) else -1


def _append_entry(old: str | None, block: str, schema_line: str) -> str:
    """The new text of an events file with ``block`` (one ``- id: …`` item) added."""
    if old is None or not old.strip("\ufeff \t\r\n"):
        return f"{schema_line}\n{block}"
    newline = "\r\n" if "\r\n" in old else "\n"
    block = block.replace("\n", newline)
    data = yaml.safe_load(old.lstrip("\ufeff"))
    if data in (None, []):
        # Only comments, or an empty list written as []: keep the comments, drop the [].
        rows = old.split(newline)
        kept = [row for row in rows if not row.strip() or row.lstrip("\ufeff ").startswith("#")]
        return newline.join(kept).rstrip("\r\n") + newline + block
    text = old if old.endswith(newline) else old + newline
    separator = newline if re.search(r"\n[ \t]*\r?\n- ", text) else ""
    return text + separator + block


# -- CODEOWNERS --------------------------------------------------------------------------

CODEOWNERS_HEADER = """\
# Who reviews a pull request, by folder. GENERATED by `invoke codeowners` from the
# `maintainers` list in each neighbourhoods/<area>/area.yaml: do not edit this file by
# hand; change area.yaml and run `invoke codeowners` again.
# The last line that matches a file wins, so the default owners come first.
"""


def codeowners_text(site: Site, default_owners: Sequence[str]) -> str:
    """The CODEOWNERS file: default owners, then each area's folder and its maintainers."""
    rows = [CODEOWNERS_HEADER]
    if default_owners:
        rows.append("* " + " ".join(default_owners) + "\n")
    for slug in sorted(site.areas):
        maintainers = site.areas[slug].area.maintainers
        if maintainers:
            rows.append(f"/{AREAS_DIR}/{slug}/ " + " ".join(maintainers) + "\n")
    return "".join(rows)


def _check_owners(owners: Sequence[str]) -> list[str]:
    pattern = re.compile(r"^@[A-Za-z0-9-]+(/[A-Za-z0-9._-]+)?$|^[^@\s]+@[^@\s]+\.[^@\s]+$")
    bad = [owner for owner in owners if not pattern.match(owner)]
    if bad:
        raise EditingError(
            f"CODEOWNERS_DEFAULT has {', '.join(repr(b) for b in bad)}; each owner must be a "
            "GitHub user or team such as @westmercia/web-team"
        )
    return list(owners)


def write_codeowners(
    root: Path | str, target: Path | str, default_owners: Sequence[str], *, check: bool = False
) -> bool:
    """Write (or with check=True, compare) CODEOWNERS; True when the file was stale.

    An area whose area.yaml has errors would silently lose its line, so any
    such error stops it.
    """
    root = Path(root)
    site = load_site(root)
    broken = [p for p in site.errors if p.path.endswith("area.yaml")]
    if broken:
        raise EditingError(
            "Fix these area.yaml problems first, or their maintainers would be left out:\n"
            + _problem_lines(broken)
        )
    text = codeowners_text(site, _check_owners(default_owners))
    target = Path(target)
    stale = not target.exists() or target.read_text(encoding="utf-8") != text
    if stale and not check:
        write_atomic(target, text)
    return stale


# -- freshness report --------------------------------------------------------------------


@dataclass
class AreaFreshness:
    """What in one area needs looking at."""

    slug: str
    name: str
    last_update: dt.date | None
    overdue_reviews: list[tuple[str, dt.date]] = field(default_factory=list)
    past_events: list[tuple[str, dt.date]] = field(default_factory=list)
    empty_sections: list[str] = field(default_factory=list)
    #: The area's own surveys closing within two weeks: (title, closing date).
    surveys_closing: list[tuple[str, dt.date]] = field(default_factory=list)

    def days_since_update(self, today: dt.date) -> int | None:
        return (today - self.last_update).days if self.last_update else None


def freshness(site: Site) -> list[AreaFreshness]:
    """Per area (A to Z): last update, overdue reviews, past events, empty sections."""
    today = site.build_date
    last: dict[str, dt.date] = {}
    for info in site.updates.values():
        if info.meta.status == "draft":
            continue
        day = info.meta.date.date()
        for slug in info.areas:
            if slug not in last or day > last[slug]:
                last[slug] = day
    rows = []
    for slug, record in site.areas.items():
        row = AreaFreshness(slug=slug, name=record.name, last_update=last.get(slug))
        row.overdue_reviews = [
            (p.id, p.review)
            for p in record.priorities
            if p.status is not Status.closed and p.review < today
        ]
        row.past_events = [(e.id, e.end.date()) for e in record.events if e.end.date() < today]
        sections = {
            "team": bool(record.area.team),
            "priorities": bool(record.priorities),
            "patrols": bool(record.patrols),
            "upcoming events": any(e.end.date() >= today for e in record.events),
            "updates": slug in last,
        }
        row.empty_sections = [name for name, present in sections.items() if not present]
        row.surveys_closing = [
            (s.title, s.closes) for s in closing_soon(record.area.surveys, today)
        ]
        rows.append(row)
    return rows


REPORT_COLUMNS = ("Area", "Last update", "Reviews overdue", "Past events still listed", "Empty")


def _cells(row: AreaFreshness, today: dt.date) -> list[str]:
    days = row.days_since_update(today)
    ago = {0: "today", 1: "yesterday"}.get(days or 0, f"{days} days ago")
    last = f"{row.last_update.isoformat()} ({ago})" if row.last_update else "never"
    return [
        f"{row.name} ({row.slug})",
        last,
        ", ".join(f"{pid} (due {day.isoformat()})" for pid, day in row.overdue_reviews) or "-",
        ", ".join(f"{eid} ({day.isoformat()})" for eid, day in row.past_events) or "-",
        ", ".join(row.empty_sections) or "-",
    ]


def _summary(site: Site, rows: list[AreaFreshness]) -> list[str]:
    overdue = sum(len(r.overdue_reviews) for r in rows)
    past = sum(len(r.past_events) for r in rows)
    lines = [
        f"{len(rows)} areas on {site.build_date:%-d %B %Y}: {overdue} priority review(s) "
        f"overdue, {past} past event(s) still listed."
    ]
    closing = [
        f"{t} ({r.name}, closes {d.isoformat()})" for r in rows for t, d in r.surveys_closing
    ]
    closing += [
        f"{s.title} (all areas, closes {s.closes.isoformat()})"
        for s in closing_soon(site.surveys, site.build_date)
    ]
    if closing:
        lines.append(f"Surveys closing within two weeks: {'; '.join(closing)}.")
    if site.errors:
        lines.append(
            f"The content also has {len(site.errors)} error(s); areas with errors in their "
            "files are missing from this report (run: invoke validate)."
        )
    return lines


def report_table(site: Site, rows: list[AreaFreshness] | None = None) -> str:
    """The freshness report as an aligned plain-text table for the terminal."""
    rows = freshness(site) if rows is None else rows
    table = [list(REPORT_COLUMNS)] + [_cells(row, site.build_date) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(REPORT_COLUMNS))]
    out = [f"Content freshness report, {site.build_date:%-d %B %Y}", ""]
    for number, line in enumerate(table):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join([*out, "", *_summary(site, rows)]) + "\n"


def _md(cell: str) -> str:
    return cell.replace("\\", "\\\\").replace("|", "\\|")


def report_markdown(site: Site, rows: list[AreaFreshness] | None = None) -> str:
    """The freshness report as Markdown, ready to paste into a weekly issue."""
    rows = freshness(site) if rows is None else rows
    out = [f"## Content freshness report, {site.build_date:%-d %B %Y}", ""]
    out += _summary(site, rows)
    out += ["", "| " + " | ".join(REPORT_COLUMNS) + " |"]
    out.append("|" + "|".join(" --- " for _ in REPORT_COLUMNS) + "|")
    for row in rows:
        out.append("| " + " | ".join(_md(c) for c in _cells(row, site.build_date)) + " |")
    return "\n".join(out) + "\n"


# -- publishing --------------------------------------------------------------------------

#: Files that hosts can serve pre-compressed (.gz for gzip, .br for Brotli).
COMPRESS_SUFFIXES = frozenset(
    {".html", ".css", ".js", ".xml", ".json", ".svg", ".ics", ".rss", ".atom", ".txt"}
)
PUBLISH_MARKER = ".neighbourhoods-published"


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with no file name and mtime 0, so the same input gives the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buffer.getvalue()


def compress_site(folder: Path | str) -> list[Path]:
    """Write ``.gz`` and ``.br`` copies next to every text file; returns the files written."""
    import brotli

    folder = Path(folder)
    written = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in COMPRESS_SUFFIXES:
            continue
        data = path.read_bytes()
        for suffix, packed in (
            (".gz", gzip_bytes(data)),
            (".br", brotli.compress(data, quality=11)),
        ):
            target = path.with_name(path.name + suffix)
            write_atomic(target, packed)
            written.append(target)
    return written


@dataclass(frozen=True)
class Target:
    kind: str  # "folder", "rsync" or "github-pages"
    value: str


def parse_target(target: str) -> Target:
    """Which kind of deployment a PUBLISH_TARGET or --target names."""
    text = target.strip()
    if not text:
        raise EditingError(
            "No publish target: set PUBLISH_TARGET in publishconf.py (or the environment), or "
            "give --target: a folder, user@host:path or rsync://host/module/path, or "
            "github-pages"
        )
    if text in {"github-pages", "gh-pages"}:
        return Target("github-pages", "gh-pages")
    if text.startswith(("rsync://", "ssh://")) or re.match(r"^[^/\s]+@[^/\s:]+:", text):
        return Target("rsync", text)
    if re.match(r"^[A-Za-z0-9.-]+:[^/]", text) and not re.match(r"^[A-Za-z]:[\\/]", text):
        return Target("rsync", text)  # host:path, using the ssh user from ~/.ssh/config
    return Target("folder", text)


def _same_or_inside(a: Path, b: Path) -> bool:
    a, b = a.resolve(), b.resolve()
    return a == b or b in a.parents or a in b.parents


def deploy_folder(output: Path | str, target: Path | str) -> int:
    """Mirror the built site into a folder (files no longer built are removed).

    A folder that is not empty and was not published to before is refused, so
    that a mistyped path cannot empty someone's home folder.
    """
    output, target = Path(output), Path(target).expanduser()
    if _same_or_inside(output, target):
        raise EditingError(
            f"The target {target} overlaps the build folder {output}; choose another"
        )
    if target.exists() and not target.is_dir():
        raise EditingError(f"The target {target} is a file, not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / PUBLISH_MARKER).exists():
        raise EditingError(
            f"The target {target} is not empty and was not published to before; publish to an "
            "empty or new folder (files there that the site does not have would be deleted)"
        )
    target.mkdir(parents=True, exist_ok=True)
    wanted = set()
    copied = 0
    for source in sorted(output.rglob("*")):
        rel = source.relative_to(output)
        wanted.add(rel)
        dest = target / rel
        if source.is_dir():
            dest.mkdir(exist_ok=True)
            continue
        if (
            dest.is_file()
            and dest.stat().st_size == source.stat().st_size
            and (dest.read_bytes() == source.read_bytes())
        ):
            continue
        write_atomic(dest, source.read_bytes())
        copied += 1
    for dest in sorted(target.rglob("*"), reverse=True):
        rel = dest.relative_to(target)
        if rel in wanted or rel == Path(PUBLISH_MARKER):
            continue
        if dest.is_dir() and not dest.is_symlink():
            shutil.rmtree(dest)
        else:
            dest.unlink()
    (target / PUBLISH_MARKER).write_text(
        "This folder is published by `invoke publish`; files not in the site are removed.\n",
        encoding="utf-8",
    )
    return copied


def rsync_command(output: Path | str, target: str) -> list[str]:
    """The rsync command that mirrors the site to ``target`` (checksums, not times)."""
    return [
        "rsync",
        "--recursive",
        "--links",
        "--compress",
        "--checksum",
        "--delete",
        "--human-readable",
        "--itemize-changes",
        f"{Path(output)}/",
        target,
    ]


def deploy_rsync(output: Path | str, target: str) -> None:
    if shutil.which("rsync") is None:
        raise EditingError("rsync is not installed; install it (apt-get install rsync)")
    result = subprocess.run(rsync_command(output, target), check=False)
    if result.returncode:
        raise EditingError(f"rsync to {target} failed (exit code {result.returncode})")


def _git(repo: Path, *args: str, env: dict[str, str] | None = None, text: str | None = None) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        input=text,
        env=env,
        check=False,
    )
    if result.returncode:
        raise EditingError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def deploy_github_pages(
    output: Path | str,
    repo: Path | str,
    *,
    branch: str = "gh-pages",
    remote: str | None = "origin",
    message: str = "Publish the site",
) -> str | None:
    """Commit the built site as the whole tree of ``branch`` and push it.

    Works on a temporary index, so the working tree and the current branch are
    never touched. Returns the new commit, or None when nothing changed.
    """
    output, repo = Path(output).resolve(), Path(repo)
    (output / ".nojekyll").write_bytes(b"")  # serve folders such as _static as they are
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        env["GIT_INDEX_FILE"] = str(Path(tmp) / "index")
        _git(repo, f"--work-tree={output}", "add", "--all", "--force", ".", env=env)
        tree = _git(repo, f"--work-tree={output}", "write-tree", env=env)
    ref = f"refs/heads/{branch}"
    parent = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", ref],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if parent and _git(repo, "rev-parse", f"{parent}^{{tree}}") == tree:
        return None
    commit_env = dict(os.environ)
    if not subprocess.run(
        ["git", "-C", str(repo), "config", "user.email"], capture_output=True, check=False
    ).stdout.strip():
        commit_env.setdefault("GIT_AUTHOR_NAME", "Site publisher")
        commit_env.setdefault("GIT_AUTHOR_EMAIL", "publisher@localhost")
        commit_env.setdefault("GIT_COMMITTER_NAME", "Site publisher")
        commit_env.setdefault("GIT_COMMITTER_EMAIL", "publisher@localhost")
    args = ["commit-tree", tree, "-m", message]
    if parent:
        args += ["-p", parent]
    commit = _git(repo, *args, env=commit_env)
    _git(repo, "update-ref", ref, commit, *([parent] if parent else []))
    remotes = _git(repo, "remote").split()
    if remote and remote in remotes:
        _git(repo, "push", remote, f"{ref}:{ref}")
    return commit


def publish(
    output: Path | str,
    target: str,
    *,
    repo: Path | str = PROJECT,
    log: Callable[[str], None] = print,
) -> Target:
    """Pre-compress the built site in ``output`` and deploy it to ``target``."""
    parsed = parse_target(target)
    output = Path(output)
    if not (output / "index.html").is_file():
        raise EditingError(f"{output} has no index.html; build the site first")
    if parsed.kind == "github-pages":
        # GitHub Pages compresses by itself and would publish .gz/.br files as pages.
        commit = deploy_github_pages(output, repo, branch=parsed.value)
        log(
            f"Published to the {parsed.value} branch"
            + (f" ({commit[:12]})." if commit else ": nothing had changed.")
        )
        return parsed
    written = compress_site(output)
    log(f"Wrote {len(written)} pre-compressed copies (.gz and .br).")
    if parsed.kind == "rsync":
        deploy_rsync(output, parsed.value)
    else:
        copied = deploy_folder(output, parsed.value)
        log(f"Copied {copied} changed file(s) to {parsed.value}.")
    log(f"Published to {parsed.value}.")
    return parsed


# -- live preview ------------------------------------------------------------------------


def watch_paths(content_root: Path | str) -> list[Path]:
    """What a live preview watches: content, neighbourhoods, theme, plugins and settings."""
    root = Path(content_root)
    paths = [root / "content", root / AREAS_DIR, PROJECT / "theme", PROJECT / "plugins"]
    paths += [PROJECT / "pelicanconf.py"]
    return [p for p in paths if p.exists()]


class Rebuilder:
    """Rebuilds the site after a change, reporting content problems plainly.

    Content and theme changes rebuild in this process (fast: nothing is imported
    again). A change to Python code (plugins or settings) rebuilds in a fresh
    process, so the new code is the code that runs.
    """

    def __init__(
        self,
        *,
        content_root: Path | str,
        output: Path | str,
        config: Path | str = PROJECT / "pelicanconf.py",
        log: Callable[[str], None] = print,
    ) -> None:
        self.content_root = Path(content_root)
        self.output = Path(output)
        self.config = Path(config)
        self.log = log
        self.last_seconds = 0.0
        self.code_mtime = self._code_mtime()

    def _code_mtime(self) -> float:
        files = [*(PROJECT / "plugins").rglob("*.py"), self.config, PROJECT / "pelicanconf.py"]
        return max((f.stat().st_mtime for f in files if f.exists()), default=0.0)

    def __call__(self) -> bool:
        """Rebuild now; True when the site was built."""
        from .build import run_build

        started = time.perf_counter()
        code_mtime = self._code_mtime()
        if code_mtime != self.code_mtime:
            self.code_mtime = code_mtime
            result = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import sys; from neighbourhoods.build import run_build; "
                    "sys.exit(run_build(config=sys.argv[1], content_root=sys.argv[2], "
                    "output=sys.argv[3]))",
                    str(self.config),
                    str(self.content_root),
                    str(self.output),
                ],
                check=False,
            )
            code = result.returncode
        else:
            code = run_build(config=self.config, content_root=self.content_root, output=self.output)
        self.last_seconds = time.perf_counter() - started
        if code:
            self.log("The site was not rebuilt; the page shows the last good build.")
            return False
        self.log(f"Rebuilt in {self.last_seconds:.1f} s.")
        return True
