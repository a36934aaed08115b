"""The crime section of an area page in Debian's Chromium: axe, screen readers, phones."""

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


def open_crime(page: Page, served_site, width: int, scheme: str = "light") -> None:
    page.emulate_media(media="screen", color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(served_site.page_url("/neighbourhoods/ludlow/"), wait_until="load")
    assert response is not None and response.status == 200


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_crime_section_has_no_axe_violations(page: Page, served_site, scheme: str) -> None:
    open_crime(page, served_site, 1280, scheme)
    result = Axe().run(page, context="#crime", options=AXE_OPTIONS).response
    assert result["violations"] == []


def test_screen_readers_get_the_table_not_the_picture(page: Page, served_site) -> None:
    open_crime(page, served_site, 1280)
    table = page.get_by_role("table", name="Crimes by category and month")
    assert table.count() == 1
    assert table.get_by_role("rowheader", name="Anti-social behaviour").count() == 1
    assert page.locator("#crime svg").get_attribute("aria-hidden") == "true"
    assert page.get_by_role("img").filter(has=page.locator("#crime")).count() == 0
    assert page.get_by_text("They are not real crime figures for Ludlow.").is_visible()
    section = page.locator("#crime")
    assert section.get_by_role("link", name="Open Government Licence v3.0").is_visible()


def test_chart_fits_a_phone_without_shrinking_its_text(page: Page, served_site) -> None:
    open_crime(page, served_site, 375)
    chart = page.locator("#crime svg")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] >= 320 * 0.95  # drawn at (about) its own size
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert sizes[0] <= sizes[1]
