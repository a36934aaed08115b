"""YAML front matter in updates and pages: the block between two ``---`` lines.

A CMS writes an update's metadata this way; ``updates.split_header`` reads it beside
Pelican's ``Key: value`` lines and gives back the same thing: lower-case keys, each value
as the text a ``Key: value`` header would hold, and the line of every field, so the
model's checks and their file:line messages are the same for both forms.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..yamlfile import ContentFileError, LineMap, parse_yaml

_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def _front_matter_text(value: Any) -> str:
    """A YAML value as the text a ``Key: value`` header would have held."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, list):
        return ", ".join(_front_matter_text(item) for item in value)
    return str(value)


def _written_scalar(row: str, name: str, value: Any) -> Any:
    """The text after ``name:`` on its line, without a trailing comment."""
    _, found, rest = row.partition(":")
    if not found or row.split(":", 1)[0].strip().strip("'\"") != name:
        return value
    rest = re.split(r"\s#", rest, maxsplit=1)[0].strip()
    return rest or value


def split_front_matter(
    rows: list[str],
) -> tuple[dict[str, str], LineMap, tuple[int, str] | None, str]:
    """YAML front matter: rows[0] is ``---``; the block ends at the next ``---`` or ``...``."""
    lines_map = LineMap()
    meta: dict[str, str] = {}
    close = next(
        (index for index, row in enumerate(rows[1:], start=1) if row.rstrip() in {"---", "..."}),
        None,
    )
    if close is None:
        message = (
            "opens its front matter with '---' on line 1 but never closes it; "
            "add a line '---' after the last field, before the text"
        )
        return meta, lines_map, (1, message), ""
    try:
        data, yaml_lines = parse_yaml("\n".join(rows[1:close]))
    except ContentFileError as exc:
        line = exc.line + 1 if exc.line else 1
        return meta, lines_map, (line, f"front matter {exc.message}"), ""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        message = "has front matter that is not a list of fields; write 'title: …' lines"
        return meta, lines_map, (2, message), ""
    for name, value in data.items():
        line = yaml_lines.lines.get((name,), 1) + 1
        key = name.lower()
        if not _FIELD_NAME.match(name):
            return meta, lines_map, (line, f"has a field named '{name}'; use plain words"), ""
        if key in meta:
            message = f"has '{name}:' twice (first on line {lines_map.lines[(key,)]}); keep one"
            return meta, lines_map, (line, message), ""
        if isinstance(value, dict) or (
            isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value)
        ):
            message = f"'{name}' holds a block of fields; it takes one value or a list of words"
            return meta, lines_map, (line, message), ""
        if isinstance(value, (bool, int, float)):
            # YAML reads 'yes', 'off' or '1.10' as a boolean or number; keep what was
            # written (a title "Yes" stays "Yes").
            value = _written_scalar(rows[line - 1], name, value)
        meta[key] = _front_matter_text(value).strip()
        for loc, number in yaml_lines.lines.items():
            if loc and loc[0] == name:
                lines_map.lines[(key, *loc[1:])] = number + 1
    if not meta:
        message = (
            "has empty front matter; write fields such as 'title: …', "
            "'date: 2026-11-20 10:00' and 'category: Crime update' between the '---' lines"
        )
        return meta, lines_map, (1, message), ""
    lines_map.lines[()] = 2
    return meta, lines_map, None, "\n".join(rows[close + 1 :])
