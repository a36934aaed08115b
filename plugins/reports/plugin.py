"""Signal receivers and the generator that writes reports, councils pages, feeds and PDFs."""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feedgen.feed import FeedGenerator
from pelican import signals
from pelican.generators import Generator

from neighbourhood_policing import urls
from neighbourhood_policing.files import (
    SettingsError,
    absolute_url,
    site_domain,
    write_outputs,
)
from neighbourhood_policing.incremental import BuildCache, cache_dir_for, unchanged
from neighbourhood_policing.markup import plain_text
from neighbourhood_policing.pages import write_page
from neighbourhood_policing.reports import Council, Month, MonthReport, area_reports, councils
from neighbourhood_policing.rules import force_name, timezone

logger = logging.getLogger(__name__)

#: What each page of an area's reports has of its own, made from the area's inputs
#: (the caller's values and those Pelican's writer sets for each page).
_OWN = frozenset(
    {"report", "newer", "older", "pdf_size", "lastmod", "area", "reports",
     "output_file", "localsiteurl", "url", "page_name", "relative_urls"}
)  # fmt: skip
PRINT_STYLESHEET = "css/report-print.css"  # under the theme's static folder
#: The folder of PDFs inside the build cache (``.<output name>-cache/`` beside the output).
PDF_CACHE_FOLDER = "report-pdfs"


@dataclass(frozen=True)
class ReportLinks:
    """The Jinja global ``report_links``: every report URL templates need, in one place.

    Plain data only (a frozen dataclass), so pages that read it can be reused by the
    incremental build; an area's months come from the model (``record.report_months``).
    """

    siteurl: str
    #: Whether each area has a have-your-say page (the have_your_say plugin is on).
    have_your_say_pages: bool = False

    def months(self, record: Any) -> list[Month]:
        return list(getattr(record, "report_months", None) or [])

    def latest(self, record: Any) -> Month | None:
        months = self.months(record)
        return months[0] if months else None

    def report(self, record: Any, month: Month) -> str:
        return urls.report_url(record.slug, month)

    def pdf(self, record: Any, month: Month) -> str:
        return urls.report_pdf_url(record.slug, month)

    def area(self, record: Any) -> str:
        return urls.reports_url(record.slug)

    def councils(self) -> str:
        return urls.COUNCILS_URL

    def feeds(self, record: Any) -> urls.FeedPaths:
        rss, atom = urls.reports_feeds(record.slug)
        return urls.FeedPaths(absolute_url(self.siteurl, rss), absolute_url(self.siteurl, atom))

    def have_your_say(self, record: Any) -> str | None:
        """The area's have-your-say page, when the have_your_say plugin writes one."""
        return urls.have_your_say_url(record.slug) if self.have_your_say_pages else None


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
    plugins = [getattr(p, "__name__", str(p)).rsplit(".", 1)[-1] for p in settings["PLUGINS"]]
    settings.setdefault("JINJA_GLOBALS", {})["report_links"] = ReportLinks(
        settings["SITEURL"], have_your_say_pages="have_your_say" in plugins
    )


def get_generators(pelican: Any) -> type[Generator]:
    return ReportsGenerator


def _local_noon(day: dt.date, settings: dict[str, Any]) -> dt.datetime:
    """Midday on ``day`` in the site's time zone: a report's date, taken from its content."""
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=timezone(settings))


def pdf_cache_dir(settings: dict[str, Any]) -> Path:
    """Where PDFs are kept between builds: ``REPORTS_PDF_CACHE``, else in the build cache.

    The build cache is ``.<output name>-cache/`` beside the output; the build runner
    names it in ``BUILD_CACHE_DIR``, since Pelican itself writes into a staging folder.
    A build without the runner uses the cache beside its own output.
    """
    configured = settings.get("REPORTS_PDF_CACHE")
    if configured:
        return Path(configured)
    cache = settings.get("BUILD_CACHE_DIR") or cache_dir_for(Path(settings["OUTPUT_PATH"]))
    return Path(cache) / PDF_CACHE_FOLDER


class ReportsGenerator(Generator):
    """Writes every area's monthly reports, their lists and feeds, and the councils pages."""

    def generate_context(self) -> None:
        self.site = self.settings["SITE_MODEL"]

    def announce(self, path: str) -> None:
        signals.content_written.send(path, context=self.context)

    # -- writing -----------------------------------------------------------------------
    def _write(self, writer: Any, url: str, template: str, **values: Any) -> None:
        write_page(self, writer, url, template, **values)

    def _pdf_maker(self) -> Any:
        from neighbourhood_policing.report_pdf import PdfMaker

        stylesheet = Path(self.settings["THEME"]) / "static" / PRINT_STYLESHEET
        workers = self.settings.get("REPORTS_PDF_WORKERS") or 1
        return PdfMaker(
            pdf_cache_dir(self.settings), stylesheet.read_text(encoding="utf-8"), int(workers)
        )

    def generate_output(self, writer: Any) -> None:
        maker = self._pdf_maker() if self.settings.get("REPORTS_PDF") else None
        pdf_template = self.get_template("report_pdf") if maker else None
        try:
            count, feeds = self._write_areas(writer, maker, pdf_template)
            if maker is not None:
                pruned = maker.prune()  # PDFs of reports no longer made, or made differently
        finally:
            if maker is not None:
                maker.close()
        found = councils(self.site)
        self._write(writer, urls.COUNCILS_URL, "councils", councils=found)
        for council in found:
            self._write(writer, council.page_url, "council", council=council)
        if maker is not None:
            logger.info(
                "Council reports: %d reports, %d PDFs made, %d copied from the cache, "
                "%d no longer needed removed from it",
                count,
                maker.stats.rendered,
                maker.stats.from_cache,
                pruned,
            )
        logger.info("Wrote %d council report feeds and %d council pages", feeds, len(found))

    def _write_areas(self, writer: Any, maker: Any, pdf_template: Any) -> tuple[int, int]:
        """Each area's reports (and their PDFs), its list of reports and its feeds."""
        feeds = count = 0
        cache = self.settings.get("BUILD_CACHE")
        for record in self.site.areas.values():
            # An area's reports are made for its own few pages: their digests are not
            # kept for the rest of the build (at national scale, 48,000 reports).
            with cache.digester.passing() if isinstance(cache, BuildCache) else nullcontext():
                made = self._write_area(writer, record, maker, pdf_template)
            if made:
                count += made
                feeds += 2
        return count, feeds

    def _group_key(self, record: Any, maker: Any, pdf_template: Any) -> str | None:
        """The key of everything one area's reports, their list, feeds and PDFs are made
        from: the area (its files, its updates' files), each of its own updates as
        Pelican made it (a report shows its title and address), the build date, and
        every value the templates can read but each page's own (``_OWN``, which are made
        from those); the code, settings and theme are in the build's fingerprint."""
        cache = self.settings.get("BUILD_CACHE")
        if not isinstance(cache, BuildCache):
            return None
        templates = [self.get_template("report"), self.get_template("area_reports")]
        if pdf_template is not None:
            templates.append(pdf_template)
        shared = cache.shared_key(templates, self.context, _OWN)
        if shared is None:
            return None
        return cache.key_of(
            "reports-group",
            record,
            list(record.own_updates),
            self.site.build_date,
            shared,
            getattr(maker, "version", "") if pdf_template is not None else "",
        )

    def _keep_area(self, writer: Any, record: Any, key: str, maker: Any) -> int | None:
        """How many reports the area has, when all its files are kept from the last good
        build (made from the same ``key``); else None."""
        keep = getattr(writer, "keep_group", None)
        members = keep(f"reports:{record.slug}", key) if keep is not None else None
        if members is None:
            return None
        count = 0
        for rel, (kind, value) in members:
            path = os.path.join(self.output_path, rel)
            if kind == "pdf" and maker is not None:
                maker.still_used(value)  # its name in the PDF cache
            if kind in {"file", "pdf"}:
                self.announce(path)
                continue
            count += kind == "report"
            signals.content_written.send(os.path.abspath(path), context={"lastmod": value})
        return count

    def _write_area(self, writer: Any, record: Any, maker: Any, pdf_template: Any) -> int:
        """One area's reports, its list of reports and its feeds; how many reports.

        When the last good build made them from the same inputs (``_group_key``) they are
        all kept at once, without making the reports or keying each page."""
        key = self._group_key(record, maker, pdf_template)
        if key is not None:
            kept = self._keep_area(writer, record, key, maker)
            if kept is not None:
                return kept
        reports = area_reports(record, self.site.build_date)
        if not reports:
            return 0
        pdfs: list[bytes | None] = [None] * len(reports)
        pdf_names: list[str] = []
        if maker is not None and pdf_template is not None:
            htmls = [pdf_template.render({**self.context, "report": r}) for r in reports]
            pdfs = list(maker.render_many(htmls))
            pdf_names = [maker.cache_name(h) for h in htmls]
        made = [(r.pdf_url, data) for r, data in zip(reports, pdfs, strict=True) if data]
        write_outputs(self.output_path, unchanged(self.settings, made), self.announce)
        dates = [r.content_date() for r in reports]
        for position, report in enumerate(reports):
            data = pdfs[position]
            self._write(
                writer,
                report.url,
                "report",
                report=report,
                newer=reports[position - 1].month if position > 0 else None,
                older=reports[position + 1].month if position + 1 < len(reports) else None,
                pdf_size=len(data) if data else None,
                lastmod=dates[position],
            )
        newest = max(dates)
        self._write(
            writer, urls.reports_url(record.slug), "area_reports",
            area=record, reports=reports, lastmod=newest,
        )  # fmt: skip
        self._write_feeds(record, reports)
        if key is not None:  # (only with the build cache)
            members: list[tuple[str, tuple[str, Any]]] = [
                (urls.page_path(r.url), ("report", date))
                for r, date in zip(reports, dates, strict=True)
            ]
            members.append((urls.page_path(urls.reports_url(record.slug)), ("list", newest)))
            members += [(path, ("file", None)) for path in urls.reports_feeds(record.slug)]
            members += [
                (r.pdf_url, ("pdf", name))
                for r, data, name in zip(reports, pdfs, pdf_names, strict=False)
                if data
            ]
            self.settings["BUILD_CACHE"].outputs.record_group(
                f"reports:{record.slug}", key, members
            )
        return len(reports)

    def _write_feeds(self, record: Any, reports: list[MonthReport]) -> None:
        """The area's RSS and Atom feeds of reports: reused when the reports are the same."""
        rendered: dict[str, bytes] = {}

        def render(path: str) -> bytes:
            if not rendered:
                rendered.update(self._render_feeds(record, reports))
            return rendered[path]

        paths = urls.reports_feeds(record.slug)
        cache = self.settings.get("BUILD_CACHE")
        if isinstance(cache, BuildCache):
            key = cache.key_of(
                "reports-feed",
                record.slug,
                record.area,
                reports,
                self.settings["SITEURL"],
                force_name(self.settings),
                self.settings.get("DEFAULT_LANG", "en-GB"),
            )
            files = cache.files((path, key, lambda p=path: render(p)) for path in paths)
        else:
            files = ((path, render(path)) for path in paths)
        write_outputs(self.output_path, files, self.announce)

    def _render_feeds(self, record: Any, reports: list[MonthReport]) -> dict[str, bytes]:
        """{RSS path: bytes, Atom path: bytes} of an area's reports."""
        made: dict[str, bytes] = {}
        siteurl = self.settings["SITEURL"]
        domain = site_domain(siteurl)
        rss_path, atom_path = urls.reports_feeds(record.slug)
        force = force_name(self.settings)
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
            when = _local_noon(report.content_date(), self.settings)
            dates.append(when)
            entry = feed.add_entry(order="append")
            entry.id(f"tag:{domain},{report.month.year:04d}:/{report.url}")
            entry.title(f"{plain_text(record.name)}: report to councils for {report.month.title}")
            entry.link(href=url, rel="alternate", type="text/html")
            entry.published(_local_noon(report.month.first_day, self.settings))
            entry.updated(when)
            entry.author(name=team, email=record.area.contact.email)
            entry.category(term="Report to councils", label="Report to councils")
            # RSS readers treat <description> as HTML: escape the plain text for them.
            entry.summary(html.escape(plain_text(report.summary()), quote=False), type="html")
        feed.updated(max(dates))  # from the content, never the clock
        page = {"href": absolute_url(siteurl, urls.reports_url(record.slug)), "rel": "alternate"}
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
            made[path] = data
        return made


__all__ = ["Council", "ReportLinks", "ReportsGenerator", "get_generators", "on_initialized"]
