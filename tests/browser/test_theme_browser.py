"""Every page type of the sample site, in Debian's Chromium: axe, keyboard, reflow, no JS, print.

The site is built once per session with SITEURL pointing at a local server
(see tests/support/browser.py) and one browser tab is reused throughout.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page
from support.browser import (  # noqa: F401  (the fixtures these tests use)
    AXE_OPTIONS,
    fixture_artifacts,
    fixture_browser,
    fixture_context,
    fixture_no_js_context,
    fixture_page,
    fixture_served_site,
)
from support.pages import NOT_FOUND, page_types, url_path

pytestmark = pytest.mark.browser

AXE = Axe()

# The page types, each the heaviest example in the built sample site (tests/theme_pages.py).
# Paginated lists are represented by /updates/page/2/ (the same template and pagination
# component as an area's list; tests/site/test_pages.py checks an area's second page).
PAGE_TYPES = [
    "home",
    "a-to-z",
    "area",
    "update",
    "area-updates",
    "all-updates",
    "all-updates-page-2",
    "category",
    "categories",
    "static-page",
    "not-found",
]
SCREENSHOT_WIDTHS = (375, 1280)


@pytest.fixture(scope="session")
def type_paths(served_site) -> dict[str, str]:
    types = page_types(served_site.root)
    return {
        name: ("/no-such-page/" if rel == NOT_FOUND else url_path(rel))
        for name, rel in types.items()
    }


def open_page(page: Page, served_site, type_paths, name: str, *, width: int = 1280) -> str:
    assert name in type_paths, f"the sample site has no {name} page"
    page.emulate_media(media="screen", color_scheme="light", reduced_motion="no-preference")
    page.set_viewport_size({"width": width, "height": 900})
    url = served_site.page_url(type_paths[name])
    response = page.goto(url, wait_until="load")
    assert response is not None
    expected = 404 if name == "not-found" else 200
    assert response.status == expected, f"{url}: HTTP {response.status}"
    return url


def _axe(page: Page) -> list[dict]:
    return AXE.run(page, options=AXE_OPTIONS).response["violations"]


def _describe(violations: list[dict]) -> str:
    return json.dumps(
        [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
                "summary": v["nodes"][0].get("failureSummary") if v["nodes"] else None,
            }
            for v in violations
        ],
        indent=1,
    )


@pytest.mark.parametrize("name", PAGE_TYPES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations(page: Page, served_site, type_paths, name: str, scheme: str) -> None:
    open_page(page, served_site, type_paths, name)
    page.emulate_media(color_scheme=scheme)
    violations = _axe(page)
    assert violations == [], f"{name} ({scheme}): {_describe(violations)}"


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_first_tab_is_skip_link_to_main(page: Page, served_site, type_paths, name: str) -> None:
    open_page(page, served_site, type_paths, name)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className, text: document.activeElement.textContent,"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"cls": "skip-link", "text": "Skip to main content", "href": "#main"}
    assert page.locator(".skip-link").is_visible(), "the focused skip link must be visible"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"
    # The next Tab goes on from main (its first link, or the footer), not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate(
        """() => { const main = document.getElementById('main'), el = document.activeElement;
          return main.contains(el) || !!(main.compareDocumentPosition(el)
            & Node.DOCUMENT_POSITION_FOLLOWING); }"""
    )


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_reflows_at_320px(page: Page, served_site, type_paths, name: str) -> None:
    open_page(page, served_site, type_paths, name, width=320)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{name} scrolls sideways at 320px: {widths}"
    # Nothing sticks out of the viewport either (overflow hidden would hide the scrollbar).
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .filter(e => !e.closest('.visually-hidden, .skip-link'))
          .map(e => e.tagName + '.' + e.className).slice(0, 5)"""
    )
    assert wide == [], f"{name}: elements wider than 320px: {wide}"


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_text_at_200_percent_does_not_overflow(
    page: Page, served_site, type_paths, name: str
) -> None:
    open_page(page, served_site, type_paths, name, width=1280)
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth,"
        " body: getComputedStyle(document.body).fontSize})"
    )
    assert widths["body"] == "38px", widths  # 19px body text, doubled
    assert widths["scroll"] <= widths["client"], f"{name} at 200% text: {widths}"


_VISIBLE_TEXT = """() => [...document.querySelectorAll(
    'main h1, main h2, main h3, main h4, main p, main li, main dt, main dd, main a')]
  .filter(e => e.checkVisibility())
  .map(e => e.tagName + ':' + e.innerText.trim())"""


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_content_all_there_without_javascript(
    page: Page, no_js_context: BrowserContext, served_site, type_paths, name: str
) -> None:
    open_page(page, served_site, type_paths, name)
    with_js = page.evaluate(_VISIBLE_TEXT)
    assert any(t.startswith("H1:") for t in with_js), with_js
    plain = no_js_context.new_page()
    try:
        plain.goto(served_site.page_url(type_paths[name]), wait_until="load")
        assert plain.locator("h1").count() == 1
        without_js = plain.evaluate(_VISIBLE_TEXT)
    finally:
        plain.close()
    missing = [t for t in with_js if t not in set(without_js)]
    assert missing == [], f"{name}: shown only with JavaScript: {missing[:5]}"


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_print_hides_navigation(page: Page, served_site, type_paths, name: str) -> None:
    open_page(page, served_site, type_paths, name)
    navs = page.locator("nav")
    assert navs.count() >= 2  # main and footer navigation at least
    assert page.locator("nav.site-nav").is_visible()
    page.emulate_media(media="print")
    try:
        visible = [
            navs.nth(i).get_attribute("aria-label") or navs.nth(i).get_attribute("class")
            for i in range(navs.count())
            if navs.nth(i).is_visible()
        ]
        assert visible == [], f"{name}: navigation shown in print: {visible}"
        assert not page.locator(".skip-link").is_visible()
        assert page.locator("main h1").is_visible()
        assert page.locator(".site-footer__help").is_visible(), "print keeps the emergency guidance"
    finally:
        page.emulate_media(media="screen")


def test_focus_is_clearly_visible(page: Page, served_site, type_paths) -> None:
    """A focused link gets the yellow highlight and a dark bar at least 3px thick."""
    open_page(page, served_site, type_paths, "area")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the site name link in the header
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return {bg: s.backgroundColor, shadow: s.boxShadow, outline: s.outlineWidth}; }"
    )
    assert style["bg"] == "rgb(255, 221, 0)", style
    assert "4px" in style["shadow"] and style["outline"] == "3px", style


def test_no_third_party_requests_and_no_csp_errors(
    context: BrowserContext, served_site, type_paths
) -> None:
    """Every request stays on the site and nothing breaks the Content-Security-Policy."""
    requests: list[str] = []
    console: list[str] = []
    tab = context.new_page()
    tab.on("request", lambda r: requests.append(r.url))
    tab.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    tab.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    try:
        for path in type_paths.values():
            tab.goto(served_site.page_url(path), wait_until="load")
    finally:
        tab.close()
    hosts = {urlsplit(u).netloc for u in requests}
    assert hosts == {urlsplit(served_site.url).netloc}, hosts
    assert any(u.split("?")[0].endswith("/theme/css/site.css") for u in requests)
    errors = [c for c in console if c.startswith(("error", "pageerror"))]
    # The only error allowed is the browser noting the deliberate 404.
    errors = [e for e in errors if "404" not in e]
    assert errors == [], errors


def test_touch_targets_in_navigation_are_at_least_24px(page: Page, served_site, type_paths) -> None:
    open_page(page, served_site, type_paths, "all-updates", width=375)
    small = page.evaluate(
        """() => [...document.querySelectorAll('nav a, .button')]
          .map(a => [a.innerText.trim(), a.getBoundingClientRect()])
          .filter(([t, r]) => r.width > 1 && (r.height < 24 || r.width < 24))
          .map(([t, r]) => `${t}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )
    assert small == []


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_screenshots(page: Page, served_site, type_paths, artifacts: Path, name: str) -> None:
    """Screenshots of each page type on a phone and a desktop, kept as test artifacts."""
    for width in SCREENSHOT_WIDTHS:
        open_page(page, served_site, type_paths, name, width=width)
        target = artifacts / f"{name}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 1000
