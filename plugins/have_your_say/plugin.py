"""Signal receivers and the generator that writes the have-your-say pages."""

from __future__ import annotations

import logging
from typing import Any

from pelican.generators import Generator

from neighbourhoods.engagement import (
    SITE_PAGE,
    SITE_THANKS,
    check_endpoint,
    endpoint_for,
    form_action_sources,
    open_surveys,
    page_path,
    thanks_path,
)
from neighbourhoods.files import absolute_url
from neighbourhoods.problems import ContentError, Problem

logger = logging.getLogger(__name__)

#: Event types where residents can raise a concern or suggest a priority in person.
IN_PERSON = ("meeting", "beat surgery", "mobile police station", "engagement event")


class Feedback:
    """The Jinja global ``feedback``: where each area's forms go and what is open.

    The one place templates learn the have-your-say URLs and endpoints from.
    """

    def __init__(self, settings: dict[str, Any], site: Any) -> None:
        self.settings = settings
        self.site = site
        self.siteurl = str(settings.get("SITEURL") or "")

    def endpoint(self, record: Any | None) -> str | None:
        """The address an area's forms post to (None: they become an email)."""
        if record is None:
            value = self.settings.get("FEEDBACK_ENDPOINT")
            return str(value) if value else None
        return endpoint_for(record, self.settings)

    def page(self, record: Any | None = None) -> str:
        return page_path(record) if record is not None else SITE_PAGE

    def thanks(self, record: Any | None = None) -> str:
        return thanks_path(record) if record is not None else SITE_THANKS

    def absolute(self, path: str) -> str:
        """A full URL (for hidden fields the force's form service reads)."""
        return absolute_url(self.siteurl, path)

    def surveys(self, record: Any | None = None) -> list[Any]:
        """Surveys open on the build date: the area's and the force's."""
        own = list(record.area.surveys) if record is not None else []
        return open_surveys([*own, *self.site.surveys], self.site.build_date)


def on_initialized(pelican: Any) -> None:
    """Refuse endpoints that are not https://, then tell templates and hosting about them."""
    settings = pelican.settings
    site = settings["SITE_MODEL"]
    allow = bool(settings.get("FEEDBACK_ALLOW_INSECURE_LOCALHOST"))
    force = settings.get("FEEDBACK_ENDPOINT")
    if force:
        check_endpoint(force, "FEEDBACK_ENDPOINT", allow_insecure_localhost=allow)
    problems = []
    for record in site.areas.values():
        own = record.area.feedback_endpoint
        if own:
            try:
                check_endpoint(own, "feedback_endpoint", allow_insecure_localhost=allow)
            except ValueError as exc:
                problems.append(Problem(f"{record.folder}/area.yaml", None, None, str(exc)))
    if problems:
        raise ContentError(problems)
    endpoints = [endpoint_for(record, settings) for record in site.areas.values()]
    if force:
        endpoints.append(str(force))  # "Was this useful?" on force-wide updates
    settings["HOSTING_FORM_ACTION"] = form_action_sources(endpoints)
    settings.setdefault("JINJA_GLOBALS", {})["feedback"] = Feedback(settings, site)


def get_generators(pelican: Any) -> type[Generator]:
    return HaveYourSayGenerator


class HaveYourSayGenerator(Generator):
    """Writes each area's have-your-say and thank-you pages and the force-wide ones."""

    def generate_context(self) -> None:
        """Nothing to add: the pages are made from the site model."""

    def _write(self, writer: Any, path: str, template: str, **extra: Any) -> None:
        writer.write_file(
            f"{path}index.html",
            self.get_template(template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=path,
            page_name=f"{path}index",
            **extra,
        )

    def generate_output(self, writer: Any) -> None:
        site = self.settings["SITE_MODEL"]
        today = site.build_date
        for record in site.areas.values():
            in_person = sorted(
                (e for e in record.events if e.end.date() >= today and e.type in IN_PERSON),
                key=lambda e: (e.start, e.id),
            )
            self._write(
                writer, page_path(record), "have_your_say", area=record, in_person=in_person
            )
            self._write(writer, thanks_path(record), "have_your_say_thanks", area=record)
        self._write(writer, SITE_PAGE, "have_your_say_index", areas=site.areas_by_name())
        self._write(writer, SITE_THANKS, "have_your_say_thanks", area=None)
        logger.info("Wrote %d have-your-say pages", 2 * len(site.areas) + 2)
