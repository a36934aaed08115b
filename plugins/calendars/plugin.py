"""Signal receivers and the generator that writes every calendar."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from neighbourhoods.files import write_atomic

from .build import CalendarSpec, CalendarWriter, Item, absolute, site_domain, year_range

logger = logging.getLogger(__name__)

SITE_CALENDAR = "events.ics"


def area_calendar_path(record: Any) -> str:
    return f"{record.url}events.ics"


def event_calendar_path(record: Any, event: Any) -> str:
    return f"{record.url}events/{event.id}.ics"


class CalendarLinks:
    """The Jinja global ``calendar_links``: full URLs of the calendars a page offers.

    The one place templates learn calendar URLs from, so they cannot drift from
    where the generator writes.
    """

    def __init__(self, siteurl: str) -> None:
        self.siteurl = siteurl

    def area(self, record: Any) -> str:
        return absolute(self.siteurl, area_calendar_path(record))

    def event(self, record: Any, event: Any) -> str:
        return absolute(self.siteurl, event_calendar_path(record, event))

    def site(self) -> str:
        return absolute(self.siteurl, SITE_CALENDAR)


def on_initialized(pelican: Any) -> None:
    """Check SITEURL and give templates the calendar URLs."""
    settings = pelican.settings
    site_domain(settings.get("SITEURL", ""))
    settings.setdefault("JINJA_GLOBALS", {})["calendar_links"] = CalendarLinks(settings["SITEURL"])


def get_generators(pelican: Any) -> type[Generator]:
    return CalendarsGenerator


def in_order(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (i.event.start, i.record.slug, i.event.id))


class CalendarsGenerator(Generator):
    """Writes each area's calendar, each event's file and the force-wide calendar."""

    def generate_context(self) -> None:
        """Nothing to add: calendars are made from the site model."""

    def calendar_specs(self) -> list[CalendarSpec]:
        settings = self.settings
        site = settings["SITE_MODEL"]
        siteurl = settings["SITEURL"]
        force = settings.get("FORCE_NAME", settings["SITENAME"])
        specs: list[CalendarSpec] = []
        everything: list[Item] = []
        for record in site.areas.values():
            items = in_order([Item(record, event) for event in record.events])
            everything += items
            page_url = absolute(siteurl, record.url)
            specs.append(
                CalendarSpec(
                    path=area_calendar_path(record),
                    name=f"{record.name} police meetings and surgeries",
                    description=(
                        f"Meetings, beat surgeries and mobile police station visits by the "
                        f"{record.name} neighbourhood team ({force})."
                    ),
                    page_url=page_url,
                    items=items,
                )
            )
            for item in items:
                specs.append(
                    CalendarSpec(
                        path=event_calendar_path(record, item.event),
                        name=item.event.title,
                        description=f"An event held by the {record.name} neighbourhood team.",
                        page_url=page_url,
                        items=[item],
                    )
                )
        specs.append(
            CalendarSpec(
                path=SITE_CALENDAR,
                name=f"{force} neighbourhood meetings and surgeries",
                description=(
                    "Meetings, beat surgeries and mobile police station visits by every "
                    f"{force} neighbourhood team."
                ),
                page_url=absolute(siteurl, "neighbourhoods/"),
                items=in_order(everything),
                name_area=True,
            )
        )
        return specs

    def generate_output(self, writer: Any) -> None:
        settings = self.settings
        calendars = CalendarWriter(
            siteurl=settings["SITEURL"],
            sitename=settings["SITENAME"],
            force_name=settings.get("FORCE_NAME", settings["SITENAME"]),
        )
        specs = self.calendar_specs()
        # A calendar with no events gets the time zone rules of the years of every event.
        calendars.default_range = year_range([i.event for i in specs[-1].items])
        output = Path(self.output_path)
        for spec in specs:
            path = output / spec.path
            write_atomic(path, calendars.render(spec))
            signals.content_written.send(str(path), context=self.context)
        logger.info("Wrote %d calendars", len(specs))
