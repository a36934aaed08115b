"""Scaffolding: a new update (a Markdown file dated now) and a new event (appended to
events.yaml as text, so the file's comments and layout survive)."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..files import write_atomic
from ..loading import load_site
from ..models import Category, Event
from ..problems import known_field_names, plain_message
from ..rules import loosely, timezone
from ..settings import PROJECT
from ..yamlfile import ContentFileError, load_yaml_file
from .common import (
    DEFAULT_CATEGORY,
    DEFAULT_EVENT_TYPE,
    SCHEMA_LINE,
    SUMMARY_PLACEHOLDER,
    EditingError,
    _checked_area,
    _one_line,
    _problem_lines,
    london_now,
    make_slug,
)


def _category(value: str) -> str:
    member = loosely(value, Category)
    if isinstance(member, Category):
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
        when = when.astimezone(timezone())
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
