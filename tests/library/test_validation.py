"""Every validation rule: each test breaks one thing and checks file, line and message."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

from neighbourhood_policing.loading import load_site

TODAY = dt.date(2026, 11, 24)


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(root: Path, severity: str = "error") -> list[str]:
    site = load_site(root, build_date=TODAY)
    return [str(p) for p in site.problems if p.severity == severity]


def only(root: Path, severity: str = "error") -> str:
    found = problems(root, severity)
    assert len(found) == 1, found
    return found[0]


def test_the_mini_fixture_is_valid(mini_copy: Path) -> None:
    site = load_site(mini_copy, build_date=TODAY)
    assert [str(p) for p in site.problems] == []
    assert list(site.areas) == ["alpha", "beta"]
    assert len(site.updates) == 3


def test_yaml_syntax_error_names_the_line(mini_copy: Path) -> None:
    write(
        mini_copy,
        "neighbourhoods/beta/area.yaml",
        """
        name: Beta Village
        district: Test District
        summary: Broken: a colon in an unquoted value
        contact:
          email: beta.snt@example.police.uk
        """,
    )
    message = only(mini_copy)
    assert message.startswith("neighbourhoods/beta/area.yaml:3: is not valid YAML")
    assert "needs quotes" in message


def test_unknown_field_suggests_the_right_name(mini_copy: Path) -> None:
    path = mini_copy / "neighbourhoods/alpha/priorities.yaml"
    path.write_text(path.read_text().replace("  title: Speeding", "  titel: Speeding"))
    found = problems(mini_copy)
    assert (
        "neighbourhoods/alpha/priorities.yaml:14: speeding.titel: 'titel' is not a field we "
        "know; did you mean 'title'?"
    ) in found
    assert (
        "neighbourhoods/alpha/priorities.yaml:13: speeding.title: is required but missing; "
        "add a line 'title: …'"
    ) in found


def test_missing_required_field(mini_copy: Path) -> None:
    write(
        mini_copy,
        "neighbourhoods/beta/area.yaml",
        """
        name: Beta Village
        summary: A rural area.
        contact:
          email: beta.snt@example.police.uk
        """,
    )
    assert only(mini_copy) == (
        "neighbourhoods/beta/area.yaml:1: district: is required but missing; "
        "add a line 'district: …'"
    )


def test_wrong_type(mini_copy: Path) -> None:
    write(
        mini_copy,
        "neighbourhoods/beta/area.yaml",
        """
        name: Beta Village
        district: Test District
        summary: A rural area.
        places: Beta Village
        contact:
          email: beta.snt@example.police.uk
        """,
    )
    assert only(mini_copy) == (
        "neighbourhoods/beta/area.yaml:4: places: must be a list, with each item on its own "
        "line starting with '- '"
    )


def test_impossible_date(mini_copy: Path) -> None:
    path = mini_copy / "neighbourhoods/alpha/priorities.yaml"
    path.write_text(path.read_text().replace("agreed: 2026-09-01", "agreed: 2026-02-30"))
    assert only(mini_copy) == (
        "neighbourhoods/alpha/priorities.yaml:4: market-asb.agreed: '2026-02-30' is not a real "
        "date; check the day and month (written YYYY-MM-DD)"
    )


def test_review_date_before_agreed_date(mini_copy: Path) -> None:
    path = mini_copy / "neighbourhoods/alpha/priorities.yaml"
    path.write_text(path.read_text().replace("review: 2027-03-01", "review: 2026-08-01"))
    assert only(mini_copy) == (
        "neighbourhoods/alpha/priorities.yaml:7: market-asb.review: the review date 2026-08-01 "
        "is before the date it was agreed (2026-09-01); set a review date after it"
    )


def test_event_ending_before_it_starts(mini_copy: Path) -> None:
    path = mini_copy / "neighbourhoods/alpha/events.yaml"
    path.write_text(path.read_text().replace('end: "2026-12-05 12:00"', 'end: "2026-12-05 09:00"'))
    assert only(mini_copy) == (
        "neighbourhoods/alpha/events.yaml:5: december-surgery.end: the event ends "
        "(2026-12-05 09:00) before it starts (2026-12-05 10:00); check both times"
    )


def test_impossible_event_time(mini_copy: Path) -> None:
    path = mini_copy / "neighbourhoods/alpha/events.yaml"
    path.write_text(path.read_text().replace('"2026-12-05 10:00"', '"2026-12-32 10:00"'))
    message = only(mini_copy)
    assert message.startswith("neighbourhoods/alpha/events.yaml:4: december-surgery.start: ")
    assert "'2026-12-32 10:00' is not a real date and time" in message


def test_duplicate_ids(mini_copy: Path) -> None:
    path = mini_copy / "neighbourhoods/alpha/events.yaml"
    path.write_text(path.read_text().replace("id: past-meeting", "id: december-surgery"))
    assert only(mini_copy) == (
        "neighbourhoods/alpha/events.yaml:10: december-surgery.id: the id 'december-surgery' is "
        "used twice (first as item 1); give each one a different id"
    )


def test_duplicate_keys_are_an_error(mini_copy: Path) -> None:
    path = mini_copy / "neighbourhoods/beta/area.yaml"
    path.write_text(path.read_text() + "name: Beta Again\n")
    assert only(mini_copy) == (
        "neighbourhoods/beta/area.yaml:6: has 'name' twice in the same block (first on line 1); "
        "keep one and delete the other"
    )


def test_update_naming_an_unknown_area(mini_copy: Path) -> None:
    path = mini_copy / "neighbourhoods/alpha/updates/2026-06-15-summer-appeal.md"
    path.write_text(path.read_text().replace("Areas: beta", "Areas: betta"))
    assert only(mini_copy) == (
        "neighbourhoods/alpha/updates/2026-06-15-summer-appeal.md:5: areas: there is no area "
        "'betta'; did you mean 'beta'?"
    )


def test_update_naming_an_unknown_priority(mini_copy: Path) -> None:
    path = mini_copy / "neighbourhoods/alpha/updates/2026-11-20-market-patrols.md"
    path.write_text(path.read_text().replace("Priority: market-asb", "Priority: market-abs"))
    assert only(mini_copy) == (
        "neighbourhoods/alpha/updates/2026-11-20-market-patrols.md:5: priority: there is no "
        "priority 'market-abs' in the priorities of alpha; did you mean 'market-asb'?"
    )


def test_folder_without_area_yaml(mini_copy: Path) -> None:
    write(mini_copy, "neighbourhoods/gamma/priorities.yaml", "[]\n")
    assert only(mini_copy) == (
        "neighbourhoods/gamma: has no area.yaml; every neighbourhood folder needs one "
        "(copy one from another area and change it)"
    )


def _boundary(root: Path, ring: list[list[float]]) -> None:
    geometry = {"type": "Polygon", "coordinates": [ring]}
    text = json.dumps({"type": "Feature", "properties": {}, "geometry": geometry}, indent=2)
    (root / "neighbourhoods/alpha/boundary.geojson").write_text(text)


def test_unclosed_boundary(mini_copy: Path) -> None:
    _boundary(mini_copy, [[-2.76, 52.34], [-2.68, 52.34], [-2.68, 52.40], [-2.76, 52.40]])
    message = only(mini_copy)
    assert message.startswith("neighbourhoods/alpha/boundary.geojson:6: the ring is not closed")


def test_self_intersecting_boundary(mini_copy: Path) -> None:
    bowtie = [[-2.76, 52.34], [-2.68, 52.40], [-2.68, 52.34], [-2.76, 52.40], [-2.76, 52.34]]
    _boundary(mini_copy, bowtie)
    message = only(mini_copy)
    assert message.startswith(
        "neighbourhoods/alpha/boundary.geojson:6: the boundary crosses itself"
    )


def test_boundary_outside_the_uk(mini_copy: Path) -> None:
    _boundary(mini_copy, [[2.35, 48.85], [2.40, 48.85], [2.40, 48.90], [2.35, 48.85]])
    assert only(mini_copy) == (
        "neighbourhoods/alpha/boundary.geojson:6: the point [2.35, 48.85] is outside the UK"
    )


def test_boundary_with_swapped_coordinates(mini_copy: Path) -> None:
    _boundary(mini_copy, [[52.34, -2.76], [52.34, -2.68], [52.40, -2.68], [52.34, -2.76]])
    assert "longitude and latitude look swapped" in only(mini_copy)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Date: 2026-11-01 10:00\nCategory: Appeal\n",
            "x.md:1: title: is required but missing; add a line 'title: …'",
        ),
        (
            "Title: Hello\nCategory: Appeal\n",
            "x.md:1: date: is required but missing; add a line 'date: …'",
        ),
        (
            "Title: Hello\nDate: yesterday\nCategory: Appeal\n",
            "x.md:2: date: must be a date and time written as YYYY-MM-DD HH:MM, "
            "e.g. 2026-12-05 18:30",
        ),
        (
            "Title: Hello\nDate: 2026-11-01\nCategory: Gossip\n",
            "x.md:3: category: 'Gossip' is not allowed; use one of: 'Crime update', 'Appeal', "
            "'Crime prevention advice', 'Event', 'Good news', 'You said, we did' or 'News'",
        ),
    ],
)
def test_update_header_problems(mini_copy: Path, header: str, expected: str) -> None:
    write(mini_copy, "neighbourhoods/alpha/updates/x.md", header + "\nBody.\n")
    assert only(mini_copy) == "neighbourhoods/alpha/updates/" + expected


def test_update_without_any_metadata(mini_copy: Path) -> None:
    write(mini_copy, "content/updates/notes.md", "Just some text.\n")
    message = only(mini_copy)
    assert message.startswith("content/updates/notes.md:1: has no metadata block;")
    assert "'Title: …'" in message


def test_unknown_update_field(mini_copy: Path) -> None:
    write(
        mini_copy,
        "content/updates/x.md",
        "Title: Hello\nDate: 2026-11-01 10:00\nCategory: News\nSumary: typo\n\nBody.\n",
    )
    assert only(mini_copy) == (
        "content/updates/x.md:4: sumary: 'sumary' is not a field we know; did you mean 'summary'?"
    )


def test_misnamed_file_in_area_folder(mini_copy: Path) -> None:
    write(mini_copy, "neighbourhoods/beta/event.yaml", "[]\n")
    assert only(mini_copy) == (
        "neighbourhoods/beta/event.yaml: is not a file we use; did you mean 'events.yaml'?"
    )


def test_patrol_naming_unknown_priority_patrol(mini_copy: Path) -> None:
    path = mini_copy / "neighbourhoods/alpha/priorities.yaml"
    path.write_text(path.read_text().replace("patrols: [market-square]", "patrols: [market]"))
    assert only(mini_copy) == (
        "neighbourhoods/alpha/priorities.yaml:12: market-asb.patrols: no patrol has the id "
        "'market' in patrols.yaml; did you mean 'market-square'?"
    )


def test_every_problem_is_reported_at_once(mini_copy: Path) -> None:
    path = mini_copy / "neighbourhoods/alpha/priorities.yaml"
    path.write_text(path.read_text().replace("  title: Speeding", "  titel: Speeding"))
    path = mini_copy / "neighbourhoods/beta/area.yaml"
    path.write_text(path.read_text().replace("district:", "distrct:"))
    write(mini_copy, "neighbourhoods/gamma/notes.txt", "x")
    found = problems(mini_copy)
    files = {line.split(":")[0] for line in found}
    assert files == {
        "neighbourhoods/alpha/priorities.yaml",
        "neighbourhoods/beta/area.yaml",
        "neighbourhoods/gamma",
    }


# -- warnings ---------------------------------------------------------------------------


def test_priority_past_its_review_date_is_a_warning(mini_copy: Path) -> None:
    site = load_site(mini_copy, build_date=dt.date(2027, 4, 1))
    warnings = [str(p) for p in site.warnings]
    assert warnings == [
        "neighbourhoods/alpha/priorities.yaml:7: warning: market-asb.review: was due for review "
        "on 2027-03-01; review it with residents and set the next review date"
    ]
    assert site.errors == []


def test_patrol_outside_the_boundary_is_a_warning(mini_copy: Path) -> None:
    path = mini_copy / "neighbourhoods/alpha/patrols.yaml"
    path.write_text(path.read_text().replace("[-2.718, 52.367]", "[-2.2, 52.19]"))
    assert problems(mini_copy) == []
    assert only(mini_copy, "warning") == (
        "neighbourhoods/alpha/patrols.yaml:8: warning: market-square.where: 'Market Square' is "
        "outside the area's boundary; check the coordinates (longitude first) or the boundary"
    )


def test_choices_are_matched_whatever_the_capitals(mini_copy: Path) -> None:
    path = mini_copy / "neighbourhoods/alpha/priorities.yaml"
    text = path.read_text().replace("status: in progress", "status: In Progress")
    path.write_text(text.replace("agreed_how: residents' meeting", "agreed_how: Residents meeting"))
    path = mini_copy / "neighbourhoods/alpha/patrols.yaml"
    path.write_text(path.read_text().replace("[friday, saturday]", "[Friday, SATURDAY]"))
    site = load_site(mini_copy, build_date=TODAY)
    assert [str(p) for p in site.problems] == []
    priorities = site.areas["alpha"].priorities
    assert [p.status.value for p in priorities] == ["in progress", "closed"]
    assert priorities[1].agreed_how.value == "residents' meeting"
    assert [d.value for d in site.areas["alpha"].patrols[0].when[0].days] == ["friday", "saturday"]
