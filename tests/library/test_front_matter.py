"""YAML front matter (what a CMS writes) beside Pelican's ``Key: value`` header.

Both forms are read by the one parser (``loading.split_header``), so they give the same
metadata, the same checks and the same file:line messages, and Pelican builds both.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from support import build

from neighbourhood_policing.loading import load_site, split_header

TODAY = dt.date(2026, 11, 24)

PELICAN_FORM = """\
Title: Appeal: have you seen this bike?
Date: 2026-11-21 10:00
Category: Appeal
Summary: A red bike was taken from the station.
Priority: market-asb
Areas: beta

Call 101 quoting 22/000002/26.
"""

YAML_FORM = """\
---
title: "Appeal: have you seen this bike?"
date: 2026-11-21 10:00
category: Appeal
summary: >-
  A red bike was taken
  from the station.
priority: market-asb
areas:
  - beta
---

Call 101 quoting 22/000002/26.
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors(root: Path) -> list[str]:
    site = load_site(root, build_date=TODAY)
    return [str(p) for p in site.problems if p.severity == "error"]


def test_both_forms_read_the_same() -> None:
    pelican, _, pelican_error, pelican_body = split_header(PELICAN_FORM)
    yaml, lines, yaml_error, yaml_body = split_header(YAML_FORM)
    assert pelican_error is None and yaml_error is None
    assert yaml == pelican
    assert yaml_body.strip() == pelican_body.strip() == "Call 101 quoting 22/000002/26."
    assert lines.line_for(("summary",)) == 5
    assert lines.line_for(("areas", 0)) == 10


def test_values_yaml_would_change_are_kept_as_written() -> None:
    meta, _, error, _ = split_header("---\ntitle: Yes\nsummary: 1.10 # a comment\n---\n")
    assert error is None
    assert meta == {"title": "Yes", "summary": "1.10"}


def test_a_front_matter_update_validates_and_builds(mini_copy: Path, tmp_path: Path) -> None:
    write(mini_copy, "neighbourhoods/alpha/updates/2026-11-21-bike.md", YAML_FORM)
    assert errors(mini_copy) == []
    site = load_site(mini_copy, build_date=TODAY)
    info = site.updates["neighbourhoods/alpha/updates/2026-11-21-bike.md"]
    assert info.meta.title == "Appeal: have you seen this bike?"
    assert info.meta.priority == "market-asb"
    assert info.areas == ["alpha", "beta"]
    output = build(mini_copy, tmp_path / "output")
    page = (output / "neighbourhoods/alpha/updates/2026-11-21-bike/index.html").read_text()
    assert "Appeal: have you seen this bike?" in page
    assert "Call 101 quoting 22/000002/26." in page
    assert "title:" not in page and "---" not in page.split("<main", 1)[1]
    beta = (output / "neighbourhoods/beta/index.html").read_text()
    assert "Appeal: have you seen this bike?" in beta


def test_front_matter_problems_name_file_line_and_field(mini_copy: Path) -> None:
    rel = "neighbourhoods/alpha/updates/2026-11-21-bike.md"
    cases = {
        YAML_FORM.replace("category: Appeal", "category: Apeal"): (4, "category"),
        YAML_FORM.replace("date: 2026-11-21 10:00", "date: next week"): (3, "date"),
        YAML_FORM.replace("priority: market-asb", "priority: no-such"): (8, "no-such"),
        YAML_FORM.replace('"Appeal: have you seen this bike?"', "Appeal: seen it?"): (
            2,
            "needs quotes",
        ),
        YAML_FORM.replace("areas:", "Title: again\nareas:"): (9, "twice (first on line 2)"),
        YAML_FORM.replace("---\n\nCall", "\nCall"): (1, "never closes it"),
        YAML_FORM.replace("  - beta", "  - name: beta"): (9, "block of fields"),
    }
    for text, (line, words) in cases.items():
        write(mini_copy, rel, text)
        found = errors(mini_copy)
        assert len(found) == 1, (text, found)
        assert found[0].startswith(f"{rel}:{line}:"), found
        assert words in found[0], found


def test_the_same_mistake_gets_the_same_message_in_both_forms(mini_copy: Path) -> None:
    rel = "neighbourhoods/alpha/updates/2026-11-21-bike.md"
    write(mini_copy, rel, PELICAN_FORM.replace("Category: Appeal", "Category: Apeal"))
    pelican = errors(mini_copy)
    write(mini_copy, rel, YAML_FORM.replace("category: Appeal", "category: Apeal"))
    yaml = errors(mini_copy)
    assert [p.replace(f"{rel}:3:", f"{rel}:N:") for p in pelican] == [
        p.replace(f"{rel}:4:", f"{rel}:N:") for p in yaml
    ]


def test_a_front_matter_page_builds_and_a_broken_one_is_reported(
    mini_copy: Path, tmp_path: Path
) -> None:
    about = "content/pages/about.md"
    write(mini_copy, about, "---\ntitle: 'About: this site'\nslug: about\n---\n\nA test page.\n")
    assert errors(mini_copy) == []
    output = build(mini_copy, tmp_path / "output")
    page = (output / "about/index.html").read_text()
    assert "About: this site" in page and "A test page." in page
    write(mini_copy, about, "---\ntitle: About: this site\nslug: about\n---\n\nA test page.\n")
    found = errors(mini_copy)
    assert len(found) == 1 and found[0].startswith(f"{about}:2: front matter is not valid YAML")
