"""sitemap.xml lists every page the build wrote, in a stable order; robots.txt points to it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from support import MINI, build

SITEURL = "https://neighbourhoods.example.police.uk"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _entries(output: Path) -> list[tuple[str, str | None]]:
    root = ET.parse(output / "sitemap.xml").getroot()
    return [
        (url.findtext("s:loc", namespaces=NS), url.findtext("s:lastmod", namespaces=NS))
        for url in root.findall("s:url", NS)
    ]


def _expected_urls(output: Path) -> list[str]:
    urls = []
    for path in output.rglob("*.html"):
        rel = path.relative_to(output).as_posix()
        if rel == "404.html":
            continue
        urls.append(
            SITEURL + "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        )
    return sorted(urls)


def test_sitemap_lists_every_page_in_order_with_content_dates(tmp_path: Path) -> None:
    output = build(MINI, tmp_path / "out", SITEURL=SITEURL)
    entries = _entries(output)
    urls = [loc for loc, _ in entries]
    assert urls == _expected_urls(output)
    assert urls == sorted(urls) and len(urls) == len(set(urls))
    lastmod = dict(entries)
    # An update: its own date. An area: its newest update or priority action.
    # A list: its newest update. Pages without a content date: none (never the clock).
    assert (
        lastmod[f"{SITEURL}/neighbourhoods/alpha/updates/2026-06-15-summer-appeal/"] == "2026-06-15"
    )
    assert lastmod[f"{SITEURL}/neighbourhoods/alpha/"] == "2026-11-20"
    assert lastmod[f"{SITEURL}/neighbourhoods/beta/updates/"] == "2026-07-01"
    assert lastmod[f"{SITEURL}/updates/category/appeal/"] == "2026-06-15"
    assert lastmod[f"{SITEURL}/about/"] is None
    assert lastmod[f"{SITEURL}/neighbourhoods/"] is None
    # The newest date anywhere is the newest content date (the build's clock never shows).
    assert max(m for m in lastmod.values() if m) == "2026-11-20"


def test_robots_points_to_the_sitemap(tmp_path: Path) -> None:
    output = build(MINI, tmp_path / "out", SITEURL=SITEURL)
    robots = (output / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *\nAllow: /\n" in robots
    assert robots.endswith(f"Sitemap: {SITEURL}/sitemap.xml\n")


def test_same_input_gives_byte_identical_output(tmp_path: Path) -> None:
    """Two builds of the same content: every page, the stylesheet, sitemap and robots match."""
    first = build(MINI, tmp_path / "one", SITEURL=SITEURL)
    second = build(MINI, tmp_path / "two", SITEURL=SITEURL)
    names = sorted(
        p.relative_to(first).as_posix()
        for p in first.rglob("*")
        if p.is_file()
        and (p.suffix == ".html" or p.name in {"sitemap.xml", "robots.txt", "site.css"})
    )
    assert {"sitemap.xml", "robots.txt", "theme/css/site.css", "index.html"} <= set(names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
