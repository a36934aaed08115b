"""The same build served anywhere: on a port other than 8000, and from a sub-folder.

The sample site is built once, as `make serve` builds it (SITEURL http://localhost:8000),
then served by Debian's nginx (a) at the root of another port with the shipped snippet,
and (b) under /project/, as a GitHub Pages project site or a preview host serves it. A
link checker crawls each over HTTP from the home page, following every link and asset,
and nothing may be broken or lead above the site's folder. Only the places that must be
absolute (canonical links, Open Graph) may name localhost:8000.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html as lxml_html
from support import MINI, PROJECT, build
from support.crawl import crawl, fetch, references
from support.nginx import free_port, serve_in_folder, start_nginx

SNIPPET = PROJECT / "hosting/nginx/neighbourhoods.conf"
DEV = "localhost:8000"
#: (tag, attribute, what marks it) of the only places a page may name SITEURL.
ABSOLUTE_PLACES = {("link", "href", "canonical"), ("meta", "content", "og:url")}


def other_port() -> int:
    while (port := free_port()) == 8000:
        pass
    return port


@pytest.fixture(scope="module")
def at_root(sample_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = other_port()
    process = start_nginx(tmp_path_factory.mktemp("nginx-root"), port, sample_output, SNIPPET)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def in_folder(sample_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = other_port()
    with serve_in_folder(tmp_path_factory.mktemp("nginx-folder"), port, sample_output, "project"):
        yield f"http://127.0.0.1:{port}/project/"


def thank_you_pages(output: Path) -> tuple[str, ...]:
    """Where a form service sends residents back to: linked from no page, only from forms."""
    return tuple(sorted(p.parent.relative_to(output).as_posix() + "/"
                        for p in output.glob("**/thank-you/index.html")))  # fmt: skip


@pytest.fixture(scope="module")
def root_crawl(at_root: str, sample_output: Path):
    return crawl(at_root, also=thank_you_pages(sample_output))


@pytest.fixture(scope="module")
def folder_crawl(in_folder: str, sample_output: Path):
    return crawl(in_folder, also=thank_you_pages(sample_output))


def html_files(output: Path) -> set[str]:
    return {p.relative_to(output).as_posix() for p in output.rglob("*.html")}


def reached_files(result, start: str) -> set[str]:
    """The output files the crawl fetched, as paths relative to the site's folder."""
    files = set()
    for url, status in result.fetched.items():
        if status == 200 and url.startswith(start):
            path = url[len(start) :].split("?")[0]
            files.add(f"{path}index.html" if path == "" or path.endswith("/") else path)
    return files


@pytest.mark.parametrize("where", ["root_crawl", "folder_crawl"])
def test_no_broken_link_at_another_port_or_in_a_sub_folder(
    where: str, request: pytest.FixtureRequest, sample_output: Path
) -> None:
    result = request.getfixturevalue(where)
    assert result.broken == []
    assert result.outside == []  # nothing climbs above /project/ (or is root-absolute)
    # The crawl reached the whole site: every page but the 404 page and /admin/ (not built
    # here), plus the stylesheet, the scripts, the maps, the lookup files and Pagefind.
    reached = reached_files(result, result.start)
    missing = html_files(sample_output) - reached - {"404.html"}
    assert sorted(missing) == []
    for asset in ("theme/css/site.css", "theme/js/lookup.js", "theme/js/search.js",
                  "lookup/areas.json", "lookup/SY8.json", "neighbourhoods/overview.svg",
                  "neighbourhoods/ludlow/map.svg", "neighbourhoods/ludlow/feed.atom",
                  "neighbourhoods/ludlow/events.ics", "pagefind/pagefind.js",
                  "updates/feed.rss"):  # fmt: skip
        assert asset in reached, asset
    assert result.links > 1000


def test_both_crawls_follow_the_same_links(root_crawl, folder_crawl) -> None:
    """The sub-folder finds exactly what the root finds: no link depends on where it is."""

    def relative(result) -> set[str]:
        return {url[len(result.start) :] for url in result.fetched}

    assert relative(folder_crawl) == relative(root_crawl)
    assert folder_crawl.links == root_crawl.links


def test_pages_name_localhost_8000_only_where_a_full_address_is_needed(root_crawl) -> None:
    wrong = []
    for url, body in root_crawl.pages.items():
        doc = lxml_html.fromstring(body)
        for element in doc.iter():
            if not isinstance(element.tag, str):
                continue
            for name, value in element.attrib.items():
                if DEV not in value:
                    continue
                mark = element.get("rel") or element.get("property") or ""
                if (element.tag, name, mark) not in ABSOLUTE_PLACES:
                    wrong.append(f"{url}: <{element.tag} {name}={value!r}>")
    assert wrong == []
    home = lxml_html.fromstring(root_crawl.pages[root_crawl.start])
    assert home.xpath("//link[@rel='canonical']/@href") == [f"http://{DEV}/"]


def test_feeds_calendars_and_the_sitemap_keep_full_addresses(sample_output: Path) -> None:
    """What leaves the site (a feed reader, a calendar app, a search engine) needs SITEURL."""
    atom = (sample_output / "neighbourhoods/ludlow/feed.atom").read_text("utf-8")
    assert f'href="http://{DEV}/neighbourhoods/ludlow/' in atom
    assert "../" not in atom
    calendar = (sample_output / "neighbourhoods/ludlow/events.ics").read_text("utf-8")
    assert f"URL:http://{DEV}/neighbourhoods/ludlow/#events" in calendar.replace("\r\n ", "")
    sitemap = (sample_output / "sitemap.xml").read_text("utf-8")
    assert f"<loc>http://{DEV}/neighbourhoods/ludlow/</loc>" in sitemap
    robots = (sample_output / "robots.txt").read_text("utf-8")
    assert f"Sitemap: http://{DEV}/sitemap.xml" in robots


def test_editor_links_between_pages_are_relative_to_each_page(sample_output: Path) -> None:
    """{filename} links in Markdown: right from every depth (a deferred page once got the
    depth of whichever page Pelican wrote last: ../../contact/ from /about/)."""
    about = (sample_output / "about/index.html").read_text("utf-8")
    assert 'href="../contact/"' in about and 'href="../../contact/"' not in about
    update = sample_output / "updates/2026-06-15-how-to-contact-us/index.html"
    assert 'href="../../contact/"' in update.read_text("utf-8")


def test_the_not_found_page_works_at_any_depth(at_root: str) -> None:
    missing = urljoin(at_root, "no/such/page/at/all/")
    status, _kind, body = fetch(missing)
    assert status == 404 and b"Page not found" in body
    targets = [t.split("#")[0] for t in references(missing, body) if t.startswith(at_root)]
    targets = [t for t in targets if t != missing]  # the skip link, #main
    assert len(targets) > 10
    broken = sorted({t for t in targets if fetch(t)[0] != 200})
    assert broken == []


@pytest.fixture(scope="module")
def folder_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site built for a sub-folder (SITEURL ends in /project), served there."""
    port = other_port()
    base = f"http://127.0.0.1:{port}/project"
    output = build(MINI, tmp_path_factory.mktemp("mini-folder") / "output", SITEURL=base)
    with serve_in_folder(tmp_path_factory.mktemp("nginx-mini"), port, output, "project"):
        yield f"{base}/"


def test_a_build_for_a_sub_folder_has_a_not_found_page_that_works_there(folder_site: str) -> None:
    result = crawl(folder_site)
    assert result.broken == [] and result.outside == []
    missing = urljoin(folder_site, "neighbourhoods/no/such/page/")
    status, _kind, body = fetch(missing)
    assert status == 404 and b"Page not found" in body
    doc = lxml_html.fromstring(body)
    assert doc.xpath("//link[@rel='stylesheet']/@href")[0].startswith("/project/theme/")
    targets = [t.split("#")[0] for t in references(missing, body) if t.startswith(folder_site)]
    targets = [t for t in targets if t != missing]  # the skip link, #main
    assert targets and sorted({t for t in targets if fetch(t)[0] != 200}) == []
