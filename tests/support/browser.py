"""Browser test fixtures: the sample site served on a random local port, one Chromium per session.

Import the fixtures into a browser test module; they are not in tests/conftest.py so
that only the browser tests start a server and a browser.

Chromium is Debian's (/usr/bin/chromium; `make test` installs it when missing): no
browser is ever downloaded. The server sends the strict Content-Security-Policy the
site is designed for, so an inline style or script shows up as a console error.
"""

from __future__ import annotations

import functools
import http.server
import re
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from neighbourhood_policing.tools.build import build_site
from support import CHROMIUM, CHROMIUM_ARGS, PROJECT

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
#: The search page and Pagefind's worker may compile WebAssembly, as in hosting/.
SEARCH_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
#: axe-core rules for WCAG 2.2 AA, the level the site promises; violations only.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
ARTIFACTS = PROJECT / "test-artifacts" / "screenshots"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, the site's 404 page for anything missing, and the site's CSP."""

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0]  # the site may be served from a sub-folder
        search = "/search/" in path or "/pagefind/" in path
        self.send_header("Content-Security-Policy", SEARCH_CSP if search else CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


@dataclass
class ServedSite:
    root: Path
    url: str

    def page_url(self, path: str) -> str:
        return self.url + path


@contextmanager
def built_and_served(root: Path, folder: str = "", **overrides: object) -> Iterator[ServedSite]:
    """The sample site built into ``root/folder`` with SITEURL set to where a server on a
    free port serves it (``root`` is the server's root), and ``overrides`` as settings."""
    output = root / folder if folder else root
    output.mkdir(parents=True, exist_ok=True)
    server = _Server(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
    url = f"http://127.0.0.1:{server.server_address[1]}" + (f"/{folder}" if folder else "")
    build_site(
        PROJECT / "pelicanconf.py",
        content_root=PROJECT,
        output=output,
        overrides={"SITEURL": url, **overrides},
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ServedSite(output, url)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session", name="served_site")
def fixture_served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The sample site built with SITEURL set to a local server on a free port, served."""
    with built_and_served(tmp_path_factory.mktemp("browser-site") / "output") as served:
        yield served


@pytest.fixture(scope="module", name="browser")
def fixture_browser() -> Iterator[Browser]:
    """One Chromium for a test module (module scope: pytest closes it before another
    module's test starts its own Playwright, since two sync Playwrights cannot share a
    thread; the site itself is built and served once per session)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module", name="context")
def fixture_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    yield context
    context.close()


@pytest.fixture(scope="module", name="no_js_context")
def fixture_no_js_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False, locale="en-GB"
    )
    yield context
    context.close()


@pytest.fixture(scope="module", name="page")
def fixture_page(context: BrowserContext) -> Iterator[Page]:
    """One tab, reused by the tests (each sets the viewport and media it needs)."""
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture(scope="session", name="artifacts")
def fixture_artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
