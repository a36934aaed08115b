"""Signal receivers and the generator that writes the have-your-say pages."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer

from neighbourhood_policing import urls
from neighbourhood_policing.engagement import (
    check_endpoint,
    endpoint_for,
    form_action_sources,
    open_surveys,
)
from neighbourhood_policing.files import absolute_url
from neighbourhood_policing.models import Survey
from neighbourhood_policing.pages import write_page
from neighbourhood_policing.rules import upcoming_events
from neighbourhood_policing.site import AreaRecord, Site

logger = logging.getLogger(__name__)

#: Event types where residents can raise a concern or suggest a priority in person.
IN_PERSON = ("meeting", "beat surgery", "mobile police station", "engagement event")


@dataclass(frozen=True)
class Feedback:
    """The Jinja global ``feedback``: where each area's forms go and what is open.

    The one place templates learn the have-your-say URLs and endpoints from. Plain data
    only (settings, not the site model), so the pages that use it can be reused by an
    incremental build; an area's own endpoint and surveys come from the record a
    template passes in.
    """

    siteurl: str
    build_date: dt.date
    force_endpoint: str | None
    force_surveys: tuple[Survey, ...]

    def endpoint(self, record: AreaRecord | None) -> str | None:
        """The address an area's forms post to (None: they become an email)."""
        return endpoint_for(record, self.force_endpoint)

    def page(self, record: AreaRecord | None = None) -> str:
        return urls.have_your_say_url(record.slug if record is not None else None)

    def thanks(self, record: AreaRecord | None = None) -> str:
        return urls.have_your_say_thanks_url(record.slug if record is not None else None)

    def absolute(self, path: str) -> str:
        """A full URL (for hidden fields the force's form service reads)."""
        return absolute_url(self.siteurl, path)

    def surveys(self, record: AreaRecord | None = None) -> list[Survey]:
        """Surveys open on the build date: the area's and the force's."""
        own = list(record.area.surveys) if record is not None else []
        return open_surveys([*own, *self.force_surveys], self.build_date)


def on_initialized(pelican: Pelican) -> None:
    """Refuse a force endpoint that is not https://, then tell templates and hosting.

    Areas' own endpoints are checked (with their line) when area.yaml is loaded.
    """
    settings = pelican.settings
    site: Site = settings["SITE_MODEL"]
    force = settings.get("FEEDBACK_ENDPOINT") or None
    if force:
        allow = bool(settings.get("FEEDBACK_ALLOW_INSECURE_LOCALHOST"))
        force = check_endpoint(force, "FEEDBACK_ENDPOINT", allow_insecure_localhost=allow)
    endpoints = [endpoint_for(record, force) for record in site.areas.values()]
    if force:
        endpoints.append(force)  # "Was this useful?" on force-wide updates
    settings["HOSTING_FORM_ACTION"] = form_action_sources(endpoints)
    settings.setdefault("JINJA_GLOBALS", {})["feedback"] = Feedback(
        siteurl=str(settings.get("SITEURL") or ""),
        build_date=site.build_date,
        force_endpoint=force,
        force_surveys=tuple(site.surveys),
    )


def get_generators(pelican: Pelican) -> type[Generator]:
    return HaveYourSayGenerator


class HaveYourSayGenerator(Generator):
    """Writes each area's have-your-say and thank-you pages and the force-wide ones."""

    def generate_context(self) -> None:
        """Nothing to add: the pages are made from the site model."""

    def _write(self, writer: Any, url: str, template: str, **extra: Any) -> None:
        write_page(self, writer, url, template, **extra)

    def generate_output(self, writer: Writer) -> None:
        site: Site = self.settings["SITE_MODEL"]
        today = site.build_date
        for record in site.areas.values():
            in_person = [e for e in upcoming_events(record.events, today) if e.type in IN_PERSON]
            self._write(
                writer,
                urls.have_your_say_url(record.slug),
                "have_your_say",
                area=record,
                in_person=in_person,
            )
            self._write(
                writer,
                urls.have_your_say_thanks_url(record.slug),
                "have_your_say_thanks",
                area=record,
            )
        self._write(
            writer, urls.HAVE_YOUR_SAY_URL, "have_your_say_index", areas=site.areas_by_name()
        )
        self._write(writer, urls.HAVE_YOUR_SAY_THANKS_URL, "have_your_say_thanks", area=None)
        logger.info("Wrote %d have-your-say pages", 2 * len(site.areas) + 2)
