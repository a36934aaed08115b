"""Jinja filters for the theme: dates and times in GOV.UK style, Markdown, grouping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import groupby
from typing import Any
from urllib.parse import quote

from jinja2 import pass_context

from .markup import plain_text, render_markdown
from .models import Day, Priority, Status

_STATUS_ORDER = {Status.in_progress: 0, Status.open: 1, Status.closed: 2}


def uk_date(value: dt.date | dt.datetime | None) -> str:
    """24 November 2026."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def uk_time(value: dt.datetime | dt.time | str) -> str:
    """10am, 6:30pm, midday, midnight."""
    if isinstance(value, str):
        hours, minutes = (int(part) for part in value.split(":"))
        value = dt.time(hours, minutes)
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    if value.hour == 12 and value.minute == 0:
        return "midday"
    suffix = "am" if value.hour < 12 else "pm"
    hour = value.hour % 12 or 12
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def uk_datetime(value: dt.datetime) -> str:
    """Saturday 5 December 2026 at 10am."""
    return f"{value:%A} {uk_date(value)} at {uk_time(value)}"


def event_when(start: dt.datetime, end: dt.datetime) -> str:
    """Saturday 5 December 2026, 10am to midday (or across days when it spans them)."""
    if start.date() == end.date():
        return f"{start:%A} {uk_date(start)}, {uk_time(start)} to {uk_time(end)}"
    return f"{uk_datetime(start)} to {uk_datetime(end)}"


def iso(value: dt.date | dt.datetime) -> str:
    """Machine-readable date for <time datetime>."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    return value.isoformat()


def join_words(items: Iterable[str], conjunction: str = "and") -> str:
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


_WEEKDAYS = [d.value for d in Day][:5]
_WEEKEND = ["saturday", "sunday"]


def patrol_days(days: Iterable[Day | str]) -> str:
    """Friday and Saturday; Monday to Thursday; every day; weekdays."""
    names = {d.value if isinstance(d, Day) else str(d) for d in days}
    week = [d.value for d in Day]
    ordered = [d for d in week if d in names]
    if len(ordered) == 7:
        return "Every day"
    if ordered == _WEEKDAYS:
        return "Weekdays"
    if ordered == _WEEKEND:
        return "Weekends"
    runs: list[list[str]] = []
    for day in ordered:
        if runs and week.index(day) == week.index(runs[-1][-1]) + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{run[0].capitalize()} to {run[-1].capitalize()}")
        else:
            parts.extend(day.capitalize() for day in run)
    return join_words(parts)


def priorities_in_order(priorities: Iterable[Priority]) -> list[Priority]:
    """Active priorities first (in progress, then open), closed ones last; keeps file order."""
    return sorted(priorities, key=lambda p: _STATUS_ORDER[p.status])


def group_by_district(areas: Iterable[Any]) -> list[tuple[str, list[Any]]]:
    ordered = sorted(areas, key=lambda a: (a.area.district.casefold(), a.name.casefold()))
    grouped = groupby(ordered, lambda a: a.area.district)
    return [(district, list(group)) for district, group in grouped]


def group_by_letter(areas: Iterable[Any]) -> list[tuple[str, list[Any]]]:
    ordered = sorted(areas, key=lambda a: a.name.casefold())
    grouped = groupby(ordered, lambda a: a.name[:1].upper())
    return [(letter, list(group)) for letter, group in grouped]


def map_link(where: Any, zoom: int = 17) -> str:
    """An OpenStreetMap link centred on a patrol's point or polygon."""
    from .geo import patrol_shape

    centre = patrol_shape(where).centroid
    lat, lon = f"{centre.y:.5f}", f"{centre.x:.5f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map={zoom}/{lat}/{lon}"


def mailto(email: str, subject: str | None = None) -> str:
    url = f"mailto:{email}"
    if subject:
        url += "?subject=" + quote(plain_text(subject), safe="")
    return url


def status_class(status: Status | str) -> str:
    return str(status).replace(" ", "-").replace("'", "")


@pass_context
def on_page(context: Any, url: str) -> str:
    """A full URL of this site (``SITE_ADDRESS/...``) as a link from the page being rendered.

    The Jinja globals (feed, calendar and map links) give full URLs, which feeds, calendars
    and the sitemap need; on a page, ``SITEURL`` is the path back to the site's root
    (``..``, as Pelican's RELATIVE_URLS makes it), so the link works at any address.
    Other URLs (another site, ``mailto:``) are left as they are.
    """
    address = str(context.get("SITE_ADDRESS") or "")
    here = context.get("SITEURL")
    text = str(url)
    if not address or here is None or str(here) == address:
        return text
    if text == address:
        return f"{here}/"
    if text.startswith(f"{address}/"):
        return f"{here}/{text[len(address) + 1 :]}"
    return text


FILTERS = {
    "on_page": on_page,
    "md": render_markdown,
    "plain": plain_text,
    "uk_date": uk_date,
    "uk_time": uk_time,
    "uk_datetime": uk_datetime,
    "event_when": event_when,
    "iso": iso,
    "join_words": join_words,
    "patrol_days": patrol_days,
    "group_by_letter": group_by_letter,
    "mailto": mailto,
    "map_link": map_link,
    "status_class": status_class,
}
