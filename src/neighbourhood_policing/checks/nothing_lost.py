"""Nothing lost: everything in the content is somewhere a resident can find it.

After every build this compares the site model (what the content says) with
the built pages (what a resident gets):

* every published update has its own page, with its title as the heading;
* every update is linked from each of its areas' pages or update lists (and a
  force-wide one from every area's), and from the list of all updates;
* when the feeds plugin is enabled, every update is in its areas' feeds and the
  all-updates feed, unless newer updates have pushed it past ``FEED_MAX_ITEMS``;
* every area is in the A to Z;
* every priority, and every event that has not ended, is on its area's page
  (as ``#priority-<id>`` and ``#event-<id>``, the anchors other pages link to).

A template that forgets a loop, an off-by-one in a list or a filter that
drops items fails the build here instead of silently hiding a team's update.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import Any

from .. import urls
from ..markup import plain_text
from ..problems import Problem
from ..rules import is_upcoming
from ..site import Site, UpdateInfo
from .output import Output


def feeds_enabled(settings: dict[str, Any]) -> bool:
    """True when the feeds plugin is in PLUGINS (it writes the feeds checked here)."""
    names = [getattr(p, "__name__", str(p)) for p in settings.get("PLUGINS") or ()]
    return any(name.rsplit(".", 1)[-1] == "feeds" for name in names)


def list_pages(output: Output, folder: str) -> list[str]:
    """A paginated list's pages: folder/index.html and folder/page/N/index.html."""
    pages = [f"{folder}index.html"] if output.is_file(f"{folder}index.html") else []
    paged = f"{folder}page/"
    files = output.files()
    # From the first file under page/ on (by its index: islice would step through every
    # file before it, for each of a national site's 4,000 lists).
    for index in range(bisect_left(files, paged), len(files)):
        rel = files[index]
        if not rel.startswith(paged):
            break
        number, _, rest = rel[len(paged) :].partition("/")
        if rest == "index.html" and number:
            pages.append(rel)
    return pages


def _linked(output: Output, files: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for rel in files:
        found |= output.linked_paths(rel)
    return found


def _published(site: Site) -> list[tuple[UpdateInfo, str]]:
    """(update, its URL) for every update that is meant to be published."""
    return [(info, info.url) for info in site.published_updates()]


def _must_be_in_feed(among: list[UpdateInfo], limit: int) -> list[UpdateInfo]:
    """The updates a feed of ``among`` cut to ``limit`` items must include.

    Updates published at the same moment may be ordered either way, so an update
    only has to be there when every update at least as new fits in the feed. One
    sort and a binary search per update: no update is compared with every other.
    """
    dates = sorted(info.meta.date for info in among)
    return [info for info in among if len(dates) - bisect_left(dates, info.meta.date) <= limit]


def check_nothing_lost(site: Site, output: Output, settings: dict[str, Any]) -> list[Problem]:
    """What the content has that the built site does not show; empty when nothing is lost."""
    problems: list[Problem] = []
    updates = _published(site)
    infos = [info for info, _ in updates]

    def lost(path: str, message: str, line: int | None = None, field: str | None = None) -> None:
        problems.append(Problem(path, line, field, message))

    # Each update's own page.
    for info, url in updates:
        page = output.page_for(url)
        if not output.is_file(page):
            lost(info.source, f"has no page: the built site has no {page}")
            continue
        title = " ".join(plain_text(info.meta.title).split())
        if title and title not in output.document(page).h1:
            lost(info.source, f"its page {page} does not show its title '{title}' as the heading")

    # Each area's page and update lists, and the list of all updates.
    all_lists = list_pages(output, urls.ALL_UPDATES_URL)
    everywhere = _linked(output, all_lists)
    area_links: dict[str, set[str]] = {}
    for slug, record in site.areas.items():
        files = [urls.page_path(record.url), *list_pages(output, urls.area_updates_url(slug))]
        area_links[slug] = _linked(output, files)
    for info, url in updates:
        for slug in info.areas if not info.force_wide else list(site.areas):
            if url not in area_links[slug]:
                lost(
                    info.source,
                    f"is not linked from the page of {site.areas[slug].name} "
                    f"({site.areas[slug].url}) or its update lists",
                )
        if url not in everywhere:
            lost(info.source, "is not linked from the list of all updates (updates/)")

    # Feeds, when the feeds plugin writes them.
    if feeds_enabled(settings):
        limit = int(settings.get("FEED_MAX_ITEMS") or 0) or len(infos) or 1
        by_area: dict[str, list[UpdateInfo]] = {slug: [] for slug in site.areas}
        for info in infos:
            for slug in info.areas if not info.force_wide else list(site.areas):
                by_area[slug].append(info)
        must_appear = {slug: _must_be_in_feed(among, limit) for slug, among in by_area.items()}
        for slug, record in site.areas.items():
            for feed in urls.area_feeds(record):
                if not output.is_file(feed):
                    lost(f"{record.folder}/area.yaml", f"has no feed: the built site has no {feed}")
                    continue
                in_feed = output.linked_paths(feed)
                for info in must_appear[slug]:
                    if not info.force_wide and info.url not in in_feed:
                        lost(info.source, f"is missing from the feed {feed}")
        all_feed = urls.site_feeds().atom
        if not output.is_file(all_feed):
            lost(urls.UPDATES_DIR, f"the built site has no {all_feed}")
        else:
            in_feed = output.linked_paths(all_feed)
            for info in _must_be_in_feed(infos, limit):
                if info.url not in in_feed:
                    lost(info.source, f"is missing from the feed {all_feed}")

    # The A to Z, and each area's priorities and upcoming events.
    a_to_z = urls.page_path(urls.AREAS_URL)
    # Links to a part of an area's page (the overview map's "#map") do not list the area.
    listed = {
        output.site_path(link.url, a_to_z) for link in output.links(a_to_z) if "#" not in link.url
    }
    for record in site.areas.values():
        area_file = f"{record.folder}/area.yaml"
        if record.url not in listed:
            lost(area_file, f"'{record.name}' is missing from the A to Z ({a_to_z})")
        page = urls.page_path(record.url)
        if not output.is_file(page):
            lost(area_file, f"has no page: the built site has no {page}")
            continue
        ids = output.document(page).ids
        for priority in record.priorities:
            if f"priority-{priority.id}" not in ids:
                lost(
                    f"{record.folder}/priorities.yaml",
                    f"the priority '{priority.title}' is not on the area page {page}",
                    field=f"{priority.id}",
                )
        for event in record.events:
            if is_upcoming(event, site.build_date) and f"event-{event.id}" not in ids:
                lost(
                    f"{record.folder}/events.yaml",
                    f"the event '{event.title}' has not ended but is not on the area page {page}",
                    field=f"{event.id}",
                )
    return problems
