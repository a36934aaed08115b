"""CONTRIBUTING.md cannot drift: its examples are checked with the real models.

Every YAML and Markdown example in the guide is preceded by a marker saying what it is:

* ``<!-- check: file PATH -->``: a whole file; all of them together form a site that
  must validate with no errors and no warnings;
* ``<!-- check: part PATH -->``: part of that file (list items replace the item with
  the same id; keys replace the same keys); the site must still validate;
* ``<!-- check: broken PATH -->``: a whole file with mistakes; the ``<!-- check:
  messages -->`` block after it must be exactly what ``invoke validate`` prints.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import MINI, PROJECT

from neighbourhood_policing.loading import load_site
from neighbourhood_policing.tools.build import run_validate

GUIDE = PROJECT / "CONTRIBUTING.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)\n```", re.S)
MARKED = re.compile(r"<!-- check: ([\w-]+)(?: (\S+))? -->\s*\n```(\w+)\n(.*?)\n```", re.S)


def examples() -> list[tuple[str, str | None, str, str]]:
    text = GUIDE.read_text(encoding="utf-8")
    return [m.groups() for m in MARKED.finditer(text)]  # type: ignore[misc]


def _merge(path: Path, part: str) -> None:
    """Apply a 'part' example to the whole file the guide gave earlier."""
    current = yaml.safe_load(path.read_text(encoding="utf-8"))
    change = yaml.safe_load(part)
    if isinstance(current, list):
        by_id = {item["id"]: index for index, item in enumerate(current)}
        for item in change:
            if item["id"] in by_id:
                current[by_id[item["id"]]] = item
            else:
                current.append(item)
    else:
        current.update(change)
    path.write_text(yaml.safe_dump(current, sort_keys=False, allow_unicode=True), "utf-8")


@pytest.fixture
def guide_site(tmp_path: Path) -> Path:
    """The mini site plus every whole-file example of the guide."""
    root = tmp_path / "site"
    shutil.copytree(MINI, root)
    for kind, target, _lang, body in examples():
        if kind == "file":
            assert target, "a 'file' example must name its path"
            path = root / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body + "\n", encoding="utf-8")
    return root


def _problems(root: Path) -> list[Any]:
    return [p for p in load_site(root).problems if "ludlow" in p.path]


def test_every_example_in_the_guide_is_checked() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    fenced = [m for m in BLOCK.finditer(text) if m.group(1) in {"yaml", "markdown"}]
    assert len(fenced) >= 7
    assert len(fenced) == sum(1 for e in examples() if e[2] in {"yaml", "markdown"}), (
        "every yaml and markdown example in CONTRIBUTING.md needs a <!-- check: … --> marker"
    )
    kinds = {(kind, target) for kind, target, _, _ in examples()}
    for name in ("area.yaml", "priorities.yaml", "events.yaml", "patrols.yaml"):
        assert ("file", f"neighbourhoods/ludlow/{name}") in kinds, f"no example of {name}"
    assert any(k == "file" and t and t.endswith(".md") for k, t in kinds), "no update example"


def test_whole_file_examples_validate_together(guide_site: Path) -> None:
    site = load_site(guide_site)
    assert _problems(guide_site) == []
    ludlow = site.areas["ludlow"]
    assert [p.id for p in ludlow.priorities] == ["station-bike-theft"]
    assert len(ludlow.events) == 2 and len(ludlow.patrols) == 1
    update = next(u for u in site.updates.values() if u.home == "ludlow")
    assert update.meta.priority == "station-bike-theft"


def test_yaml_examples_point_at_their_schema() -> None:
    for kind, target, lang, body in examples():
        if lang == "yaml" and kind in {"file", "broken"}:
            name = Path(target or "").name
            expected = f"# yaml-language-server: $schema=../../schemas/{name[:-5]}.schema.json"
            assert body.splitlines()[0] == expected, target
            assert (PROJECT / "schemas" / f"{name[:-5]}.schema.json").is_file()


def test_part_examples_validate_in_place(guide_site: Path) -> None:
    parts = [(t, body) for kind, t, _, body in examples() if kind == "part"]
    assert len(parts) >= 2
    for target, body in parts:
        _merge(guide_site / target, body)
        assert _problems(guide_site) == [], f"the part of {target} in the guide is not valid"
    closed = load_site(guide_site).areas["ludlow"].priorities[0]
    assert closed.status.value == "closed" and closed.outcome
    assert len(load_site(guide_site).areas["ludlow"].area.team) == 2


def test_quoted_messages_are_what_validation_prints(guide_site: Path) -> None:
    items = examples()
    pairs = []
    for index, (kind, target, _lang, body) in enumerate(items):
        if kind == "broken":
            following = items[index + 1]
            assert following[0] == "messages", "a broken example must be followed by messages"
            pairs.append((target, body, following[3]))
    assert len(pairs) >= 2
    for target, body, messages in pairs:
        path = guide_site / target
        good = path.read_text(encoding="utf-8")
        path.write_text(body + "\n", encoding="utf-8")
        out = io.StringIO()
        assert run_validate(guide_site, stream=out) == 2
        printed = [line for line in out.getvalue().splitlines() if line.startswith(target)]
        assert printed == messages.splitlines()
        path.write_text(good, encoding="utf-8")
