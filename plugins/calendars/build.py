"""Turning events into iCalendar (RFC 5545) files with the icalendar library.

Pure functions of their input: the same events and settings always give the
same bytes. Nothing reads the clock: an event's DTSTAMP is its own start time
(the content has no edit time, and a build time would change every file on
every build), and the VTIMEZONE covers the calendar years of the events it
serves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone, vDuration, vText
from icalendar import Event as VEvent

from neighbourhood_policing.files import absolute_url as absolute
from neighbourhood_policing.files import site_domain
from neighbourhood_policing.markup import plain_text, render_markdown
from neighbourhood_policing.rules import local, timezone

REFRESH = dt.timedelta(hours=12)


def year_range(events: Sequence[Any]) -> tuple[dt.date, dt.date] | None:
    """1 January of the first event's year to 31 December of the last one's."""
    if not events:
        return None
    first = min(e.start for e in events)
    last = max(e.end for e in events)
    return dt.date(first.year, 1, 1), dt.date(last.year, 12, 31)


@dataclass(frozen=True)
class Item:
    """One event with the area it belongs to."""

    record: Any  # neighbourhood_policing.site.AreaRecord
    event: Any  # neighbourhood_policing.models.Event


@dataclass
class CalendarSpec:
    path: str
    name: str
    description: str
    page_url: str  # absolute: the page the calendar stands for
    items: Sequence[Item]
    name_area: bool = False  # put the area's name in each summary (force-wide calendar)

    def inputs(self) -> tuple[Any, ...]:
        """Everything ``CalendarWriter.render`` reads of the spec, as plain data for the
        build cache's key: of each area only what a calendar shows (its address, name and
        ``area.yaml``), not its updates, so editing an update leaves calendars alone."""
        return (
            self.path, self.name, self.description, self.page_url, self.name_area,
            [(i.record.slug, i.record.url, i.record.name, i.record.area, i.event)
             for i in self.items],
        )  # fmt: skip


class CalendarWriter:
    def __init__(
        self, *, siteurl: str, sitename: str, force_name: str, zone: ZoneInfo | None = None
    ) -> None:
        self.zone = zone or timezone()
        self.tzid = self.zone.key
        self.siteurl = siteurl.rstrip("/")
        self.domain = site_domain(siteurl)
        self.prodid = f"-//{force_name}//{sitename}//EN"
        self.default_range: tuple[dt.date, dt.date] | None = None

    def uid(self, record: Any, event: Any) -> str:
        """Stable across builds and edits: the event's id, its area and the site's domain."""
        return f"{event.id}@{record.slug}.{self.domain}"

    def vevent(self, item: Item, *, name_area: bool) -> VEvent:
        record, event = item.record, item.event
        start = local(event.start, self.zone)
        page = absolute(self.siteurl, f"{record.url}#events")
        component = VEvent()
        component.add("uid", self.uid(record, event))
        component.add("dtstamp", start.astimezone(dt.UTC))
        component.add("dtstart", start)
        component.add("dtend", local(event.end, self.zone))
        summary = event.title
        if name_area:
            summary = f"{summary} ({record.name})"
        component.add("summary", summary)
        component.add("location", f"{event.place}, {event.address}, {event.postcode}")
        component.add("description", self.description(item, page))
        component.add("categories", [event.type.value.capitalize()])
        component.add("url", page)
        contact = record.area.contact
        component.add(
            "contact",
            f"{record.name} neighbourhood team, {contact.email}, phone {contact.phone}",
        )
        component.add("class", "PUBLIC")
        component.add("transp", "OPAQUE")
        return component

    @staticmethod
    def description(item: Item, page: str) -> str:
        event, record = item.event, item.record
        parts = []
        if event.description:
            parts.append(plain_text(str(render_markdown(event.description))))
        parts.append(f"{event.type.value.capitalize()} with the {record.name} neighbourhood team.")
        if event.booking:
            parts.append(f"Booking: {event.booking}")
        parts.append(f"More about the team and its events: {page}")
        return "\n\n".join(parts)

    def render(self, spec: CalendarSpec) -> bytes:
        calendar = Calendar()
        calendar.add("prodid", self.prodid)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("name", spec.name)
        calendar.add("x-wr-calname", vText(spec.name))
        calendar.add("description", spec.description)
        calendar.add("x-wr-caldesc", vText(spec.description))
        calendar.add("x-wr-timezone", vText(self.tzid))
        calendar.add("url", spec.page_url)
        calendar.add("source", absolute(self.siteurl, spec.path))
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
        span = year_range([i.event for i in spec.items]) or self.default_range
        if span is None:
            zone = Timezone.from_tzinfo(self.zone, tzid=self.tzid)
        else:
            first, last = span
            zone = Timezone.from_tzinfo(self.zone, tzid=self.tzid, first_date=first, last_date=last)
        calendar.add_component(zone)
        for item in spec.items:
            calendar.add_component(self.vevent(item, name_area=spec.name_area))
        return calendar.to_ical()
