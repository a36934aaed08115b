"""Signal receivers and the generator that writes the neighbourhood pages."""

from __future__ import annotations

import heapq
import logging
import os
from pathlib import Path
from typing import Any

from pelican.generators import Generator

from . import filters
from .markup import sanitise
from .problems import ContentError
from .site import AREAS_DIR, Site, load_site, update_url

logger = logging.getLogger(__name__)


def newest_first_key(article: Any) -> tuple[Any, str]:
    """The one order of updates everywhere (sort with reverse=True): newest first, and
    updates of the same moment by URL, so the order never depends on file order."""
    return (article.date, article.url)


def on_initialized(pelican: Any) -> None:
    """Load and validate everything before Pelican reads a single file."""
    settings = pelican.settings
    site = load_site(Path(settings["PATH"]), settings=settings)
    for problem in site.warnings:
        logger.warning("%s", problem)
    if site.errors:
        raise ContentError(site.problems)
    settings["SITE_MODEL"] = site
    settings["ARTICLE_PATHS"] = site.update_sources()
    photo_dirs = [
        f"{record.folder}/{sub}"
        for record in site.areas.values()
        for sub in ("photos", "images")
        if (site.root / record.folder / sub).is_dir()
    ]
    settings["STATIC_PATHS"] = [*settings.get("STATIC_PATHS", []), *photo_dirs]
    # Also static: images next to updates, referenced from their Markdown.
    settings["STATIC_PATHS"] += [p for p in site.update_sources() if p not in photo_dirs]
    settings.setdefault("JINJA_FILTERS", {}).update(filters.FILTERS)
    settings.setdefault("JINJA_GLOBALS", {}).update({"site": site, "BUILD_DATE": site.build_date})


def on_article_context(generator: Any, metadata: dict[str, Any]) -> None:
    """Give each update its URL: under its area for a team's update, /updates/ otherwise."""
    slug = metadata.get("slug")
    if not slug:
        return
    home = metadata.get("home_area")
    url = update_url(str(home) if home else None, str(slug))
    metadata.setdefault("url", url)
    metadata.setdefault("save_as", f"{url}index.html")


def on_content_object(instance: Any) -> None:
    """Clean the HTML of every update and page against the allow-list."""
    content = getattr(instance, "_content", None)
    if content:
        instance._content = sanitise(content)
    summary = instance.metadata.get("summary") if hasattr(instance, "metadata") else None
    if summary:
        instance.metadata["summary"] = sanitise(str(summary))
        # Pelican keeps its own copy and writes it back over the metadata later.
        instance._summary = instance.metadata["summary"]


def on_articles_finalized(generator: Any) -> None:
    """Index updates by area once: each area gets its own and the force-wide ones."""
    site: Site = generator.settings["SITE_MODEL"]
    root = site.root
    force_wide: list[Any] = []
    for article in sorted(generator.articles, key=newest_first_key, reverse=True):
        rel = Path(os.path.relpath(article.source_path, root)).as_posix()
        info = site.updates.get(rel)
        if info is None:
            continue
        article.update_info = info
        article.area_records = [site.areas[slug] for slug in info.areas]
        article.home_record = site.areas.get(info.home) if info.home else None
        if info.force_wide:
            force_wide.append(article)
        for slug in info.areas:
            site.areas[slug].own_updates.append(article)
    site.force_wide_updates = force_wide
    for record in site.areas.values():
        record.updates = list(
            heapq.merge(record.own_updates, force_wide, key=newest_first_key, reverse=True)
        )


def get_generators(pelican: Any) -> type[Generator]:
    return NeighbourhoodsGenerator


class NeighbourhoodsGenerator(Generator):
    """Writes /neighbourhoods/, each area's page and each area's list of updates."""

    def generate_context(self) -> None:
        self.site: Site = self.settings["SITE_MODEL"]
        self.context["site"] = self.site
        self.context["areas_by_name"] = self.site.areas_by_name()

    def generate_output(self, writer: Any) -> None:
        site = self.site
        build_date = site.build_date
        writer.write_file(
            f"{AREAS_DIR}/index.html",
            self.get_template("areas"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=f"{AREAS_DIR}/",
            page_name=f"{AREAS_DIR}/index",
            areas=site.areas_by_name(),
            districts=filters.group_by_district(site.areas_by_name()),
        )
        area_template = self.get_template("area")
        list_template = self.get_template("area_updates")
        latest = self.settings.get("AREA_LATEST_UPDATES", 5)
        for record in site.areas.values():
            upcoming = sorted(
                (e for e in record.events if e.end.date() >= build_date),
                key=lambda e: (e.start, e.id),
            )
            writer.write_file(
                f"{record.url}index.html",
                area_template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                url=record.url,
                page_name=f"{record.url}index",
                area=record,
                upcoming_events=upcoming,
                priorities=filters.priorities_in_order(record.priorities),
                latest_updates=record.updates[:latest],
            )
            writer.write_file(
                f"{record.url}updates/index.html",
                list_template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                paginated={"articles": record.updates},
                template_name="area_updates",
                url=f"{record.url}updates/",
                page_name=f"{record.url}updates/index",
                area=record,
                articles=record.updates,
            )
        writer.write_file(
            "updates/index.html",
            self.get_template("all_updates"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            paginated={"articles": self.context["articles"]},
            template_name="all_updates",
            url="updates/",
            page_name="updates/index",
            articles=self.context["articles"],
        )
