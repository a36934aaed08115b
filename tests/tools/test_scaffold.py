"""Scaffolding: `invoke new-update` and `invoke new-event` make files that validate."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from support import PROJECT, build, invoke

from neighbourhood_policing.loading import load_site
from neighbourhood_policing.tools.common import (
    SUMMARY_PLACEHOLDER,
    EditingError,
    make_slug,
    suggest_areas,
)
from neighbourhood_policing.tools.scaffold import new_event, new_update

LONDON = ZoneInfo("Europe/London")
def tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def event_args(**changes: str) -> dict[str, str]:
    args = {
        "title": "Beat surgery at the market",
        "start": "2026-12-12 10:00",
        "end": "2026-12-12 12:00",
        "place": "Market Hall",
        "address": "Market Square, Alpha Town",
        "postcode": "sy81ab",
        "event_type": "beat surgery",
    }
    args.update(changes)
    return args


# -- new update ----------------------------------------------------------------------


def test_new_update_is_named_dated_and_valid(mini_copy: Path) -> None:
    now = dt.datetime(2026, 11, 23, 16, 5, tzinfo=LONDON)
    path = new_update(
        mini_copy,
        "alpha",
        "Appeal: bikes stolen from Alpha's station",
        category="appeal",
        priority="market-asb",
        now=now,
    )
    assert path == (
        mini_copy
        / "neighbourhoods/alpha/updates/2026-11-23-appeal-bikes-stolen-from-alphas-station.md"
    )
    head = path.read_text(encoding="utf-8").split("\n\n")[0].splitlines()
    assert head == [
        "Title: Appeal: bikes stolen from Alpha's station",
        "Date: 2026-11-23 16:05",
        "Category: Appeal",
        f"Summary: {SUMMARY_PLACEHOLDER}",
        "Priority: market-asb",
    ]
    site = load_site(mini_copy)
    assert site.problems == []
    info = site.updates[path.relative_to(mini_copy).as_posix()]
    assert info.home == "alpha" and info.meta.priority == "market-asb"
    assert info.meta.date == dt.datetime(2026, 11, 23, 16, 5)


def test_new_update_uses_uk_time_in_summer(mini_copy: Path) -> None:
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (BST).
    now = dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC)
    path = new_update(mini_copy, "beta", "Summer fete", now=now)
    assert path.name == "2026-07-02-summer-fete.md"
    assert "Date: 2026-07-02 00:30\nCategory: News\n" in path.read_text(encoding="utf-8")


def test_new_update_defaults_to_now_in_london(mini_copy: Path) -> None:
    before = dt.datetime.now(LONDON).date()
    path = new_update(mini_copy, "beta", "Village hall open day")
    after = dt.datetime.now(LONDON).date()
    assert path.name in {f"{d:%Y-%m-%d}-village-hall-open-day.md" for d in (before, after)}
    assert load_site(mini_copy).errors == []


def test_new_update_refuses_to_overwrite(mini_copy: Path) -> None:
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)
    path = new_update(mini_copy, "alpha", "Market patrols", now=now)
    path.write_text(path.read_text(encoding="utf-8") + "Edited by hand.\n", encoding="utf-8")
    edited = path.read_bytes()
    with pytest.raises(EditingError, match="already exists"):
        new_update(mini_copy, "alpha", "Market patrols", now=now + dt.timedelta(hours=2))
    assert path.read_bytes() == edited


def test_mistyped_area_suggests_the_nearest_and_creates_nothing(mini_copy: Path) -> None:
    before = tree(mini_copy)
    with pytest.raises(EditingError) as error:
        new_update(mini_copy, "alpah", "Anything")
    assert "There is no area 'alpah'" in error.value.message
    assert "Did you mean: alpha (Alpha Town)?" in error.value.message
    assert "Nothing was created" in error.value.message
    with pytest.raises(EditingError, match=r"Did you mean: beta \(Beta Village\)"):
        new_event(mini_copy, "Beta-Vilage", **event_args())
    assert tree(mini_copy) == before


def test_area_names_are_suggested_too(mini_copy: Path) -> None:
    site = load_site(mini_copy)
    assert suggest_areas(mini_copy, "alfa", site) == ["alpha"]
    assert suggest_areas(mini_copy, "Alpha Twon", site) == ["alpha"]
    assert suggest_areas(mini_copy, "zzzz", site) == []


def test_unknown_area_with_nothing_close_lists_the_areas(mini_copy: Path) -> None:
    with pytest.raises(EditingError, match="The areas are: alpha, beta"):
        new_update(mini_copy, "../../etc", "Anything")
    assert not (mini_copy / "etc").exists()


def test_invoke_new_update_on_the_command_line(mini_copy: Path) -> None:
    bad = invoke("new-update", "--content-root", str(mini_copy), "--area", "alhpa", "--title", "X")
    assert bad.returncode == 1
    assert "Did you mean: alpha (Alpha Town)?" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert not (mini_copy / "neighbourhoods/alhpa").exists()
    good = invoke(
        "new-update", "--content-root", str(mini_copy), "--area", "beta", "--title",
        "Speed checks on the A49", "--category", "Crime prevention advice",
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    created = sorted(
        (mini_copy / "neighbourhoods/beta/updates").glob("*-speed-checks-on-the-a49.md")
    )
    assert len(created) == 1
    assert "Category: Crime prevention advice" in created[0].read_text(encoding="utf-8")
    assert load_site(mini_copy).problems == []


def test_new_update_explains_bad_category_priority_and_title(mini_copy: Path) -> None:
    with pytest.raises(EditingError, match=r"'Gossip' is not a category; use one of: .*Appeal"):
        new_update(mini_copy, "alpha", "Title", category="Gossip")
    with pytest.raises(EditingError, match=r"no priority 'market-abs'\. Did you mean: market-asb"):
        new_update(mini_copy, "alpha", "Title", priority="market-abs")
    with pytest.raises(EditingError, match="no letters or numbers"):
        new_update(mini_copy, "alpha", "!!! ???")
    with pytest.raises(EditingError, match="--title is empty"):
        new_update(mini_copy, "alpha", "   ")
    assert not list((mini_copy / "neighbourhoods/alpha/updates").glob("*-title.md"))


def test_slugs_are_short_and_plain() -> None:
    assert make_slug("Café owners' meeting: 5 tips_for safety!") == (
        "cafe-owners-meeting-5-tips-for-safety"
    )
    long = make_slug("word " * 40)
    assert len(long) <= 60 and not long.endswith("-") and long.startswith("word-word")


# -- new event -----------------------------------------------------------------------


def test_new_event_appends_and_keeps_the_file_as_it_was(mini_copy: Path) -> None:
    events = mini_copy / "neighbourhoods/alpha/events.yaml"
    original = (
        "# yaml-language-server: $schema=../../schemas/events.schema.json\n"
        "# Our events. Keep the surgeries first.\n"
        + events.read_text(encoding="utf-8").replace(
            "  description: Drop in",
            "  # the description is shown on the page\n  description: Drop in",
        )
    )
    events.write_text(original, encoding="utf-8")
    path, event_id = new_event(mini_copy, "alpha", **event_args(booking="No need to book."))
    text = path.read_text(encoding="utf-8")
    assert path == events and text.startswith(original)
    assert event_id == "2026-12-12-beat-surgery-at-the-market"
    added = yaml.safe_load(text[len(original) :])
    assert added == [
        {
            "id": event_id,
            "title": "Beat surgery at the market",
            "type": "beat surgery",
            "start": "2026-12-12 10:00",
            "end": "2026-12-12 12:00",
            "place": "Market Hall",
            "address": "Market Square, Alpha Town",
            "postcode": "SY8 1AB",
            "booking": "No need to book.",
        }
    ]
    site = load_site(mini_copy)
    assert site.problems == []
    event = site.areas["alpha"].events[-1]
    assert event.id == event_id and event.start == dt.datetime(2026, 12, 12, 10, 0)
    # The same title on the same day gets its own id.
    _, second = new_event(
        mini_copy, "alpha", **event_args(start="2026-12-12 14:00", end="2026-12-12 15:00")
    )
    assert second == f"{event_id}-2"
    assert load_site(mini_copy).problems == []


def test_new_event_keeps_crlf_and_blank_lines_between_items(mini_copy: Path) -> None:
    events = mini_copy / "neighbourhoods/alpha/events.yaml"
    text = events.read_text(encoding="utf-8").replace("\n- id:", "\n\n- id:")
    original = text.replace("\n", "\r\n").encode("utf-8")
    events.write_bytes(original)
    new_event(mini_copy, "alpha", **event_args(description="Line one.\nLine two."))
    data = events.read_bytes()
    assert data.startswith(original)
    tail = data[len(original) :].decode("utf-8")
    assert tail.startswith("\r\n- id: 2026-12-12-")
    assert "\n" not in tail.replace("\r\n", "")
    assert "  description: |-\r\n    Line one.\r\n    Line two.\r\n" in tail
    assert load_site(mini_copy).problems == []


def test_new_event_creates_a_missing_file_with_its_schema_line(mini_copy: Path) -> None:
    path, _ = new_event(mini_copy, "beta", **event_args())
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=" + os.path.relpath(
        PROJECT / "schemas/events.schema.json", path.parent
    )
    assert (path.parent / first.split("=", 1)[1]).resolve().is_file()
    assert [e.title for e in load_site(mini_copy).areas["beta"].events] == [
        "Beat surgery at the market"
    ]


def test_new_event_fills_an_empty_list(mini_copy: Path) -> None:
    events = mini_copy / "neighbourhoods/beta/events.yaml"
    events.write_text("# yaml-language-server: $schema=x.json\n# None yet.\n[]\n", encoding="utf-8")
    new_event(mini_copy, "beta", **event_args())
    text = events.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=x.json\n# None yet.\n- id: ")
    assert len(load_site(mini_copy).areas["beta"].events) == 1


def test_invalid_event_changes_nothing(mini_copy: Path) -> None:
    events = mini_copy / "neighbourhoods/alpha/events.yaml"
    before = events.read_bytes()
    with pytest.raises(EditingError) as error:
        new_event(mini_copy, "alpha", **event_args(postcode="SY8 1"))
    assert "--postcode: 'SY8 1' is not a full UK postcode" in error.value.message
    with pytest.raises(EditingError, match=r"--end: the event ends .* before it starts"):
        new_event(mini_copy, "alpha", **event_args(end="2026-12-12 09:00"))
    with pytest.raises(EditingError, match="--start '12/12/2026 10am' is not a date and time"):
        new_event(mini_copy, "alpha", **event_args(start="12/12/2026 10am"))
    with pytest.raises(EditingError, match="--type: 'surgery' is not allowed; use one of"):
        new_event(mini_copy, "alpha", **event_args(event_type="surgery"))
    assert events.read_bytes() == before


def test_new_event_refuses_a_file_with_problems(mini_copy: Path) -> None:
    events = mini_copy / "neighbourhoods/alpha/events.yaml"
    broken = events.read_text(encoding="utf-8").replace("SY8 1AC", "SY8")
    events.write_text(broken, encoding="utf-8")
    with pytest.raises(
        EditingError,
        match=r"events.yaml has problems to fix first .*\n.*yaml:17: past-meeting.postcode",
    ):
        new_event(mini_copy, "alpha", **event_args())
    assert events.read_text(encoding="utf-8") == broken


def test_new_event_refuses_a_layout_it_cannot_append_to(mini_copy: Path) -> None:
    events = mini_copy / "neighbourhoods/beta/events.yaml"
    flow = (
        '[{id: one, title: One, type: meeting, start: "2026-12-01 10:00", '
        'end: "2026-12-01 11:00", place: Hall, address: "1 Road", postcode: SY8 1AA}]\n'
    )
    events.write_text(flow, encoding="utf-8")
    with pytest.raises(EditingError, match="this tool cannot add to it safely"):
        new_event(mini_copy, "beta", **event_args())
    assert events.read_text(encoding="utf-8") == flow


def test_invoke_new_event_then_the_site_builds(mini_copy: Path, tmp_path: Path) -> None:
    result = invoke(
        "new-event", "--content-root", str(mini_copy), "--area", "alpha",
        "--title", "Mobile police station visit", "--type", "mobile police station",
        "--start", "2026-12-19 09:30", "--end", "2026-12-19 11:30", "--place", "Tesco car park",
        "--address", "Station Road, Alpha Town", "--postcode", "SY8 1AD",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Added the event '2026-12-19-mobile-police-station-visit'" in result.stdout
    new_update(
        mini_copy, "alpha", "Mobile police station on Saturday", category="Event",
        now=dt.datetime(2026, 11, 22, 8, 0, tzinfo=LONDON),
    )  # fmt: skip
    output = build(mini_copy, tmp_path / "output")
    area = (output / "neighbourhoods/alpha/index.html").read_text(encoding="utf-8")
    assert "Mobile police station visit" in area
    update = output / "neighbourhoods/alpha/updates/2026-11-22-mobile-police-station-on-saturday"
    assert "Mobile police station on Saturday" in (update / "index.html").read_text("utf-8")
