"""Validation problems, and turning pydantic's errors into plain English."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from .yamlfile import LineMap, Loc

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing an editor must fix (error) or should look at (warning)."""

    path: str
    line: int | None
    field: str | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        field = f" {self.field}:" if self.field else ""
        label = "" if self.severity == "error" else " warning:"
        return f"{where}:{label}{field} {self.message}"

    def github_annotation(self) -> str:
        """The problem as a GitHub Actions workflow command, shown inline on a pull request."""
        level = "error" if self.severity == "error" else "warning"
        props = f"file={_escape_property(self.path)}"
        if self.line:
            props += f",line={self.line}"
        text = f"{self.field}: {self.message}" if self.field else self.message
        return f"::{level} {props}::{_escape_data(text)}"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


class ContentError(Exception):
    """Raised by the build when content has errors; carries every problem found."""

    exitcode = 2

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(
            f"{len(errors)} problem(s) in the content must be fixed before the site can be "
            "built:\n" + "\n".join(str(p) for p in errors)
        )


def report(problems: Iterable[Problem], *, stream: Any = None) -> None:
    """Print problems one per line (and as annotations on GitHub Actions)."""
    import sys

    out = stream or sys.stderr
    items = sorted(problems, key=lambda p: (p.path, p.line or 0, p.severity, p.message))
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in items:
        print(str(problem), file=out)
        if annotate:
            print(problem.github_annotation(), file=sys.stdout)


def known_field_names(models: Iterable[type[BaseModel]]) -> set[str]:
    """Every field name of the given models and the models nested inside them."""
    names: set[str] = set()
    seen: set[type] = set()
    stack = list(models)
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            names.add(name)
            stack.extend(_nested_models(info.annotation))
    return names


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in getattr(annotation, "__args__", ()) or ():
        found.extend(_nested_models(arg))
    return found


def _describe_pattern(pattern: str) -> str:
    if "a-z0-9" in pattern:
        return "must use lower-case letters, numbers and single hyphens only, e.g. town-centre-asb"
    if "[01][0-9]" in pattern:
        return "must be a 24-hour time such as 09:30 or 21:00"
    if pattern.startswith("^@"):
        return "must be a GitHub user or team, such as @westmercia/ludlow-snt"
    if "@" in pattern:
        return "must be an email address such as ludlow.snt@westmercia.police.uk"
    return f"is not in the expected form ({pattern})"


#: The wording of a pattern's message, for the CMS's forms too.
describe_pattern = _describe_pattern


def plain_message(error: dict[str, Any], known_fields: set[str]) -> tuple[str, str | None]:
    """Return (message, field override) for one pydantic error, in plain English."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    name = str(error["loc"][-1]) if error["loc"] else ""
    if kind == "missing":
        return f"is required but missing; add a line '{name}: …'", None
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(name, sorted(known_fields), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else "; check the spelling or remove it"
        return f"'{name}' is not a field we know{hint}", None
    if kind.startswith("date_from_datetime") or kind in {"date_parsing", "date_type"}:
        if isinstance(value, str) and re.match(r"^\d{4}-\d{1,2}-\d{1,2}$", value.strip()):
            return (
                f"'{value}' is not a real date; check the day and month (written YYYY-MM-DD)",
                None,
            )
        return "must be a date written as YYYY-MM-DD, e.g. 2026-03-14", None
    if kind.startswith("datetime") or kind == "datetime_type":
        if isinstance(value, str) and re.match(r"^\d{4}-\d{1,2}-\d{1,2}", value.strip()):
            return (
                f"'{value}' is not a real date and time; write it as YYYY-MM-DD HH:MM, "
                "e.g. 2026-12-05 18:30, and check the day and month",
                None,
            )
        return "must be a date and time written as YYYY-MM-DD HH:MM, e.g. 2026-12-05 18:30", None
    if kind in {"enum", "literal_error"}:
        expected = ctx.get("expected", "")
        return f"'{value}' is not allowed; use one of: {expected}", None
    if kind == "string_pattern_mismatch":
        return f"'{value}' {_describe_pattern(ctx.get('pattern', ''))}", None
    if kind in {"string_too_short"}:
        return "must not be empty", None
    if kind == "string_too_long":
        return f"is too long: at most {ctx.get('max_length')} characters, please shorten it", None
    if kind == "too_short":
        return "needs at least one entry", None
    if kind in {"url_parsing", "url_scheme", "url_type"}:
        return f"'{value}' is not a full web address; it must start with https://", None
    if kind in {"greater_than_equal", "less_than_equal"}:
        return (
            f"{value} is outside the UK; check the number, and that latitude and longitude are "
            "not swapped",
            None,
        )
    if kind in {"list_type", "tuple_type"}:
        return "must be a list, with each item on its own line starting with '- '", None
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "must be a block of 'field: value' lines, not a single value", None
    if kind in {"string_type"}:
        return "must be text; put quotes around it", None
    if kind in {"float_parsing", "float_type", "int_parsing", "int_type"}:
        return f"'{value}' must be a number", None
    if kind in {"bool_parsing", "bool_type"}:
        return f"'{value}' must be true or false", None
    if kind == "union_tag_invalid":
        return f"type must be one of: {ctx.get('expected_tags')}", None
    if kind == "value_error":
        message = str(ctx.get("error", error.get("msg", "")))
        if message == "postcode":
            return f"'{value}' is not a full UK postcode, such as SY8 1RU", None
        field_match = re.match(r"^([a-z_]+): (.*)$", message, re.S)
        if field_match:
            return field_match.group(2), field_match.group(1)
        return message, None
    return error.get("msg", "is not valid"), None


def data_loc(data: Any, loc: Loc) -> Loc:
    """The part of a pydantic error location that indexes into the data itself.

    Pydantic inserts union tags (``'Point'``) and validator names into locations;
    dropping the steps that do not index into the data gives a location the line
    map knows.
    """
    result: list[str | int] = []
    current = data
    for step in loc:
        in_dict = isinstance(current, dict) and step in current
        in_list = isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current)
        if in_dict or in_list:
            current = current[step]
            result.append(step)
        elif isinstance(current, dict | list):
            result.append(step)  # a missing key: its parent's line is used
            current = None
        # else: a tag or validator name, not part of the data
    return tuple(result)


def describe_loc(data: Any, loc: Loc) -> str:
    """A reader-friendly field path: 'town-centre-asb.review' or 'team[2].name'."""
    parts: list[str] = []
    current = data
    for index, step in enumerate(loc):
        if isinstance(step, int):
            item = current[step] if isinstance(current, list) and step < len(current) else None
            if index == 0 and isinstance(item, dict) and isinstance(item.get("id"), str):
                parts.append(item["id"])
            elif parts:
                parts[-1] = f"{parts[-1]}[{step + 1}]"
            else:
                parts.append(f"item {step + 1}")
            current = item
        else:
            parts.append(str(step))
            current = current.get(step) if isinstance(current, dict) else None
    return ".".join(parts)


def problems_from_validation(
    exc: ValidationError,
    *,
    path: str,
    data: Any,
    lines: LineMap,
    known_fields: set[str],
    line_offset: int = 0,
) -> list[Problem]:
    """Turn a pydantic ValidationError into Problems with file, line and field."""
    found: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc = data_loc(data, tuple(error["loc"]))
        message, field_override = plain_message(error, known_fields)
        if field_override:
            loc = (*loc, field_override)
        line = lines.line_for(loc)
        if line is not None:
            line += line_offset
        found.append(Problem(path, line, describe_loc(data, loc) or None, message))
    return found
