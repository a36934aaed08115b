"""iCalendar files: built for real and read back with the icalendar library."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from pelican import signals
from support import MINI, PROJECT, build
from support.pages import served_page

SITEURL = "http://localhost:8000"
UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")

#: A summer event (British Summer Time) with Markdown, booking and a lower-case postcode.
SUMMER_EVENT = """\
- id: summer-mobile-station
  title: Mobile police station at the fete
  type: mobile police station
  start: "2027-06-12 10:00"
  end: "2027-06-12 15:00"
  place: Alpha Park
  address: Park Road, Alpha Town
  postcode: sy8 1ad
  description: Find us by the **bandstand**; see [the park map](https://www.example.org/park).
  booking: No need to book, just drop in.
"""

ALPHA_EVENTS = ["past-meeting", "december-surgery", "summer-mobile-station"]


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("calendars") / "site"
    shutil.copytree(MINI, root)
    events = root / "neighbourhoods/alpha/events.yaml"
    events.write_text(events.read_text() + SUMMER_EVENT)
    return root


@pytest.fixture(scope="module")
def written(site_root: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[Path]]:
    """One build, with every file Pelican was told had been written."""
    announced: set[Path] = set()

    def record(path: str, context: object = None) -> None:
        announced.add(Path(path).resolve())

    signals.content_written.connect(record)
    try:
        output = build(site_root, tmp_path_factory.mktemp("calendars-out") / "output")
    finally:
        signals.content_written.disconnect(record)
    return output, announced


@pytest.fixture(scope="module")
def output(written: tuple[Path, set[Path]]) -> Path:
    return written[0]


def calendars_in(output: Path) -> list[Path]:
    return sorted(output.rglob("*.ics"))


def read(path: Path) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    for component in calendar.walk():
        assert component.errors == [], f"{path}: {component.errors}"
    return calendar


def events_of(path: Path) -> dict[str, icalendar.Event]:
    return {str(e["UID"]).split("@")[0]: e for e in read(path).walk("VEVENT")}


# -- Which calendars exist ----------------------------------------------------------------


def test_every_area_every_event_and_the_whole_force_has_a_calendar(output: Path) -> None:
    assert sorted(p.relative_to(output).as_posix() for p in calendars_in(output)) == sorted(
        [
            "events.ics",
            "neighbourhoods/alpha/events.ics",
            "neighbourhoods/beta/events.ics",
            *(f"neighbourhoods/alpha/events/{event}.ics" for event in ALPHA_EVENTS),
        ]
    )


def test_calendars_are_announced_to_other_plugins(written: tuple[Path, set[Path]]) -> None:
    output, announced = written
    # The build writes into a temporary folder next to the output and swaps it in at the
    # end (atomic output), so compare paths within the site.
    staging = f".{output.name}.building-"

    def within_site(path: Path) -> Path:
        top = next(i for i, part in enumerate(path.parts) if part.startswith(staging))
        return Path(*path.parts[top + 1 :])

    within = {within_site(p) for p in announced}
    assert [p for p in calendars_in(output) if p.relative_to(output) not in within] == []


# -- What every calendar app needs --------------------------------------------------------


def test_every_calendar_parses_and_every_event_has_uid_dtstart_dtstamp_summary(
    output: Path,
) -> None:
    for path in calendars_in(output):
        calendar = read(path)
        assert str(calendar["VERSION"]) == "2.0"
        assert (
            str(calendar["PRODID"])
            == "-//West Mercia Police//West Mercia Neighbourhood Policing//EN"
        )
        timezones = calendar.walk("VTIMEZONE")
        assert [str(t["TZID"]) for t in timezones] == ["Europe/London"], path
        uids = []
        for event in calendar.walk("VEVENT"):
            for name in ("UID", "DTSTART", "DTEND", "DTSTAMP", "SUMMARY", "LOCATION", "URL"):
                assert name in event, f"{path}: an event has no {name}"
            assert event["DTSTART"].params["TZID"] == "Europe/London"
            assert event["DTEND"].params["TZID"] == "Europe/London"
            assert event["DTSTAMP"].to_ical().endswith(b"Z")  # UTC, as RFC 5545 requires
            uids.append(str(event["UID"]))
        assert len(uids) == len(set(uids)), path


def test_calendar_files_follow_the_line_rules(output: Path) -> None:
    for path in calendars_in(output):
        data = path.read_bytes()
        assert data.endswith(b"END:VCALENDAR\r\n")
        lines = data.split(b"\r\n")[:-1]
        assert all(b"\n" not in line and len(line) <= 75 for line in lines), path
        assert b"DTSTART;TZID=Europe/London:" in data or b"BEGIN:VEVENT" not in data


def test_the_time_zone_in_the_file_gives_the_right_uk_offsets(output: Path) -> None:
    """Apps without a time zone database rely on the VTIMEZONE: it must match the law."""
    for path in calendars_in(output):
        calendar = read(path)
        rules = calendar.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
        for event in calendar.walk("VEVENT"):
            for name in ("DTSTART", "DTEND"):
                local = event.decoded(name).replace(tzinfo=None)
                expected = local.replace(tzinfo=LONDON).utcoffset()
                assert local.replace(tzinfo=rules).utcoffset() == expected, (path, local)


def test_an_area_calendar_names_the_area_and_links_back(output: Path) -> None:
    calendar = read(output / "neighbourhoods/alpha/events.ics")
    assert str(calendar["X-WR-CALNAME"]) == "Alpha Town police meetings and surgeries"
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"])
    assert "Alpha Town neighbourhood team" in str(calendar["X-WR-CALDESC"])
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/London"
    assert str(calendar["URL"]) == f"{SITEURL}/neighbourhoods/alpha/"
    assert str(calendar["SOURCE"]) == f"{SITEURL}/neighbourhoods/alpha/events.ics"
    data = (output / "neighbourhoods/alpha/events.ics").read_bytes()
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in data
    # Earliest first.
    assert [str(e["UID"]).split("@")[0] for e in calendar.walk("VEVENT")] == ALPHA_EVENTS


def test_an_event_says_when_where_and_how_to_book(output: Path) -> None:
    event = events_of(output / "neighbourhoods/alpha/events.ics")["summer-mobile-station"]
    assert str(event["UID"]) == "summer-mobile-station@alpha.localhost"
    assert str(event["SUMMARY"]) == "Mobile police station at the fete"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.isoformat(), end.isoformat()) == (
        "2027-06-12T10:00:00+01:00",
        "2027-06-12T15:00:00+01:00",
    )
    # DTSTAMP comes from the content (the event's start, in UTC), never from the clock.
    assert event.decoded("DTSTAMP") == dt.datetime(2027, 6, 12, 9, 0, tzinfo=UTC)
    assert str(event["LOCATION"]) == "Alpha Park, Park Road, Alpha Town, SY8 1AD"
    assert str(event["URL"]) == f"{SITEURL}/neighbourhoods/alpha/#events"
    description = str(event["DESCRIPTION"])
    assert "Find us by the bandstand; see the park map." in description
    assert "<" not in description
    assert "Booking: No need to book, just drop in." in description
    assert f"{SITEURL}/neighbourhoods/alpha/#events" in description
    assert "alpha.snt@example.police.uk" in str(event["CONTACT"])
    assert [str(c) for c in event["CATEGORIES"].cats] == ["Mobile police station"]


def test_a_winter_event_is_in_greenwich_mean_time(output: Path) -> None:
    event = events_of(output / "neighbourhoods/alpha/events.ics")["december-surgery"]
    assert event.decoded("DTSTART").isoformat() == "2026-12-05T10:00:00+00:00"
    assert event.decoded("DTSTAMP") == dt.datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    assert (
        b"DTSTART;TZID=Europe/London:20261205T100000\r\n"
        in (output / "neighbourhoods/alpha/events.ics").read_bytes()
    )


def test_an_area_without_events_still_has_a_calendar_to_subscribe_to(output: Path) -> None:
    calendar = read(output / "neighbourhoods/beta/events.ics")
    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "Beta Village police meetings and surgeries"


def test_the_force_wide_calendar_has_every_event_with_its_area(output: Path) -> None:
    events = read(output / "events.ics").walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"{e}@alpha.localhost" for e in ALPHA_EVENTS]
    assert all(str(e["SUMMARY"]).endswith(" (Alpha Town)") for e in events)


def test_a_single_event_file_holds_that_event_with_the_same_uid(output: Path) -> None:
    area = events_of(output / "neighbourhoods/alpha/events.ics")
    for event_id in ALPHA_EVENTS:
        single = events_of(output / f"neighbourhoods/alpha/events/{event_id}.ics")
        assert list(single) == [event_id]
        assert single[event_id].to_ical() == area[event_id].to_ical()


def test_upcoming_events_have_an_add_to_calendar_link(output: Path) -> None:
    page = served_page(output, "neighbourhoods/alpha/index.html")
    links = page.xpath("//li[contains(@class, 'event')]//a[starts-with(text(), 'Add to calendar')]")
    # The October meeting is past on the build date (24 November 2026), so it is not listed.
    assert [" ".join(a.text_content().split()) for a in links] == [
        "Add to calendar: Beat surgery at the library",
        "Add to calendar: Mobile police station at the fete",
    ]
    for a, event_id in zip(links, ["december-surgery", "summer-mobile-station"], strict=True):
        href = a.get("href")
        assert href == f"{SITEURL}/neighbourhoods/alpha/events/{event_id}.ics"
        assert a.get("type") == "text/calendar"
        assert list(events_of(output / href.removeprefix(f"{SITEURL}/"))) == [event_id]


def test_the_publish_build_uses_the_real_address(site_root: Path, tmp_path: Path) -> None:
    published = build(site_root, tmp_path / "output", PROJECT / "publishconf.py")
    real = "https://neighbourhoods.westmercia.police.uk"
    event = events_of(published / "neighbourhoods/alpha/events.ics")["december-surgery"]
    assert str(event["UID"]) == "december-surgery@alpha.neighbourhoods.westmercia.police.uk"
    assert str(event["URL"]) == f"{real}/neighbourhoods/alpha/#events"
    for path in calendars_in(published):
        assert b"localhost" not in path.read_bytes(), path


def test_every_sample_calendar_is_valid(sample_output: Path) -> None:
    paths = calendars_in(sample_output)
    areas = [p for p in (sample_output / "neighbourhoods").iterdir() if (p / "index.html").exists()]
    assert len(paths) > len(areas)
    total = 0
    for path in paths:
        for event in read(path).walk("VEVENT"):
            assert event["DTSTART"].params["TZID"] == "Europe/London"
            for name in ("UID", "DTSTAMP", "SUMMARY", "LOCATION"):
                assert name in event
            total += 1
    assert total > 0
