"""The site's rules, each written once: what "today" is, what is upcoming or overdue,
the one order of updates, how forgiving choices are matched, and what a slug looks like.

Every writer, check and tool asks these functions rather than deciding for itself, so
the area page, the calendar, the freshness report and the "nothing lost" check cannot
disagree about whether an event is still to come or a review is overdue.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

#: Folder names and update slugs become web addresses: lower-case words joined by hyphens.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_RE = re.compile(SLUG_PATTERN)

#: Times in content are local time here unless the settings name another TIMEZONE.
DEFAULT_TIMEZONE = "Europe/London"

Choice = TypeVar("Choice", bound=StrEnum)


def timezone(settings: Mapping[str, Any] | None = None) -> ZoneInfo:
    """The zone content times are written in: the TIMEZONE setting, else Europe/London."""
    return ZoneInfo(str((settings or {}).get("TIMEZONE") or DEFAULT_TIMEZONE))


def local(moment: dt.datetime, zone: ZoneInfo | None = None) -> dt.datetime:
    """A naive local time from the content as an aware time in ``zone``."""
    if moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone or ZoneInfo(DEFAULT_TIMEZONE))


def build_date_from_env() -> dt.date:
    """The date the build treats as today: SOURCE_DATE_EPOCH when set, else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def force_name(settings: Mapping[str, Any]) -> str:
    """The force's name for feeds, calendars and reports: FORCE_NAME, else SITENAME."""
    return str(settings.get("FORCE_NAME") or settings.get("SITENAME") or "")


class _Dated(Protocol):
    @property
    def date(self) -> dt.datetime: ...
    @property
    def url(self) -> str: ...


def newest_first_key(item: _Dated) -> tuple[dt.datetime, str]:
    """The one order of updates everywhere (sort with ``reverse=True``): newest first, and
    updates of the same moment by URL, so the order never depends on file order."""
    return (item.date, item.url)


class _Timed(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def start(self) -> dt.datetime: ...
    @property
    def end(self) -> dt.datetime: ...


T = TypeVar("T", bound=_Timed)


def is_upcoming(event: _Timed, today: dt.date) -> bool:
    """An event is listed until the end of the day it ends."""
    return event.end.date() >= today


def upcoming_events(events: Iterable[T], today: dt.date) -> list[T]:
    """Events that have not ended, soonest first (ties by id)."""
    return sorted((e for e in events if is_upcoming(e, today)), key=lambda e: (e.start, e.id))


def past_events(events: Iterable[T], today: dt.date) -> list[T]:
    """Events that have ended: still in events.yaml, no longer on the area page."""
    return [e for e in events if not is_upcoming(e, today)]


def review_overdue(priority: Any, today: dt.date) -> bool:
    """An open or in-progress priority whose review date has passed."""
    return priority.status != "closed" and priority.review < today


def _letters(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower())


def loosely(value: Any, choices: type[Choice]) -> Choice | Any:
    """The choice an editor meant, whatever its capitals, spaces or punctuation.

    "In Progress", "in-progress" and "in progress" all mean the same choice; a value
    that matches none is returned unchanged, for the validator to explain.
    """
    if isinstance(value, str):
        wanted = _letters(value)
        for member in choices:
            if _letters(member.value) == wanted:
                return member
    return value
