"""Signal receivers and the generator that writes every feed."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, NamedTuple

from pelican import signals
from pelican.generators import Generator

from neighbourhoods.files import write_atomic

from .build import (
    EPOCH,
    FeedSettingsError,
    FeedSpec,
    FeedWriter,
    absolute,
    newest_first,
    site_domain,
    updated_of,
)

logger = logging.getLogger(__name__)

#: Where the feed of every update lives (the list of all updates is at /updates/).
SITE_FEED_BASE = "updates/"
DEFAULT_MAX_ITEMS = 50


class FeedURLs(NamedTuple):
    rss: str
    atom: str


def feed_paths(base: str) -> FeedURLs:
    """The two feeds that sit next to a page at ``base`` (a path ending in /)."""
    return FeedURLs(f"{base}feed.rss", f"{base}feed.atom")


class FeedLinks:
    """The Jinja global ``feed_links``: full URLs of the feeds a page advertises.

    The one place templates learn feed URLs from, so they cannot drift from
    where the generator writes.
    """

    def __init__(self, siteurl: str) -> None:
        self.siteurl = siteurl

    def _full(self, paths: FeedURLs) -> FeedURLs:
        return FeedURLs(absolute(self.siteurl, paths.rss), absolute(self.siteurl, paths.atom))

    def area(self, record: Any) -> FeedURLs:
        return self._full(feed_paths(record.url))

    def site(self) -> FeedURLs:
        return self._full(feed_paths(SITE_FEED_BASE))

    def category(self, category: Any) -> FeedURLs:
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


def on_initialized(pelican: Any) -> None:
    """Check the settings feeds depend on and give templates the feed URLs."""
    settings = pelican.settings
    max_items(settings)
    site_domain(settings.get("SITEURL", ""))
    settings.setdefault("JINJA_GLOBALS", {})["feed_links"] = FeedLinks(settings["SITEURL"])


def get_generators(pelican: Any) -> type[Generator]:
    return FeedsGenerator


class FeedsGenerator(Generator):
    """Writes the RSS and Atom feeds once the articles and the site model are ready."""

    def generate_context(self) -> None:
        """Nothing to add: feeds are made from what the other generators prepared."""

    def feed_specs(self) -> list[FeedSpec]:
        settings = self.settings
        site = settings["SITE_MODEL"]
        siteurl = settings["SITEURL"]
        limit = max_items(settings)
        force = settings.get("FORCE_NAME", settings["SITENAME"])

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
                record.updates,
            )
            for record in site.areas.values()
        ]
        specs.append(
            spec(
                SITE_FEED_BASE,
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
            force_name=settings.get("FORCE_NAME", settings["SITENAME"]),
            contact_email=settings.get("CONTACT_EMAIL") or "",
            language=settings.get("DEFAULT_LANG", "en-GB"),
            categories_path=settings.get("CATEGORIES_URL", "updates/category/"),
            icon_path=f"{settings.get('THEME_STATIC_DIR', 'theme')}/favicon.svg",
        )
        articles = self.context.get("articles", [])
        # An empty feed still needs an 'updated' date: the newest update on the site.
        fallback_updated = max((updated_of(a) for a in articles), default=EPOCH)
        output = Path(self.output_path)
        count = 0
        for spec in self.feed_specs():
            rss, atom = feeds.render(spec, fallback_updated)
            for relative, data in ((spec.rss_path, rss), (spec.atom_path, atom)):
                path = output / relative
                write_atomic(path, data)
                signals.content_written.send(str(path), context=self.context)
                count += 1
        logger.info("Wrote %d feeds", count)
