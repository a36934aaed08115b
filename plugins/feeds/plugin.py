"""Signal receivers and the generator that writes every feed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pelican import Pelican, signals
from pelican.generators import Generator

from neighbourhood_policing import urls
from neighbourhood_policing.files import siteurl_setting, write_outputs
from neighbourhood_policing.incremental import BuildCache
from neighbourhood_policing.rules import force_name
from neighbourhood_policing.site import AreaRecord, Site, built_pages
from neighbourhood_policing.urls import FeedPaths, feed_paths

from .build import (
    EPOCH,
    FeedSettingsError,
    FeedSpec,
    FeedWriter,
    absolute,
    newest_first,
    updated_of,
)

logger = logging.getLogger(__name__)

DEFAULT_MAX_ITEMS = 50


@dataclass(frozen=True)
class FeedLinks:
    """The Jinja global ``feed_links``: full URLs of the feeds a page advertises.

    The one place templates learn feed URLs from, so they cannot drift from
    where the generator writes. Plain data (a frozen dataclass), so the pages that
    read it can be reused by the incremental build.
    """

    siteurl: str

    def _full(self, paths: FeedPaths) -> FeedPaths:
        return FeedPaths(absolute(self.siteurl, paths.rss), absolute(self.siteurl, paths.atom))

    def area(self, record: AreaRecord) -> FeedPaths:
        return self._full(urls.area_feeds(record))

    def site(self) -> FeedPaths:
        return self._full(urls.site_feeds())

    def category(self, category: Any) -> FeedPaths:
        return self._full(feed_paths(category.url))


def max_items(settings: dict[str, Any]) -> int | None:
    value = settings.get("FEED_MAX_ITEMS", DEFAULT_MAX_ITEMS)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FeedSettingsError(
            f"FEED_MAX_ITEMS is {value!r}; set it to a whole number of at least 1 in "
            "pelicanconf.py (or None for no limit)"
        )
    return value


def on_initialized(pelican: Pelican) -> None:
    """Check the settings feeds depend on and give templates the feed URLs."""
    settings = pelican.settings
    max_items(settings)
    settings.setdefault("JINJA_GLOBALS", {})["feed_links"] = FeedLinks(siteurl_setting(settings))


def get_generators(pelican: Pelican) -> type[Generator]:
    return FeedsGenerator


class FeedsGenerator(Generator):
    """Writes the RSS and Atom feeds once the articles and the site model are ready."""

    def generate_context(self) -> None:
        """Nothing to add: feeds are made from what the other generators prepared."""

    def feed_specs(self) -> list[FeedSpec]:
        settings = self.settings
        site: Site = settings["SITE_MODEL"]
        siteurl = settings["SITEURL"]
        limit = max_items(settings)
        force = force_name(settings)

        def spec(base: str, title: str, description: str, updates: Any) -> FeedSpec:
            """The RSS and Atom pair for the page at ``base`` (feeds sit beside it)."""
            paths = feed_paths(base)
            return FeedSpec(
                rss_path=paths.rss,
                atom_path=paths.atom,
                title=title,
                description=description,
                page_url=absolute(siteurl, base),
                updates=newest_first(updates, limit),
            )

        specs = [
            spec(
                record.url,
                f"{record.name} neighbourhood team: updates",
                f"News, appeals and advice from the {record.name} neighbourhood team, "
                f"and updates from {force} for everyone.",
                built_pages(record.updates),
            )
            for record in site.areas.values()
        ]
        specs.append(
            spec(
                urls.ALL_UPDATES_URL,
                f"{force}: updates from every neighbourhood team",
                f"News, appeals and advice from every {force} neighbourhood team.",
                self.context.get("articles", []),
            )
        )
        specs += [
            spec(
                category.url,
                f"{force}: {category.name} updates",
                f"{category.name} updates from every {force} neighbourhood team.",
                updates,
            )
            for category, updates in self.context.get("categories", [])
        ]
        return specs

    def generate_output(self, writer: Any) -> None:
        settings = self.settings
        feeds = FeedWriter(
            siteurl=settings["SITEURL"],
            sitename=settings["SITENAME"],
            force_name=force_name(settings),
            contact_email=settings.get("CONTACT_EMAIL") or "",
            language=settings.get("DEFAULT_LANG", "en-GB"),
            categories_path=settings.get("CATEGORIES_URL", "updates/category/"),
            icon_path=f"{settings.get('THEME_STATIC_DIR', 'theme')}/favicon.svg",
        )
        articles = self.context.get("articles", [])
        # An empty feed still needs an 'updated' date: the newest update on the site.
        fallback_updated = max((updated_of(a) for a in articles), default=EPOCH)

        cache = settings.get("BUILD_CACHE")

        def files() -> Iterator[tuple[str, bytes | str]]:
            for spec in self.feed_specs():
                rendered: list[tuple[bytes, bytes]] = []

                def render(which: int, spec: FeedSpec = spec, rendered: list = rendered) -> bytes:
                    if not rendered:
                        rendered.append(feeds.render(spec, fallback_updated))
                    return rendered[0][which]

                pair = [(spec.rss_path, 0), (spec.atom_path, 1)]
                if isinstance(cache, BuildCache):
                    key = cache.key_of("feed", spec, fallback_updated)
                    yield from cache.files(
                        (path, key, lambda w=which: render(w)) for path, which in pair
                    )
                else:
                    for path, which in pair:
                        yield path, render(which)

        count = write_outputs(self.output_path, files(), self.announce)
        logger.info("Wrote %d feeds", count)

    def announce(self, path: str) -> None:
        signals.content_written.send(path, context=self.context)
