"""The postcode box, "Use my location" and the maps, in Debian's Chromium with the site's CSP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect
from support.browser import (  # noqa: F401  (the fixtures these tests use)
    AXE_OPTIONS,
    fixture_browser,
    fixture_no_js_context,
    fixture_served_site,
)

pytestmark = pytest.mark.browser

AXE = Axe()
#: Castle Square, Ludlow (a sample patrol place), and Trafalgar Square (no sample area).
LUDLOW = {"latitude": 52.3672, "longitude": -2.7213}
LONDON = {"latitude": 51.508, "longitude": -0.128}
MESSAGE = "form.postcode-lookup [aria-live=polite]"


def _new_context(browser: Browser, **options) -> BrowserContext:
    return browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", **options)


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    context = _new_context(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    # 404s for shards that do not exist are expected; anything else (a CSP refusal) is not.
    assert [e for e in errors if "404" not in e] == []


def _look_up(page: Page, url: str, typed: str) -> None:
    page.goto(url)
    page.get_by_label("Postcode").first.fill(typed)
    page.get_by_role("button", name="Find my team").first.click()


def test_a_postcode_in_lower_case_without_its_space_lands_on_its_area(tab, served_site):
    _look_up(tab, served_site.page_url("/"), "sy81ru")
    tab.wait_for_url(re.compile(r"/neighbourhoods/ludlow/$"))
    expect(tab.locator("h1")).to_contain_text("Ludlow neighbourhood team")


def test_the_404_page_lookup_works_at_any_depth(tab, served_site):
    response = tab.goto(served_site.page_url("/no/such/page/here/"))
    assert response is not None and response.status == 404
    tab.get_by_label("Postcode").fill("wr14 2te")
    tab.get_by_role("button", name="Find my team").click()
    tab.wait_for_url(re.compile(r"/neighbourhoods/malvern/$"))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SY8 9ZZ", "We cannot find SY8 9ZZ"),
        ("SW1A 1AA", "SW1A 1AA is outside West Mercia Police’s area"),
        ("SY8 1", "“SY8 1” is not a full postcode"),
        ("   ", "Enter your postcode"),
    ],
)
def test_problems_are_explained_in_the_live_region(tab, served_site, typed, expected):
    _look_up(tab, served_site.page_url("/neighbourhoods/"), typed)
    region = tab.locator(MESSAGE).first
    expect(region).to_contain_text(expected)
    assert tab.url.endswith("/neighbourhoods/")  # stayed put
    if typed.strip():
        expect(region.get_by_role("link", name="A to Z of neighbourhoods")).to_be_visible()


def test_use_my_location_inside_an_area_lands_on_it(browser, served_site):
    context = _new_context(browser, geolocation=LUDLOW, permissions=["geolocation"])
    try:
        page = context.new_page()
        page.goto(served_site.page_url("/"))
        page.get_by_role("button", name="Use my location").click()
        page.wait_for_url(re.compile(r"/neighbourhoods/ludlow/$"))
    finally:
        context.close()


def test_use_my_location_outside_every_area(browser, served_site):
    context = _new_context(browser, geolocation=LONDON, permissions=["geolocation"])
    try:
        page = context.new_page()
        page.goto(served_site.page_url("/"))
        page.get_by_role("button", name="Use my location").click()
        expect(page.locator(MESSAGE)).to_contain_text("outside every neighbourhood")
    finally:
        context.close()


def test_use_my_location_when_permission_is_refused(browser, served_site):
    context = _new_context(browser)  # no geolocation permission: Chromium refuses
    try:
        page = context.new_page()
        page.goto(served_site.page_url("/neighbourhoods/"))
        page.get_by_role("button", name="Use my location").click()
        expect(page.locator(MESSAGE)).to_contain_text("not allowed to use your location")
    finally:
        context.close()


def test_use_my_location_when_it_times_out(browser, served_site):
    context = _new_context(browser)
    # Stand in for a device that never answers: the browser reports TIMEOUT (code 3).
    context.add_init_script(
        "navigator.geolocation.getCurrentPosition = (ok, fail) => "
        "setTimeout(() => fail({code: 3, message: 'Timeout expired'}), 10);"
    )
    try:
        page = context.new_page()
        page.goto(served_site.page_url("/"))
        page.get_by_role("button", name="Use my location").click()
        expect(page.locator(MESSAGE)).to_contain_text("took too long")
    finally:
        context.close()


def test_without_javascript_the_form_leads_to_the_district_pages(no_js_context, served_site):
    page = no_js_context.new_page()
    try:
        page.goto(served_site.page_url("/"))
        assert not page.get_by_role("button", name="Use my location").is_visible()
        page.get_by_label("Postcode").fill("sy8 1ru")
        page.get_by_role("button", name="Find my team").click()
        page.wait_for_url(re.compile(r"/lookup/\?postcode="))
        expect(page.locator("h1")).to_have_text("Find your team by postcode")
        page.get_by_role("link", name=re.compile(r"^SY8\b")).click()
        page.wait_for_url(re.compile(r"/lookup/SY8/$"))
        page.get_by_role("link", name="Ludlow").click()
        page.wait_for_url(re.compile(r"/neighbourhoods/ludlow/$"))
    finally:
        page.close()


def test_with_javascript_the_lookup_page_finishes_the_search(tab, served_site):
    tab.goto(served_site.page_url("/lookup/?postcode=tf3+4bx"))
    tab.wait_for_url(re.compile(r"/neighbourhoods/telford-town-centre/$"))


def test_overview_map_links_are_reachable_by_keyboard(tab, served_site):
    tab.goto(served_site.page_url("/neighbourhoods/"))
    links = tab.locator(".overview-map a")
    count = links.count()
    assert count == 14
    # On a wide screen each name sits over its own area, inside the picture.
    picture = tab.locator(".overview-map img").bounding_box()
    for i in range(count):
        box = links.nth(i).bounding_box()
        assert picture["x"] <= box["x"] + box["width"] / 2 <= picture["x"] + picture["width"]
        assert picture["y"] <= box["y"] + box["height"] / 2 <= picture["y"] + picture["height"]
        assert box["height"] >= 24  # a target big enough to hit
    names = []
    for _ in range(80):
        tab.keyboard.press("Tab")
        focused = tab.evaluate(
            "() => { const e = document.activeElement;"
            " return e.closest('.overview-map') ? e.textContent : null; }"
        )
        if focused:
            names.append(focused)
            if len(names) == 1:  # the focus is visible: the yellow highlight
                background = tab.evaluate(
                    "() => getComputedStyle(document.activeElement).backgroundColor"
                )
                assert background == "rgb(255, 221, 0)", background
        elif names:
            break
    assert len(names) == count
    assert names[0] == "Bridgnorth"  # in A to Z order
    tab.keyboard.press("Shift+Tab")
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"/neighbourhoods/[a-z-]+/#map$"))


def test_overview_map_lists_the_links_below_it_on_a_phone(tab, served_site):
    tab.set_viewport_size({"width": 320, "height": 800})
    tab.goto(served_site.page_url("/neighbourhoods/"))
    picture = tab.locator(".overview-map img").bounding_box()
    first = tab.locator(".overview-map a").first.bounding_box()
    assert first["y"] >= picture["y"] + picture["height"]
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= 320


def test_area_map_is_drawn_without_javascript_and_prints(no_js_context, served_site):
    page = no_js_context.new_page()
    try:
        page.goto(served_site.page_url("/neighbourhoods/ludlow/"))
        image = page.locator("#map img").first
        assert image.is_visible()
        assert page.evaluate("() => document.querySelector('#map img').naturalWidth") == 640
        box = image.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 200
        page.emulate_media(media="print")
        assert image.is_visible()
        expect(page.locator(".area-map__places li").first).to_contain_text("Castle Square")
    finally:
        page.close()


def _axe(page: Page) -> list[dict]:
    violations = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path",
    ["/", "/neighbourhoods/", "/neighbourhoods/ludlow/", "/lookup/", "/lookup/SY8/", "/no-such/"],
)
def test_no_axe_violations(tab, served_site, path, scheme):
    tab.emulate_media(color_scheme=scheme)
    tab.goto(served_site.page_url(path))
    if tab.locator("form.postcode-lookup").count():  # with a message showing, too
        tab.get_by_label("Postcode").first.fill("SY8 9ZZ")
        tab.get_by_role("button", name="Find my team").first.click()
        expect(tab.locator(MESSAGE).first).to_contain_text("We cannot find")
    violations = _axe(tab)
    assert violations == [], json.dumps(violations, indent=1)
