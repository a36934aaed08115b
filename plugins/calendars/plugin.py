"""Signal receivers and the generator that writes every calendar."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

from pelican import Pelican, signals
from pelican.generators import Generator

from neighbourhood_policing import urls
from neighbourhood_policing.files import siteurl_setting, write_outputs
from neighbourhood_policing.incremental import BuildCache
from neighbourhood_policing.models import Event
from neighbourhood_policing.rules import force_name, timezone
from neighbourhood_policing.site import AreaRecord, Site
from neighbourhood_policing.urls import SITE_CALENDAR, area_calendar_path, event_calendar_path

from .build import CalendarSpec, CalendarWriter, Item, absolute, year_range

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CalendarLinks:
    """The Jinja global ``calendar_links``: full URLs of the calendars a page offers.

    The one place templates learn calendar URLs from, so they cannot drift from
    where the generator writes. Plain data (a frozen dataclass), so the pages that
    read it can be reused by the incremental build.
    """

    siteurl: str

    def area(self, record: AreaRecord) -> str:
        return absolute(self.siteurl, area_calendar_path(record))

    def event(self, record: AreaRecord, event: Event) -> str:
        return absolute(self.siteurl, event_calendar_path(record, event))

    def site(self) -> str:
        return absolute(self.siteurl, SITE_CALENDAR)


def on_initialized(pelican: Pelican) -> None:
    """Check SITEURL and give templates the calendar URLs."""
    settings = pelican.settings
    calendar_links = CalendarLinks(siteurl_setting(settings))
    settings.setdefault("JINJA_GLOBALS", {})["calendar_links"] = calendar_links


def get_generators(pelican: Pelican) -> type[Generator]:
    return CalendarsGenerator


def in_order(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (i.event.start, i.record.slug, i.event.id))


class CalendarsGenerator(Generator):
    """Writes each area's calendar, each event's file and the force-wide calendar."""

    def generate_context(self) -> None:
        """Nothing to add: calendars are made from the site model."""

    def calendar_specs(self) -> list[CalendarSpec]:
        settings = self.settings
        site: Site = settings["SITE_MODEL"]
        siteurl = settings["SITEURL"]
        force = force_name(settings)
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
                page_url=absolute(siteurl, urls.AREAS_URL),
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
            force_name=force_name(settings),
            zone=timezone(settings),
        )
        specs = self.calendar_specs()
        # A calendar with no events gets the time zone rules of the years of every event.
        calendars.default_range = year_range([i.event for i in specs[-1].items])
        cache = settings.get("BUILD_CACHE")
        if isinstance(cache, BuildCache):
            span = calendars.default_range
            files = cache.files(
                (
                    spec.path,
                    cache.key_of("calendar", spec.inputs(), span),
                    partial(calendars.render, spec),
                )
                for spec in specs
            )
        else:
            files = ((spec.path, calendars.render(spec)) for spec in specs)
        count = write_outputs(self.output_path, files, self.announce)
        logger.info("Wrote %d calendars", count)

    def announce(self, path: str) -> None:
        signals.content_written.send(path, context=self.context)
