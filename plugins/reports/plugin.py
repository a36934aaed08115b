"""Signal receivers and the generator that writes reports, councils pages, feeds and PDFs."""

from __future__ import annotations

import datetime as dt
import html
import logging
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator
from pelican import signals
from pelican.generators import Generator

from neighbourhoods.files import SettingsError, absolute_url, site_domain, write_atomic
from neighbourhoods.markup import plain_text
from neighbourhoods.reports import (
    Council,
    Month,
    MonthReport,
    ReportIndex,
    councils_url,
    report_pdf_url,
    report_url,
    reports_feed_paths,
    reports_url,
)

logger = logging.getLogger(__name__)

PRINT_STYLESHEET = "css/report-print.css"  # under the theme's static folder


class FeedURLs(NamedTuple):
    rss: str
    atom: str


class ReportLinks:
    """The Jinja global ``report_links``: every report URL templates need, in one place.

    Filled with the build's ``ReportIndex`` once the updates are read; templates
    rendered before that (none are) would see no reports.
    """

    def __init__(self, siteurl: str) -> None:
        self.siteurl = siteurl
        self.index: ReportIndex | None = None

    def months(self, record: Any) -> list[Month]:
        return self.index.months(record) if self.index else []

    def latest(self, record: Any) -> Month | None:
        return self.index.latest(record) if self.index else None

    def report(self, record: Any, month: Month) -> str:
        return report_url(record.slug, month)

    def pdf(self, record: Any, month: Month) -> str:
        return report_pdf_url(record.slug, month)

    def area(self, record: Any) -> str:
        return reports_url(record.slug)

    def councils(self) -> str:
        return councils_url()

    def feeds(self, record: Any) -> FeedURLs:
        rss, atom = reports_feed_paths(record.slug)
        return FeedURLs(absolute_url(self.siteurl, rss), absolute_url(self.siteurl, atom))

    def have_your_say(self, record: Any) -> str | None:
        """The area's have-your-say page, when the area has one."""
        if getattr(record, "have_your_say", None):
            return f"{record.url}have-your-say/"
        return None


def _check_settings(settings: dict[str, Any]) -> None:
    survey = settings.get("FEEDBACK_SURVEY_URL")
    if survey is not None and not (
        isinstance(survey, str) and survey.startswith(("https://", "http://"))
    ):
        raise SettingsError(
            f"FEEDBACK_SURVEY_URL is {survey!r}; set it to the survey's full address "
            '(e.g. "https://www.westmercia.police.uk/survey") or None in pelicanconf.py'
        )
    if not isinstance(settings.get("REPORTS_PDF", False), bool):
        raise SettingsError(
            f"REPORTS_PDF is {settings.get('REPORTS_PDF')!r}; set it to True (make PDFs of "
            "council reports) or False in pelicanconf.py or publishconf.py"
        )


def on_initialized(pelican: Any) -> None:
    settings = pelican.settings
    _check_settings(settings)
    site_domain(settings.get("SITEURL", ""))  # the reports feeds need the full address
    settings.setdefault("JINJA_GLOBALS", {})["report_links"] = ReportLinks(settings["SITEURL"])


def get_generators(pelican: Any) -> type[Generator]:
    return ReportsGenerator


def _london(day: dt.date) -> dt.datetime:
    """Midday on ``day`` in UK time: a report's date, taken from its content."""
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=ZoneInfo("Europe/London"))


def pdf_cache_dir(settings: dict[str, Any]) -> Path:
    configured = settings.get("REPORTS_PDF_CACHE")
    if configured:
        return Path(configured)
    return Path(settings.get("CACHE_PATH") or "cache") / "report-pdfs"


class ReportsGenerator(Generator):
    """Writes every area's monthly reports, their lists and feeds, and the councils pages."""

    def generate_context(self) -> None:
        site = self.settings["SITE_MODEL"]
        self.index = ReportIndex(site, self.context.get("articles", []), site.build_date)
        links = self.env.globals.get("report_links")
        if isinstance(links, ReportLinks):
            links.index = self.index
        self.context["report_index"] = self.index

    # -- writing -----------------------------------------------------------------------
    def _write(self, writer: Any, url: str, template: str, **values: Any) -> None:
        writer.write_file(
            f"{url}index.html",
            self.get_template(template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=url,
            page_name=f"{url}index",
            **values,
        )

    def _pdf_maker(self) -> Any:
        from neighbourhoods.report_pdf import PdfMaker

        stylesheet = Path(self.settings["THEME"]) / "static" / PRINT_STYLESHEET
        workers = self.settings.get("REPORTS_PDF_WORKERS") or 1
        return PdfMaker(
            pdf_cache_dir(self.settings), stylesheet.read_text(encoding="utf-8"), int(workers)
        )

    def generate_output(self, writer: Any) -> None:
        site = self.settings["SITE_MODEL"]
        output = Path(self.output_path)
        maker = self._pdf_maker() if self.settings.get("REPORTS_PDF") else None
        pdf_template = self.get_template("report_pdf") if maker else None
        try:
            feeds = self._write_areas(writer, output, site, maker, pdf_template)
        finally:
            if maker is not None:
                maker.close()
        councils = self.index.councils()
        self._write(writer, councils_url(), "councils", councils=councils)
        for council in councils:
            self._write(writer, council.page_url, "council", council=council)
        if maker is not None:
            logger.info(
                "Council reports: %d reports, %d PDFs made, %d copied from the cache",
                self.index.count(),
                maker.stats.rendered,
                maker.stats.from_cache,
            )
        logger.info("Wrote %d council report feeds and %d council pages", feeds, len(councils))

    def _write_areas(
        self, writer: Any, output: Path, site: Any, maker: Any, pdf_template: Any
    ) -> int:
        """Each area's reports (and their PDFs), its list of reports and its feeds."""
        feeds = 0
        for record in site.areas.values():
            months = self.index.months(record)
            if not months:
                continue
            reports = [self.index.report(record, month) for month in months]
            pdfs: list[bytes | None] = [None] * len(reports)
            if maker is not None and pdf_template is not None:
                pdfs = list(
                    maker.render_many(
                        [
                            pdf_template.render({**self.context, "report": r, "area": record})
                            for r in reports
                        ]
                    )
                )
            for position, report in enumerate(reports):
                pdf_size = None
                data = pdfs[position]
                if data is not None:
                    target = output / report.pdf_url
                    write_atomic(target, data)
                    signals.content_written.send(str(target), context=self.context)
                    pdf_size = len(data)
                self._write(
                    writer,
                    report.url,
                    "report",
                    report=report,
                    area=record,
                    newer=reports[position - 1].month if position > 0 else None,
                    older=reports[position + 1].month if position + 1 < len(reports) else None,
                    pdf_size=pdf_size,
                    lastmod=report.content_date(),
                )
            self._write(
                writer,
                reports_url(record.slug),
                "area_reports",
                area=record,
                reports=reports,
                lastmod=max(r.content_date() for r in reports),
            )
            self._write_feeds(output, record, reports)
            feeds += 2
        return feeds

    def _write_feeds(self, output: Path, record: Any, reports: list[MonthReport]) -> None:
        siteurl = self.settings["SITEURL"]
        domain = site_domain(siteurl)
        rss_path, atom_path = reports_feed_paths(record.slug)
        force = self.settings.get("FORCE_NAME", self.settings["SITENAME"])
        feed = FeedGenerator()
        feed.id(absolute_url(siteurl, atom_path))
        feed.title(f"{record.name} neighbourhood team: reports to councils")
        feed.description(
            f"The {record.name} neighbourhood team's monthly written reports to the parish "
            "and town councils in its area."
        )
        feed.language(self.settings.get("DEFAULT_LANG", "en-GB"))
        feed.author(name=f"{record.name} neighbourhood team", email=record.area.contact.email)
        feed.rights(f"© {force}. Open Government Licence v3.0.")
        feed.docs("https://www.rssboard.org/rss-specification")
        team = f"{record.name} neighbourhood team"
        dates = []
        for report in reports:  # newest first
            url = absolute_url(siteurl, report.url)
            when = _london(report.content_date())
            dates.append(when)
            entry = feed.add_entry(order="append")
            entry.id(f"tag:{domain},{report.month.year:04d}:/{report.url}")
            entry.title(f"{plain_text(record.name)}: report to councils for {report.month.title}")
            entry.link(href=url, rel="alternate", type="text/html")
            entry.published(_london(report.month.first_day))
            entry.updated(when)
            entry.author(name=team, email=record.area.contact.email)
            entry.category(term="Report to councils", label="Report to councils")
            # RSS readers treat <description> as HTML: escape the plain text for them.
            entry.summary(html.escape(plain_text(report.summary()), quote=False), type="html")
        feed.updated(max(dates))  # from the content, never the clock
        page = {"href": absolute_url(siteurl, reports_url(record.slug)), "rel": "alternate"}
        for path, kind in ((atom_path, "atom"), (rss_path, "rss")):
            self_link = {
                "href": absolute_url(siteurl, path),
                "rel": "self",
                "type": f"application/{kind}+xml",
            }
            feed.link([self_link, page], replace=True)
            data = (
                feed.atom_str(pretty=True, xml_declaration=True, encoding="UTF-8")
                if kind == "atom"
                else feed.rss_str(pretty=True, xml_declaration=True, encoding="UTF-8")
            )
            target = output / path
            write_atomic(target, data)
            signals.content_written.send(str(target), context=self.context)


__all__ = ["Council", "ReportLinks", "ReportsGenerator", "get_generators", "on_initialized"]
