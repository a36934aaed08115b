"""The reports plugin's Jinja global: plain data, and a have-your-say link only when it exists."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

from neighbourhood_policing import urls
from neighbourhood_policing.reports import Month
from reports.plugin import ReportLinks, on_initialized

AREA = SimpleNamespace(slug="ludlow", name="Ludlow", report_months=[Month(2026, 11)])


def settings(*plugins: str) -> dict:
    return {"SITEURL": "https://example.org", "PLUGINS": list(plugins)}


def test_links_are_plain_data_the_page_cache_can_digest() -> None:
    links = ReportLinks("https://example.org")
    assert dataclasses.is_dataclass(links)
    assert {f.name for f in dataclasses.fields(links)} == {"siteurl", "have_your_say_pages"}
    assert links.months(AREA) == [Month(2026, 11)]
    assert links.report(AREA, Month(2026, 11)) == "neighbourhoods/ludlow/reports/2026-11/"
    assert links.feeds(AREA).atom == "https://example.org/neighbourhoods/ludlow/reports/feed.atom"


def test_have_your_say_is_linked_only_when_its_plugin_writes_the_page() -> None:
    without = settings("neighbourhoods", "reports", "sitemap")
    on_initialized(SimpleNamespace(settings=without))
    assert without["JINJA_GLOBALS"]["report_links"].have_your_say(AREA) is None

    with_say = settings("neighbourhoods", "have_your_say", "reports", "sitemap")
    on_initialized(SimpleNamespace(settings=with_say))
    link = with_say["JINJA_GLOBALS"]["report_links"].have_your_say(AREA)
    assert link == urls.have_your_say_url("ludlow") == "neighbourhoods/ludlow/have-your-say/"
