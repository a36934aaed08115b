"""The shipped nginx snippet, for real: Debian's nginx serves the built sample site on
127.0.0.1 with hosting/nginx/neighbourhoods.conf, and Chromium loads every page type
without a single Content-Security-Policy violation."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import CHROMIUM, CHROMIUM_ARGS, PROJECT, build
from support.nginx import free_port, start_nginx

pytestmark = pytest.mark.browser

SNIPPET = PROJECT / "hosting/nginx/neighbourhoods.conf"
#: Path segments that name a kind of page; anything else is a slug.
KINDS = {"neighbourhoods", "updates", "page", "category", "search", "index.html", "404.html"}
REQUIRED = {
    "content-security-policy",
    "strict-transport-security",
    "x-content-type-options",
    "referrer-policy",
    "permissions-policy",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    output = build(PROJECT, tmp_path_factory.mktemp("csp") / "output", SITEURL=base)
    search = output / "search/index.html"
    if not search.exists():  # until the search plugin writes it: the policy is what is tested
        search.parent.mkdir()
        search.write_text("<!DOCTYPE html><title>Search</title><h1>Search</h1>", "utf-8")
    process = start_nginx(tmp_path_factory.mktemp("nginx"), port, output, SNIPPET)
    try:
        yield base, output
    finally:
        process.terminate()
        process.wait(timeout=10)


def page_types(output: Path) -> list[str]:
    """Up to two pages of each kind (area page, update, list, page 2, category ...)."""
    groups: dict[str, list[str]] = {}
    for path in sorted(output.rglob("*.html")):
        rel = path.relative_to(output).as_posix()
        key = "/".join(part if part in KINDS else "*" for part in rel.split("/"))
        groups.setdefault(key, []).append(rel)
    chosen = []
    for files in groups.values():
        for rel in files[:2]:
            chosen.append("/" + re.sub(r"(^|/)index\.html$", r"\1", rel))
    return sorted(chosen)


def test_headers_on_every_kind_of_response(served) -> None:
    base, _ = served
    for path in ["/", "/neighbourhoods/", "/theme/css/site.css", "/.well-known/security.txt"]:
        with urllib.request.urlopen(base + path) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
        assert set(headers) >= REQUIRED, (path, headers)
        assert headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "wasm-unsafe-eval" not in headers["content-security-policy"]
    with urllib.request.urlopen(base + "/.well-known/security.txt") as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        assert b"Contact: mailto:" in response.read()
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(base + "/no/such/page/")
    assert missing.value.code == 404
    assert "content-security-policy" in {k.lower() for k in missing.value.headers}
    assert b"Page not found" in missing.value.read()
    with pytest.raises(urllib.error.HTTPError) as hidden:
        urllib.request.urlopen(base + "/_headers")
    assert hidden.value.code == 404
    with urllib.request.urlopen(base + "/search/") as response:
        assert "'wasm-unsafe-eval'" in response.headers["Content-Security-Policy"]


def test_no_csp_violation_on_any_page_type(served) -> None:
    from playwright.sync_api import sync_playwright

    base, output = served
    paths = [*page_types(output), "/no/such/page/"]
    assert len(paths) >= 8, paths
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        try:
            page = browser.new_page()
            page.add_init_script(
                "window.__violations = [];"
                "document.addEventListener('securitypolicyviolation', e => window.__violations"
                ".push(e.violatedDirective + ' ' + e.blockedURI));"
            )
            current = {"path": ""}
            page.on(
                "console",
                lambda message: (
                    problems.append(f"{current['path']}: {message.text}")
                    if "Content Security Policy" in message.text or "Refused to" in message.text
                    else None
                ),
            )
            for path in paths:
                current["path"] = path
                response = page.goto(base + path, wait_until="load")
                assert response is not None
                assert response.status == (404 if path.startswith("/no/") else 200), path
                header = response.headers.get("content-security-policy", "")
                assert "default-src 'self'" in header, path
                page.wait_for_timeout(50)
                for violation in page.evaluate("window.__violations"):
                    problems.append(f"{path}: {violation}")
        finally:
            browser.close()
    assert problems == [], "\n".join(problems)
