"""The security headers the hosting files ship, and security.txt written from settings."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from support import PROJECT, build

from hosting import HostingSettingError, security_txt
from neighbourhood_policing.problems import ContentError

HOSTING = PROJECT / "hosting"


def headers_file(path: Path) -> dict[str, dict[str, str]]:
    """{path pattern: {header: value}} from a _headers file (later lines win)."""
    rules: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for row in path.read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.lstrip().startswith("#"):
            continue
        if not row.startswith((" ", "\t")):
            current = rules.setdefault(row.strip(), {})
        elif row.strip().startswith("!"):
            current.pop(row.strip()[1:].strip(), None)
        else:
            name, _, value = row.strip().partition(":")
            current[name.strip()] = value.strip()
    return rules


def nginx_headers(uri: str) -> dict[str, str]:
    """The headers the nginx snippet adds for a request path, with its variables filled in."""
    text = (HOSTING / "nginx/neighbourhoods.conf").read_text(encoding="utf-8")
    variables = dict(re.findall(r'^set \$(\w+) "([^"]*)";', text, re.M))
    condition = re.search(r'if \(\$uri ~ "([^"]+)"\) \{\s*set \$(\w+) "([^"]*)";', text)
    assert condition
    if re.search(condition.group(1), uri):
        variables[condition.group(2)] = condition.group(3)
    found = {}
    for name, value in re.findall(r'^add_header ([\w-]+) "([^"]*)" always;', text, re.M):
        found[name] = re.sub(r"\$(\w+)", lambda m: variables[m.group(1)], value)
    return found


def directives(csp: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in csp.split(";") if part.strip()}


@pytest.mark.parametrize("host", ["netlify", "cloudflare-pages"])
def test_headers_files_agree_with_nginx(host: str) -> None:
    rules = headers_file(HOSTING / host / "_headers")
    site_wide = rules["/*"]
    assert site_wide == nginx_headers("/neighbourhoods/ludlow/")
    search = {**site_wide, **rules["/search/*"]}
    assert search == nginx_headers("/search/")


def test_the_policy() -> None:
    headers = nginx_headers("/")
    csp = directives(headers["Content-Security-Policy"])
    assert csp["script-src"] == "script-src 'self'"
    assert csp["style-src"] == "style-src 'self'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "wasm-unsafe-eval" not in headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert csp["default-src"] == "default-src 'self'"
    search = directives(nginx_headers("/search/")["Content-Security-Policy"])
    assert search["script-src"] == "script-src 'self' 'wasm-unsafe-eval'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"].startswith("max-age=63072000")
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=(self)" in headers["Permissions-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]


def test_security_txt_from_settings() -> None:
    text = security_txt(
        {
            "SECURITY_CONTACT": ["mailto:security@example.police.uk", "https://example.org/vdp"],
            "SECURITY_EXPIRES": "2027-06-01T12:00:00+01:00",
            "SECURITY_PREFERRED_LANGUAGES": ["en", "cy"],
            "SECURITY_POLICY": "https://example.org/policy",
            "SITEURL": "https://neighbourhoods.example.police.uk",
        },
        dt.date(2026, 11, 24),
    )
    assert text == (
        "Contact: mailto:security@example.police.uk\n"
        "Contact: https://example.org/vdp\n"
        "Expires: 2027-06-01T11:00:00Z\n"
        "Policy: https://example.org/policy\n"
        "Preferred-Languages: en, cy\n"
        "Canonical: https://neighbourhoods.example.police.uk/.well-known/security.txt\n"
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SECURITY_EXPIRES": "2027-01-01"}, "SECURITY_CONTACT"),
        ({"SECURITY_CONTACT": "security@x.uk", "SECURITY_EXPIRES": "2027-01-01"}, "mailto:"),
        ({"SECURITY_CONTACT": "mailto:s@x.uk"}, "SECURITY_EXPIRES"),
        ({"SECURITY_CONTACT": "mailto:s@x.uk", "SECURITY_EXPIRES": "soon"}, "not a date"),
    ],
)
def test_unusable_security_settings(settings: dict, message: str) -> None:
    with pytest.raises(HostingSettingError, match=message):
        security_txt(settings)


def test_expired_security_txt_warns(caplog) -> None:
    security_txt(
        {"SECURITY_CONTACT": "mailto:s@x.uk", "SECURITY_EXPIRES": "2026-01-01"},
        dt.date(2026, 11, 24),
    )
    assert "SECURITY_EXPIRES (2026-01-01) has passed" in caplog.text


def test_the_build_writes_security_txt_and_headers(mini_output: Path) -> None:
    text = (mini_output / ".well-known/security.txt").read_text(encoding="utf-8")
    assert text.startswith("Contact: mailto:security@westmercia.police.uk\n")
    assert "Expires: 2027-11-01T00:00:00Z\n" in text
    assert "Canonical" not in text  # the development build is not served over HTTPS
    shipped = (HOSTING / "netlify/_headers").read_bytes()
    assert (mini_output / "_headers").read_bytes() == shipped


def test_a_bad_setting_stops_the_build_with_a_message(mini_copy: Path, tmp_path: Path) -> None:
    with pytest.raises(ContentError) as failed:
        build(mini_copy, tmp_path / "out", SECURITY_EXPIRES="next year")
    assert "pelicanconf.py: SECURITY_EXPIRES: 'next year' is not a date" in str(failed.value)
    with pytest.raises(ContentError) as failed:
        build(mini_copy, tmp_path / "out", HOSTING_HEADERS_FILE="hosting/nope/_headers")
    assert "HOSTING_HEADERS_FILE" in str(failed.value)
