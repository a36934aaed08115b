"""Council reports in Debian's Chromium: axe (light and dark), print on A4, two clicks."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from support.browser import (  # noqa: F401  (the fixtures these tests use)
    AXE_OPTIONS,
    fixture_browser,
    fixture_context,
    fixture_page,
    fixture_served_site,
)

pytestmark = pytest.mark.browser

PAGES = {
    "report": "/neighbourhoods/ludlow/reports/2026-11/",
    "area-reports": "/neighbourhoods/ludlow/reports/",
    "councils": "/councils/",
    "council": "/councils/ludlow-town-council/",
}


def open_path(page: Page, served_site, path: str) -> None:
    page.emulate_media(media="screen", color_scheme="light")
    response = page.goto(served_site.page_url(path), wait_until="load")
    assert response is not None and response.status == 200, path


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations(page: Page, served_site, name: str, scheme: str) -> None:
    open_path(page, served_site, PAGES[name])
    page.emulate_media(color_scheme=scheme)
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_report_prints_without_navigation_and_with_its_heading(page: Page, served_site) -> None:
    open_path(page, served_site, PAGES["report"])
    page.emulate_media(media="print")
    try:
        assert not page.locator(".site-header").is_visible()
        assert not page.locator(".breadcrumbs").is_visible()
        assert not page.locator(".report__pager").is_visible()
        assert page.locator(".report__print-header").is_visible()
        assert "West Mercia Police" in page.locator(".report__print-header").inner_text()
        assert "Ludlow" in page.locator(".report__print-header").inner_text()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF-")
    finally:
        page.emulate_media(media="screen")


def test_a_clerk_reaches_the_report_in_two_clicks(page: Page, served_site) -> None:
    open_path(page, served_site, PAGES["councils"])
    page.get_by_role("link", name="Ludford Parish Council").click()
    page.get_by_role("link", name="Latest report: November 2026 from the Ludlow team").click()
    assert page.url == served_site.page_url(PAGES["report"])
    assert "Report to councils: November 2026" in page.locator("h1").inner_text()
