"""Have your say in Debian's Chromium: what a resident's browser actually sends.

Two builds of the tiny test site, each served on 127.0.0.1 (port 0) with the
Content-Security-Policy the build wrote into its own _headers:

* with an endpoint: a recording form service on another local port stands in for the
  force's. It is plain http, so these builds set FEEDBACK_ALLOW_INSECURE_LOCALHOST (the
  only way the https-only rule lets a build point at http://127.0.0.1; a self-signed
  certificate would test the same form and policy with more moving parts). It answers
  every POST with 303 to the form's _next, as form services do.
* without one: the forms become an email; Chromium hands the mailto: URL to the
  system's mail app, which the tests read from the request Chromium reports.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page
from support import MINI, PROJECT
from support.browser import (
    AXE_OPTIONS,
    fixture_browser,  # noqa: F401  (the fixture these tests use)
)
from support.say_service import FormService, Server

from neighbourhood_policing.tools.build import build_site

pytestmark = pytest.mark.browser

SAY = "/neighbourhoods/alpha/have-your-say/"


def site_policy(output: Path) -> str:
    """The site-wide Content-Security-Policy from the _headers file the build wrote."""
    text = (output / "_headers").read_text("utf-8")
    block = text.split("\n/*\n", 1)[1]
    return re.search(r"Content-Security-Policy: (.+)", block).group(1).strip()


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    policy = ""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Served:
    url: str
    root: Path
    service: FormService | None


def serve(tmp: Path, *, endpoint: bool) -> Iterator[Served]:
    root = tmp / "output"
    root.mkdir()
    handler = type("Handler", (_SiteHandler,), {})
    site = Server(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    url = f"http://127.0.0.1:{site.server_address[1]}"
    servers = [site]
    overrides = {"SITEURL": url}
    service = None
    if endpoint:
        service = FormService()
        forms = Server(("127.0.0.1", 0), service.handler())
        servers.append(forms)
        overrides["FEEDBACK_ENDPOINT"] = f"http://127.0.0.1:{forms.server_address[1]}/say"
        overrides["FEEDBACK_ALLOW_INSECURE_LOCALHOST"] = True
    content = tmp / "site"
    shutil.copytree(MINI, content)
    build_site(PROJECT / "pelicanconf.py", content_root=content, output=root, overrides=overrides)
    handler.policy = site_policy(root)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield Served(url, root, service)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="module")
def with_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from serve(tmp_path_factory.mktemp("say-endpoint"), endpoint=True)


@pytest.fixture(scope="module")
def by_email(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from serve(tmp_path_factory.mktemp("say-email"), endpoint=False)


def new_page(browser: Browser, *, js: bool = True) -> tuple[BrowserContext, Page, list[str]]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=js, locale="en-GB"
    )
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" or "Refused" in m.text else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return context, page, problems


@pytest.fixture
def js_page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    context, page, problems = new_page(browser)
    yield page, problems
    context.close()


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    context, page, problems = new_page(browser, js=False)
    yield page, problems
    context.close()


def fill_concern(page: Page, *, place: bool = True) -> None:
    page.fill("#concern-concern", "Cars race down Mill Lane & nobody stops them")
    if place:
        page.fill("#concern-place", "Mill Lane, by the school")
    page.fill("#concern-time", "Weekday evenings after 8pm")


# -- with the force's form service ------------------------------------------------------


@pytest.mark.parametrize("js", [True, False], ids=["script", "no-script"])
def test_sending_a_concern_posts_the_area_concern_place_and_time(
    browser: Browser, with_endpoint: Served, js: bool
) -> None:
    context, page, problems = new_page(browser, js=js)
    try:
        page.goto(with_endpoint.url + SAY)
        fill_concern(page)
        page.click("#concern-form button[type=submit]")
        received = with_endpoint.service.take()
        page.wait_for_url(f"{with_endpoint.url}{SAY}thank-you/")
        assert page.locator("h1").inner_text() == "Thank you for having your say"
    finally:
        context.close()
    typed = {k: v for k, v in received.items() if v}
    assert typed == {
        "form": "concern",
        "area": "alpha",
        "concern": "Cars race down Mill Lane & nobody stops them",
        "place": "Mill Lane, by the school",
        "time": "Weekday evenings after 8pm",
        "_next": f"{with_endpoint.url}{SAY}thank-you/",
    }
    # the optional contact fields were left empty and sent empty: nothing else
    assert set(received) - set(typed) == {"name", "email", "phone"}
    assert problems == []


def test_a_missing_field_shows_the_error_summary_and_keeps_what_was_typed(
    js_page: tuple[Page, list[str]], with_endpoint: Served
) -> None:
    page, problems = js_page
    page.goto(with_endpoint.url + SAY)
    title = page.title()
    fill_concern(page, place=False)
    page.fill("#concern-email", "not an address")
    page.click("#concern-form button[type=submit]")
    summary = page.locator("#concern-errors")
    assert summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.id") == "concern-errors"
    links = summary.locator("a")
    assert links.all_inner_texts() == [
        "Enter where it happens",
        "Enter an email address in the right format, like name@example.com",
    ]
    assert [a.get_attribute("href") for a in links.all()] == ["#concern-place", "#concern-email"]
    assert page.title() == "Error: " + title
    # each field says what is wrong, tied to it for screen readers
    place = page.locator("#concern-place")
    assert place.get_attribute("aria-invalid") == "true"
    assert "concern-place-error" in place.get_attribute("aria-describedby").split()
    assert page.locator("#concern-place-error").text_content() == "Error: Enter where it happens"
    # nothing typed was lost
    assert page.input_value("#concern-concern") == "Cars race down Mill Lane & nobody stops them"
    assert page.input_value("#concern-time") == "Weekday evenings after 8pm"
    assert page.input_value("#concern-email") == "not an address"
    assert with_endpoint.service.received == []  # nothing was sent
    links.first.click()
    assert page.evaluate("document.activeElement.id") == "concern-place"
    # fixed: the summary goes and the form is sent
    page.fill("#concern-place", "Mill Lane")
    page.fill("#concern-email", "")
    page.click("#concern-form button[type=submit]")
    assert with_endpoint.service.take()["place"] == "Mill Lane"
    page.wait_for_url("**/thank-you/")
    assert problems == []


def test_character_count_says_what_is_left(
    js_page: tuple[Page, list[str]], with_endpoint: Served
) -> None:
    page, _ = js_page
    page.goto(with_endpoint.url + SAY)
    count = page.locator("#priority-priority-count")
    assert count.inner_text() == "You have 500 characters remaining"
    page.fill("#priority-priority", "Speeding on Mill Lane")
    assert count.inner_text() == "You have 479 characters remaining"
    assert page.get_attribute("#priority-priority", "maxlength") == "500"


def test_was_this_useful_posts_the_update_address(
    no_js_page: tuple[Page, list[str]], with_endpoint: Served
) -> None:
    page, problems = no_js_page
    update = "/neighbourhoods/alpha/updates/2026-11-20-market-patrols/"
    page.goto(with_endpoint.url + update)
    page.click("form.useful button[value=yes]")
    received = with_endpoint.service.take()
    assert received == {
        "form": "useful",
        "page": with_endpoint.url + update,
        "_next": f"{with_endpoint.url}/neighbourhoods/alpha/have-your-say/thank-you/",
        "useful": "yes",
    }
    page.wait_for_url("**/have-your-say/thank-you/")
    assert problems == []


# -- without an endpoint: an email to the team ------------------------------------------


def mailto_parts(url: str) -> tuple[str, dict[str, str]]:
    """Address and fields of a mailto: URL, decoded as a mail app does (RFC 6068)."""
    parts = urlsplit(url)
    assert parts.scheme == "mailto", url
    fields = {}
    for pair in parts.query.split("&"):
        name, _, value = pair.partition("=")
        fields[unquote(name)] = unquote(value)  # '+' stays a plus sign
    return unquote(parts.path), fields


@pytest.mark.parametrize("js", [True, False], ids=["script", "no-script"])
def test_without_an_endpoint_the_form_opens_an_email_to_the_team(
    browser: Browser, by_email: Served, js: bool
) -> None:
    context, page, problems = new_page(browser, js=js)
    try:
        page.goto(by_email.url + SAY)
        fill_concern(page)
        page.check("#concern-how_often-3")
        with page.expect_request(lambda r: r.url.startswith("mailto:")) as request:
            page.click("#concern-form button[type=submit]", no_wait_after=True)
        address, fields = mailto_parts(request.value.url)
        if js:
            status = page.locator("#concern-form .form__status").inner_text()
            assert "email app should now open" in status
    finally:
        context.close()
    assert address == "alpha.snt@example.police.uk"
    assert fields["subject"] == "Have your say: a concern in Alpha Town"
    body = fields["body"].replace("\r\n", "\n")
    if js:  # the script lays the answers out as "Question: answer"
        assert body == (
            "Problem: Cars race down Mill Lane & nobody stops them\n\n"
            "Where: Mill Lane, by the school\n\n"
            "When: Weekday evenings after 8pm\n\n"
            "How often: Every week"
        )
    else:  # the browser's own text/plain encoding: one "Question=answer" line each
        # Chromium turns a typed '&' into a line break here; every word arrives.
        lines = [line for line in body.split("\n") if line]
        assert lines[0].startswith("Problem=Cars race down Mill Lane")
        assert "nobody stops them" in body
        assert "Where=Mill Lane, by the school" in lines
        assert "When=Weekday evenings after 8pm" in lines
        assert "How often=Every week" in lines
        assert "Name=" in lines  # the optional fields, left empty
    assert problems == []


def test_without_an_endpoint_there_is_no_was_this_useful(
    no_js_page: tuple[Page, list[str]], by_email: Served
) -> None:
    page, _ = no_js_page
    page.goto(by_email.url + "/neighbourhoods/alpha/updates/2026-11-20-market-patrols/")
    assert page.locator("main form").count() == 0  # the header's search box aside
    assert page.get_by_role("link", name=re.compile("Have your say")).count() >= 1


# -- accessibility ----------------------------------------------------------------------

PAGES = [
    ("endpoint", SAY),
    ("endpoint", SAY + "thank-you/"),
    ("endpoint", "/neighbourhoods/alpha/updates/2026-11-20-market-patrols/"),
    ("endpoint", "/have-your-say/"),
    ("email", SAY),
    ("email", "/neighbourhoods/beta/have-your-say/"),
]


def _describe(violations: list[dict]) -> str:
    return json.dumps(
        [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations],
        indent=1,
    )


@pytest.mark.parametrize(("which", "path"), PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations(
    js_page: tuple[Page, list[str]],
    with_endpoint: Served,
    by_email: Served,
    which: str,
    path: str,
    scheme: str,
) -> None:
    page, problems = js_page
    served = with_endpoint if which == "endpoint" else by_email
    page.emulate_media(color_scheme=scheme)
    page.goto(served.url + path)
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert violations == [], f"{path} ({scheme}): {_describe(violations)}"
    if path == SAY:  # and with the error summary showing
        page.click("#priority-form button[type=submit]")
        assert page.locator("#priority-errors").is_visible()
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        assert violations == [], f"{path} with errors ({scheme}): {_describe(violations)}"
    assert problems == []


@pytest.mark.parametrize("which", ["endpoint", "email"])
def test_reflows_at_320px_and_works_by_keyboard(
    js_page: tuple[Page, list[str]], with_endpoint: Served, by_email: Served, which: str
) -> None:
    page, _ = js_page
    served = with_endpoint if which == "endpoint" else by_email
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(served.url + SAY)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    # The first form field is reached by Tab after the page's links, and typing works.
    page.focus("#concern-concern")
    page.keyboard.type("Litter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "concern-place"
    assert page.input_value("#concern-concern") == "Litter"
