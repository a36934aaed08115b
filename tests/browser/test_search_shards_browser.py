"""Search over an index in shards (a national site's index is split by area so that a
rebuild re-indexes one shard): the sample site built with two areas a shard, so its
updates, priorities and area pages are spread over several bundles that the search page
merges. Residents must not be able to tell: every result is found, filters still work."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html
from playwright.sync_api import expect
from support import PROJECT
from support.browser import (  # noqa: F401  (the fixtures these tests use)
    ServedSite,
    built_and_served,
    fixture_browser,
    fixture_context,
    fixture_page,
)

from neighbourhood_policing.loading import load_site
from neighbourhood_policing.search_bundle import shard_count, shard_of

pytestmark = pytest.mark.browser
PER_SHARD = 2


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    root = tmp_path_factory.mktemp("sharded-search") / "output"
    with built_and_served(root, SEARCH_AREAS_PER_SHARD=PER_SHARD) as served:
        yield served


@pytest.fixture(scope="module")
def site():
    return load_site(PROJECT)


def results(page) -> list[str]:
    expect(page.locator("#search-status")).to_contain_text("for ‘")
    return [
        urlsplit(href).path + (f"#{urlsplit(href).fragment}" if urlsplit(href).fragment else "")
        for href in page.locator("#search-results .search-result__title a").evaluate_all(
            "links => links.map(a => a.href)"
        )
    ]


def test_the_index_is_in_several_shards(sharded_site, site) -> None:
    count = shard_count(len(site.areas), PER_SHARD)
    used = sorted({0, *(shard_of(slug, count) for slug in site.areas)})
    assert len(used) > 2
    form = lxml_html.fromstring(
        (sharded_site.root / "search/index.html").read_bytes()
    ).get_element_by_id("search-form")
    listed = form.get("data-shards").split()
    assert listed == [f"pagefind/shard-{n}/" for n in used[1:]]
    for folder in listed:
        assert (sharded_site.root / folder / "pagefind-entry.json").is_file()


def test_every_areas_update_is_found_whatever_its_shard(page, sharded_site, site) -> None:
    """One update from each area, searched for by a word of its title."""
    count = shard_count(len(site.areas), PER_SHARD)
    seen_shards = set()
    for slug, record in sorted(site.areas.items()):
        info = next((i for i in record.own_updates if len(i.meta.title.split()) > 2), None)
        if info is None:
            continue
        query = info.meta.title
        page.goto(sharded_site.page_url(f"/search/?q={query}&area={slug}"), wait_until="load")
        assert f"/{info.url}" in results(page), (slug, query)
        seen_shards.add(shard_of(slug, count))
    assert len(seen_shards) > 2


def test_a_priority_and_the_area_filter_work_across_shards(page, sharded_site, site) -> None:
    record = next(r for r in site.areas.values() if r.priorities)
    priority = record.priorities[0]
    page.goto(sharded_site.page_url(f"/search/?q={priority.title}"), wait_until="load")
    assert f"/{record.url}#priority-{priority.id}" in results(page)
    page.goto(sharded_site.page_url("/search/?q=speeding"), wait_until="load")
    results(page)
    everywhere = page.locator("#search-results .search-result__meta").all_inner_texts()
    areas = {line.split(" · ")[1] for line in everywhere if " · " in line}
    assert len(areas) > 2, everywhere
    page.select_option("#search-area", record.slug)
    expect(page.locator("#search-status")).to_contain_text(f"in {record.name}")
    assert results(page)
    for line in page.locator("#search-results .search-result__meta").all_inner_texts():
        assert record.name in line or "All areas" in line, line
