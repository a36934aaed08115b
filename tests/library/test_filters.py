"""How dates, times and patrol days read on the page."""

from __future__ import annotations

import datetime as dt

import pytest

from neighbourhood_policing.filters import event_when, patrol_days, uk_time


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (["friday", "saturday"], "Friday and Saturday"),
        (["saturday", "friday"], "Friday and Saturday"),
        (
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"],
            "Monday to Saturday",
        ),
        (["monday", "wednesday", "friday"], "Monday, Wednesday and Friday"),
        (["monday", "thursday", "friday", "saturday"], "Monday and Thursday to Saturday"),
        (["monday", "tuesday", "friday"], "Monday, Tuesday and Friday"),
        (["monday", "tuesday", "wednesday", "thursday", "friday"], "Weekdays"),
        (["saturday", "sunday"], "Weekends"),
        (["monday"], "Monday"),
        (
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
            "Every day",
        ),
    ],
)
def test_patrol_days(days: list[str], expected: str) -> None:
    assert patrol_days(days) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("00:00", "midnight"), ("12:00", "midday"), ("09:00", "9am"), ("18:30", "6:30pm")],
)
def test_uk_time(value: str, expected: str) -> None:
    assert uk_time(value) == expected


def test_event_when_same_day_and_across_days() -> None:
    start = dt.datetime(2026, 12, 5, 10, 0)
    assert event_when(start, dt.datetime(2026, 12, 5, 12, 0)) == (
        "Saturday 5 December 2026, 10am to midday"
    )
    assert event_when(start, dt.datetime(2026, 12, 6, 9, 30)) == (
        "Saturday 5 December 2026 at 10am to Sunday 6 December 2026 at 9:30am"
    )
