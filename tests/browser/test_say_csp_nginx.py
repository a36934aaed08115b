"""Have your say through Debian's nginx with the shipped snippet: a configured form-action.

The tiny site is built with an endpoint (a recording form service on 127.0.0.1) and
served by nginx with hosting/nginx/neighbourhoods.conf, its form-action set the way the
build sets it in output/_headers (``extend_form_action``). Chromium sends the form
without a single Content-Security-Policy violation; with the snippet as shipped
('self' mailto:, for a site without an endpoint) the same form is refused. A build whose
endpoint is not https fails with its own message (tests/site/test_say_pages.py).
"""

from __future__ import annotations

import shutil
import urllib.request
from collections.abc import Iterator

import pytest
from support import CHROMIUM, CHROMIUM_ARGS, MINI, PROJECT, build
from support.nginx import free_port, start_nginx
from support.say_service import FormService, Server

from neighbourhood_policing.engagement import extend_form_action, form_action_sources

pytestmark = pytest.mark.browser

SNIPPET = PROJECT / "hosting/nginx/neighbourhoods.conf"
SAY = "/neighbourhoods/alpha/have-your-say/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    import threading

    service = FormService()
    forms = Server(("127.0.0.1", 0), service.handler())
    threading.Thread(target=forms.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{forms.server_address[1]}/say"
    ports = {"configured": free_port(), "shipped": free_port()}
    content = tmp_path_factory.mktemp("say-nginx") / "site"
    shutil.copytree(MINI, content)
    # One build; both servers serve it, so SITEURL names the configured one.
    output = build(
        content,
        tmp_path_factory.mktemp("say-nginx-out") / "output",
        SITEURL=f"http://127.0.0.1:{ports['configured']}",
        FEEDBACK_ENDPOINT=endpoint,
        FEEDBACK_ALLOW_INSECURE_LOCALHOST=True,
    )
    configured = tmp_path_factory.mktemp("snippet") / "neighbourhoods.conf"
    configured.write_text(
        extend_form_action(SNIPPET.read_text("utf-8"), form_action_sources([endpoint])), "utf-8"
    )
    processes = []
    try:
        for name, snippet in (("configured", configured), ("shipped", SNIPPET)):
            prefix = tmp_path_factory.mktemp(f"nginx-{name}")
            processes.append(start_nginx(prefix, ports[name], output, snippet))
        yield {
            "endpoint": endpoint,
            "service": service,
            "output": output,
            "urls": {name: f"http://127.0.0.1:{port}" for name, port in ports.items()},
        }
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        forms.shutdown()
        forms.server_close()


def send_concern(base: str) -> tuple[list[str], str]:
    """Fill in and send the concern form; CSP violations and where the page ended up."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            problems: list[str] = []
            page.on(
                "console",
                lambda m: problems.append(m.text)
                if "Content Security Policy" in m.text or "Refused" in m.text
                else None,
            )
            page.goto(base + SAY, wait_until="load")
            page.fill("#concern-concern", "Bikes ridden on the pavement")
            page.fill("#concern-place", "High Street")
            page.fill("#concern-time", "Saturday afternoons")
            page.click("#concern-form button[type=submit]", no_wait_after=True)
            page.wait_for_load_state("load")
            page.wait_for_timeout(200)  # let a refusal reach the console
            return problems, page.url
        finally:
            browser.close()


def test_the_configured_form_action_lets_the_form_through(site: dict) -> None:
    base = site["urls"]["configured"]
    with urllib.request.urlopen(base + SAY) as response:
        policy = response.headers["Content-Security-Policy"]
    written = (site["output"] / "_headers").read_text("utf-8")
    origin = site["endpoint"].rsplit("/", 1)[0]
    assert f"form-action 'self' {origin};" in policy
    assert f"form-action 'self' {origin};" in written  # nginx and _headers agree
    assert "mailto:" not in policy  # exactly the configured host and nothing else
    problems, url = send_concern(base)
    received = site["service"].take()
    assert {k: v for k, v in received.items() if v and k != "_next"} == {
        "form": "concern",
        "area": "alpha",
        "concern": "Bikes ridden on the pavement",
        "place": "High Street",
        "time": "Saturday afternoons",
    }
    assert url == f"{base}{SAY}thank-you/"
    assert problems == []


def test_the_shipped_form_action_refuses_another_host(site: dict) -> None:
    problems, url = send_concern(site["urls"]["shipped"])
    assert any("form-action" in p for p in problems), problems
    assert site["service"].received == []
    assert url.endswith(SAY)
