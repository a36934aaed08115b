"""Who owns each piece of an area's files: the rule that keeps editors' work safe.

The rule ("the importer only replaces what it wrote and nobody has touched since"):

- Each area folder the importer has touched holds ``imported.json``: for every field
  of ``area.yaml`` (name, description, team, contact, stations, links, police_uk),
  every priority and event (by id) and ``boundary.geojson``, a fingerprint of the
  value the importer last wrote.
- On the next import a value is replaced only when the file still holds exactly
  what the importer wrote (its fingerprint matches). A value an editor has changed
  is theirs from then on: it is kept, reported as "kept (edited by hand)", and the
  importer stops tracking it.
- A value the importer never wrote (a hand-made area, a field an editor added) is
  never replaced; the importer only fills what is missing or empty.
- An imported priority or event an editor deleted is not added again.
- Priorities and events that data.police.uk no longer lists stay (closing a
  priority is the team's decision; the history matters).
- Files it never writes: ``updates/``, ``patrols.yaml``, photos; fields it never
  writes: district, summary (after creation), places, councils, maintainers.

YAML is edited with ruamel.yaml's round-trip mode, so comments, key order and
quoting in the rest of the file survive; a file is written only when a value in it
changes, so a second run with the same data changes nothing, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

MANIFEST = "imported.json"
_RESOLVER = pyyaml.resolver.Resolver()


def round_trip() -> YAML:
    """ruamel.yaml set up to write the project's YAML style (two-space lists)."""
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def plain(value: Any) -> Any:
    """JSON-able plain data from ruamel's or our own values (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | float) or value is None:
        return value
    return str(value).strip()


def fingerprint(value: Any) -> str:
    text = json.dumps(plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def yaml_value(value: Any) -> Any:
    """Our plain data as ruamel nodes: multi-line text as ``|`` blocks, and quotes on any
    text that the build's YAML 1.1 reader would take for something else ("101", "no")."""
    if isinstance(value, dict):
        result = CommentedMap()
        for key, item in value.items():
            result[key] = yaml_value(item)
        return result
    if isinstance(value, list):
        return CommentedSeq([yaml_value(v) for v in value])
    if isinstance(value, str):
        if "\n" in value:
            return LiteralScalarString(value + ("" if value.endswith("\n") else "\n"))
        if _RESOLVER.resolve(pyyaml.ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str":
            return DoubleQuotedScalarString(value)
        return value
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


@dataclass
class Merge:
    """The outcome of merging imported values into one file."""

    changed: bool = False
    owned: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def merge_fields(current: CommentedMap, new: dict[str, Any], last: dict[str, str]) -> Merge:
    """Merge imported top-level fields into a mapping (area.yaml), in place."""
    result = Merge()
    for key, value in new.items():
        mine = fingerprint(value)
        if key not in current or _empty(current[key]):
            current[key] = yaml_value(value)
            result.changed = True
            result.owned[key] = mine
            result.notes.append(f"added {key}")
            continue
        theirs = fingerprint(current[key])
        if theirs == mine:
            result.owned[key] = mine
        elif last.get(key) == theirs:
            current[key] = yaml_value(value)
            result.changed = True
            result.owned[key] = mine
            result.notes.append(f"updated {key}")
        else:
            why = "edited by hand" if key in last else "written locally, never imported"
            result.notes.append(f"kept {key} ({why})")
    # What the importer wrote before and nobody has touched stays its own, even when
    # data.police.uk has nothing for it this time.
    for key, print_ in last.items():
        if key not in result.owned and key in current and fingerprint(current[key]) == print_:
            result.owned[key] = print_
    return result


def merge_items(current: CommentedSeq, new: list[dict[str, Any]], last: dict[str, str]) -> Merge:
    """Merge imported items (priorities, events) into a list, matched by id, in place."""
    result = Merge()
    index = {str(item.get("id")): n for n, item in enumerate(current) if isinstance(item, dict)}
    added = updated = kept = 0
    for item in new:
        ident = item["id"]
        mine = fingerprint(item)
        if ident not in index:
            if ident in last:
                result.notes.append(f"not re-adding {ident} (removed by hand)")
                result.owned[ident] = last[ident]
                continue
            current.append(yaml_value(item))
            index[ident] = len(current) - 1
            result.owned[ident] = mine
            added += 1
            continue
        theirs = fingerprint(current[index[ident]])
        if theirs == mine:
            result.owned[ident] = mine
        elif last.get(ident) == theirs:
            current[index[ident]] = yaml_value(item)
            result.owned[ident] = mine
            updated += 1
        else:
            kept += 1
    # Items this importer wrote earlier and that are still untouched stay owned.
    for ident, print_ in last.items():
        untouched = ident in index and fingerprint(current[index[ident]]) == print_
        if ident not in result.owned and untouched:
            result.owned[ident] = print_
    result.changed = bool(added or updated)
    for count, verb in ((added, "added"), (updated, "updated"), (kept, "kept")):
        if count:
            extra = " (edited by hand)" if verb == "kept" else ""
            result.notes.append(f"{verb} {count}{extra}")
    return result


def _dedent_root_list(text: str) -> str:
    """ruamel indents a top-level list like a nested one; the project writes ``- id:``
    at the start of the line."""
    lines = text.split("\n")
    if all(not line.strip() or line.startswith("  ") or line.startswith("#") for line in lines):
        return "\n".join(line[2:] if line.startswith("  ") else line for line in lines)
    return text


def dump_yaml(data: Any, header: str = "") -> str:
    stream = io.StringIO()
    round_trip().dump(data, stream)
    text = stream.getvalue()
    if isinstance(data, list):
        text = _dedent_root_list(text)
    return header + text


def load_yaml(text: str) -> Any:
    return round_trip().load(text)


def load_manifest(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def dump_manifest(force: str, neighbourhood: str, owned: dict[str, dict[str, str]]) -> str:
    data = {
        "about": (
            "Written by invoke import-police: fingerprints of what it imported from "
            "data.police.uk, so that it never replaces what an editor changed. Do not edit."
        ),
        "force": force,
        "neighbourhood": neighbourhood,
        "imported": {name: dict(sorted(values.items())) for name, values in sorted(owned.items())},
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
