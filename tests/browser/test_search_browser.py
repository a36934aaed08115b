"""The search page in Debian's Chromium: Pagefind's index of the real sample site, our own
interface (tests/support/browser.py serves it with the search page's CSP)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from support import PROJECT
from support.browser import (  # noqa: F401  (the fixtures these tests use)
    AXE_OPTIONS,
    ServedSite,
    built_and_served,
    fixture_browser,
    fixture_context,
    fixture_no_js_context,
    fixture_page,
    fixture_served_site,
)

from neighbourhood_policing.loading import load_site

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def site():
    return load_site(PROJECT)


def _update(site, words: str):
    for info in site.updates.values():
        if words in info.meta.title:
            return info, info.url
    raise AssertionError(f"the sample site has no update titled '...{words}...'")


def _priority(site, words: str):
    for record in site.areas.values():
        for priority in record.priorities:
            if words in priority.title:
                return record, priority
    raise AssertionError(f"the sample site has no priority titled '...{words}...'")


def search(page: Page, served_site, query: str = "", **params: str) -> None:
    page.emulate_media(color_scheme="light")
    page.goto(served_site.page_url("/search/"), wait_until="load")
    expect(page.locator("#search-form")).to_be_visible()
    for name, value in params.items():
        page.select_option(f"#search-{name}", value)
    if query:
        page.fill("#search-q", query)
        page.press("#search-q", "Enter")
    expect(page.locator("#search-status")).to_contain_text("for ‘")


def result_links(page: Page) -> list[str]:
    return [
        urlsplit(href).path + (f"#{urlsplit(href).fragment}" if urlsplit(href).fragment else "")
        for href in page.locator("#search-results .search-result__title a").evaluate_all(
            "links => links.map(a => a.href)"
        )
    ]


def result_meta(page: Page) -> list[str]:
    return page.locator("#search-results .search-result__meta").all_inner_texts()


def test_a_word_from_an_update_finds_it(page, served_site, site) -> None:
    _, url = _update(site, "Wistanstow")
    search(page, served_site, "Wistanstow")
    assert f"/{url}" in result_links(page)
    item = page.locator(".search-result", has=page.locator(f"a[href$='/{url}']"))
    expect(item.locator(".search-result__meta")).to_contain_text("Update")
    expect(item.locator("mark").first).to_contain_text("Wistanstow", ignore_case=True)
    status = page.locator("#search-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_contain_text("for ‘Wistanstow’")


def test_a_word_from_a_priority_finds_the_priority(page, served_site, site) -> None:
    record, priority = _priority(site, "Gravel Hill")
    search(page, served_site, "Gravel")
    anchor = f"/{record.url}#priority-{priority.id}"
    assert anchor in result_links(page), result_links(page)
    item = page.locator(".search-result", has=page.locator(f"a[href$='#priority-{priority.id}']"))
    expect(item.locator(".search-result__meta")).to_contain_text("Priority")
    expect(item.locator(".search-result__meta")).to_contain_text(record.name)
    item.locator("a").first.click()
    page.wait_for_url(f"**/{record.url}#priority-{priority.id}")
    expect(page.locator(f"#priority-{priority.id}")).to_be_visible()


def test_choosing_an_area_narrows_the_results(page, served_site, site) -> None:
    search(page, served_site, "speeding")
    everywhere = result_meta(page)
    areas = {line.split(" · ")[1] for line in everywhere if " · " in line}
    assert len(areas) > 1, everywhere
    ludlow = site.areas["ludlow"]
    page.select_option("#search-area", "ludlow")
    expect(page.locator("#search-status")).to_contain_text(f"in {ludlow.name}")
    narrowed = result_meta(page)
    assert 0 < len(narrowed) < len(everywhere)
    for line in narrowed:
        assert ludlow.name in line or "All areas" in line, line
    assert parse_qs(urlsplit(page.url).query)["area"] == ["ludlow"]


def test_a_query_in_the_address_runs_on_load_and_back_works(page, served_site, site) -> None:
    _, url = _update(site, "Wistanstow")
    page.goto(served_site.page_url("/search/?q=Wistanstow"), wait_until="load")
    expect(page.locator("#search-q")).to_have_value("Wistanstow")
    expect(page.locator("#search-status")).to_contain_text("for ‘Wistanstow’")
    assert f"/{url}" in result_links(page)
    page.fill("#search-q", "Gravel")
    page.press("#search-q", "Enter")
    expect(page.locator("#search-status")).to_contain_text("for ‘Gravel’")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["Gravel"]
    page.go_back()
    expect(page.locator("#search-q")).to_have_value("Wistanstow")
    expect(page.locator("#search-status")).to_contain_text("for ‘Wistanstow’")


def test_from_an_area_page_the_search_is_limited_and_can_be_widened(page, served_site) -> None:
    page.goto(served_site.page_url("/neighbourhoods/ludlow/"), wait_until="load")
    page.fill("#area-search-q", "speeding")
    page.press("#area-search-q", "Enter")
    page.wait_for_url("**/search/?*")
    expect(page.locator("#search-area")).to_have_value("ludlow")
    expect(page.locator("#search-status")).to_contain_text("in Ludlow")
    limited = len(result_meta(page))
    widen = page.locator("#search-widen button")
    expect(widen).to_be_visible()
    widen.click()
    expect(page.locator("#search-area")).to_have_value("")
    expect(page.locator("#search-status")).not_to_contain_text("in Ludlow")
    assert len(result_meta(page)) > limited
    assert "area" not in parse_qs(urlsplit(page.url).query)


def test_the_header_search_box_opens_the_search_page(page, served_site) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(served_site.page_url("/"), wait_until="load")
    page.fill("#header-search-q", "Wistanstow")
    page.press("#header-search-q", "Enter")
    page.wait_for_url("**/search/?q=Wistanstow")
    expect(page.locator("#search-status")).to_contain_text("for ‘Wistanstow’")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(served_site.page_url("/"), wait_until="load")
    expect(page.locator("#header-search-q")).to_be_hidden()
    expect(page.locator(".header-search-link")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_with_results_showing(page, served_site, scheme) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(served_site.page_url("/search/?q=speeding&area=ludlow"), wait_until="load")
    expect(page.locator("#search-results li").first).to_be_visible()
    expect(page.locator("#search-results mark").first).to_be_visible()
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert violations == [], json.dumps([(v["id"], v["nodes"][0]["html"]) for v in violations])


def test_keyboard_reaches_results_and_more(page, served_site) -> None:
    page.goto(served_site.page_url("/search/?q=the"), wait_until="load")
    expect(page.locator("#search-results li")).to_have_count(10)
    more = page.locator("#search-more button")
    expect(more).to_be_visible()
    more.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#search-results li").nth(10)).to_be_visible()
    focused = page.evaluate("document.activeElement.closest('li') && document.activeElement.href")
    assert focused, "focus moves to the first new result"


def test_without_javascript_the_page_says_so_and_links_elsewhere(no_js_context, served_site):
    page = no_js_context.new_page()
    try:
        page.goto(served_site.page_url("/search/?q=speeding"), wait_until="load")
        fallback = page.locator("#search-unavailable")
        expect(fallback).to_be_visible()
        expect(fallback).to_contain_text("needs JavaScript")
        hrefs = [urlsplit(h).path for h in fallback.locator("a").evaluate_all(
            "links => links.map(a => a.href)")]
        assert hrefs == ["/neighbourhoods/", "/updates/", "/updates/category/"]
        expect(page.locator("#search-form")).to_be_hidden()
    finally:
        page.close()


def test_bytes_a_first_search_downloads(browser, served_site, capsys) -> None:
    """Measured from the network, for the issue's closing note (printed with -s)."""
    context = browser.new_context()
    page = context.new_page()
    loaded: dict[str, int] = {}
    page.on("response", lambda r: loaded.__setitem__(r.url, len(r.body())) if r.ok else None)
    try:
        page.goto(served_site.page_url("/search/?q=speeding"), wait_until="load")
        expect(page.locator("#search-results li").first).to_be_visible()
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    bundle = {url: size for url, size in loaded.items() if "/pagefind/" in url}
    assert all(url.startswith(served_site.url) for url in loaded), "nothing from another site"
    assert any(url.endswith("pagefind.js") for url in bundle)
    assert any(".pf_fragment" in url for url in bundle)
    with capsys.disabled():
        print(
            f"\nfirst search for 'speeding': {sum(bundle.values())} bytes from /pagefind/ "
            f"in {len(bundle)} files; {sum(loaded.values())} bytes in all"
        )


@pytest.fixture(scope="module")
def subfolder_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The sample site built for, and served from, /sub/folder/ of a server on a free port."""
    with built_and_served(tmp_path_factory.mktemp("subfolder-site"), "sub/folder") as served:
        yield served


def test_from_a_sub_folder_results_link_into_the_sub_folder(page, subfolder_site, site) -> None:
    record, priority = _priority(site, "Gravel Hill")
    _, url = _update(site, "Wistanstow")
    base = urlsplit(subfolder_site.url).path  # /sub/folder
    for query, wanted in (("Wistanstow", f"{base}/{url}"), ("Gravel", f"{base}/{record.url}")):
        page.goto(subfolder_site.page_url(f"/search/?q={query}"), wait_until="load")
        expect(page.locator("#search-status")).to_contain_text(f"for ‘{query}’")
        hrefs = page.locator("#search-results .search-result__title a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert hrefs and all(h.startswith(f"{base}/") for h in hrefs), hrefs
        assert wanted in {h.split("#", 1)[0] for h in hrefs}, hrefs
    link = page.locator(f"#search-results a[href='{base}/{record.url}#priority-{priority.id}']")
    link.click()
    page.wait_for_url(f"{subfolder_site.url}/{record.url}#priority-{priority.id}")
    expect(page.locator(f"#priority-{priority.id}")).to_be_visible()
