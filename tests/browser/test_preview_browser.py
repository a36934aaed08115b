"""The scripts from a sub-folder: the sample site as `make serve` builds it (SITEURL
http://localhost:8000), served by nginx under /project/ only, in Debian's Chromium.
The postcode box and search must find their data relative to the page, and every
link they write must stay inside /project/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from support.browser import fixture_browser, fixture_context, fixture_page  # noqa: F401
from support.nginx import free_port, serve_in_folder

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def project(sample_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    with serve_in_folder(tmp_path_factory.mktemp("nginx-project"), port, sample_output, "project"):
        yield f"http://127.0.0.1:{port}/project/"


def test_postcode_lookup_and_search_work_from_a_sub_folder(page: Page, project: str) -> None:
    failed: list[str] = []
    # A request the browser itself cancels because the page moves on (the favicon of a
    # page left at once) fails with net::ERR_ABORTED: not a problem of the site. Every
    # other failure, and every error response, is.
    page.on(
        "requestfailed",
        lambda request: (
            None
            if "ERR_ABORTED" in (request.failure or "")
            else failed.append(f"{request.failure} {request.url}")
        ),
    )
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(project)
    page.get_by_label("Postcode").first.fill("sy8 1ru")
    page.get_by_role("button", name="Find my team").first.click()
    page.wait_for_url(f"{project}neighbourhoods/ludlow/")
    expect(page.locator("h1")).to_contain_text("Ludlow")

    page.goto(f"{project}search/")
    page.fill("#search-q", "Wistanstow")
    page.press("#search-q", "Enter")
    expect(page.locator("#search-status")).to_contain_text("for ‘Wistanstow’")
    links = page.locator("#search-results .search-result__title a")
    expect(links.first).to_be_visible()
    hrefs = links.evaluate_all("links => links.map(a => a.href)")
    assert hrefs and all(h.startswith(project) for h in hrefs), hrefs
    links.first.click()
    page.wait_for_url(re.compile(re.escape(project) + r"neighbourhoods/"))
    expect(page.locator("h1")).to_be_visible()
    assert failed == []
