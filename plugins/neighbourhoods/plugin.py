"""Signal receivers and the generator that writes the neighbourhood pages."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.generators import ArticlesGenerator, Generator
from pelican.readers import Readers
from pelican.writers import Writer

from neighbourhood_policing import collector, filters, urls
from neighbourhood_policing.files import site_path
from neighbourhood_policing.incremental import BuildCache, template_bytecode
from neighbourhood_policing.loading import load_site
from neighbourhood_policing.loading.memo import LoadMemo
from neighbourhood_policing.markup import sanitise
from neighbourhood_policing.pages import write_page
from neighbourhood_policing.problems import ContentError
from neighbourhood_policing.rules import newest_first_key, upcoming_events
from neighbourhood_policing.settings import build_workers
from neighbourhood_policing.site import AreaRecord, Site, built_pages

from .incremental import CachingWriter, Deferred, run_deferred
from .reader import MarkdownReader

#: The setting holding the memory of sanitised HTML (see on_content_object).
MARKUP_MEMO = "MARKUP_MEMO"
#: The setting holding Jinja's cache of compiled templates (see on_generator_init).
JINJA_BYTECODE = "JINJA_BYTECODE"

logger = logging.getLogger(__name__)


def on_initialized(pelican: Pelican) -> None:
    """Load and validate everything before Pelican reads a single file."""
    settings = pelican.settings
    # Pages link to each other relatively (RELATIVE_URLS: on a page, SITEURL is the way
    # back to the root, such as ".."); what must be a full address (canonical links, Open
    # Graph, text that shows the address) reads SITE_ADDRESS, the 404 page SITE_PATH.
    siteurl = str(settings.get("SITEURL") or "").rstrip("/")
    settings["SITE_ADDRESS"] = siteurl
    settings["SITE_PATH"] = site_path(siteurl)
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
    if isinstance(settings.get("BUILD_CACHE"), BuildCache):
        settings["BUILD_DEFERRED"] = Deferred(Path(settings["OUTPUT_PATH"]))
    settings[MARKUP_MEMO] = LoadMemo.for_build(settings, "markup.pickle")
    settings[JINJA_BYTECODE] = template_bytecode(settings)
    settings.setdefault("JINJA_FILTERS", {}).update(filters.FILTERS)
    settings.setdefault("JINJA_GLOBALS", {}).update({"site": site, "BUILD_DATE": site.build_date})
    collector.long_lived()  # the model lives for the whole build


def on_generator_init(generator: Generator) -> None:
    """Every generator's templates are compiled once, not once per generator and build."""
    bytecode = generator.settings.get(JINJA_BYTECODE)
    if bytecode is not None:
        generator.env.bytecode_cache = bytecode


def on_readers_init(readers: Readers) -> None:
    """Markdown is read with the library's renderer (see reader.py)."""
    for extension in MarkdownReader.file_extensions:
        readers.reader_classes[extension] = MarkdownReader


def on_preread(generator: Generator) -> None:
    """With Pelican's content cache off (pelicanconf.py) and nothing loaded from it,
    Pelican still asked each file's modification time three times, to cache nothing:
    120,000 questions (2 s) in every national build. Where a cache holds nothing and
    keeps nothing, a file's stamp is not asked for."""
    for cacher in (generator, getattr(generator, "readers", None)):
        if not getattr(cacher, "_cache_data_policy", True) and not getattr(cacher, "_cache", 1):
            cacher._filestamp_func = _no_stamp  # type: ignore[union-attr]


def _no_stamp(filename: str) -> str:
    """The stamp of a file when nothing is cached: nothing to compare it with."""
    return ""


def on_article_context(generator: ArticlesGenerator, metadata: dict[str, Any]) -> None:
    """Give each update its URL: under its area for a team's update, /updates/ otherwise."""
    slug = metadata.get("slug")
    if not slug:
        return
    home = metadata.get("home_area")
    url = urls.update_url(str(home) if home else None, str(slug))
    metadata.setdefault("url", url)
    metadata.setdefault("save_as", urls.page_path(url))


def on_content_object(instance: Any) -> None:
    """Clean the HTML of every update and page against the allow-list (a pure function
    of the HTML, so answered from the last build's memory where the HTML is the same)."""
    settings = getattr(instance, "settings", None) or {}
    memo = settings.get(MARKUP_MEMO) or LoadMemo()
    content = getattr(instance, "_content", None)
    if content:
        instance._content = memo.remember("sanitise", content, lambda: sanitise(content))
    summary = instance.metadata.get("summary") if hasattr(instance, "metadata") else None
    if summary:
        text = str(summary)
        instance.metadata["summary"] = memo.remember("sanitise", text, lambda: sanitise(text))
        # Pelican keeps its own copy and writes it back over the metadata later.
        instance._summary = instance.metadata["summary"]


def on_articles_finalized(generator: ArticlesGenerator) -> None:
    """Link each update in the model to its page, and each page to its update.

    The model already knows every area's updates in order (the library indexed them
    when it loaded); templates and feeds need Pelican's pages of them, with the
    rendered content, so each ``UpdateInfo`` gets ``article`` and each article
    ``update`` (the one attribute the build adds to Pelican's objects).
    """
    site: Site = generator.settings["SITE_MODEL"]
    root = site.root
    # Pelican orders by date alone, so updates of the same moment would come in the order
    # the file system listed them: use the one order everywhere (the context shares these
    # lists, so every list page and feed follows).
    generator.articles.sort(key=newest_first_key, reverse=True)
    for _, articles in generator.categories:
        articles.sort(key=newest_first_key, reverse=True)
    # For each category, tag and author, Pelican picks its updates out of all of them by
    # asking whether each is in the group's list: for a national site's one author and
    # few categories, billions of comparisons (30 s of every build, growing with the
    # square). The same lists, asked through a set of their members, answer at once.
    generator.categories[:] = [(group, Members(items)) for group, items in generator.categories]
    generator.authors[:] = [(group, Members(items)) for group, items in generator.authors]
    for tag, items in list(generator.tags.items()):
        generator.tags[tag] = Members(items)
    # Pelican still picks out each author's and tag's updates when it writes no page of
    # them (an empty *_SAVE_AS): one membership test per update per author, 6 s at
    # national scale for pages it then does not write.
    if not generator.settings.get("AUTHOR_SAVE_AS"):
        generator.generate_authors = _writes_nothing  # type: ignore[method-assign]
    if not generator.settings.get("TAG_SAVE_AS"):
        generator.generate_tags = _writes_nothing  # type: ignore[method-assign]
    for article in generator.articles:
        rel = Path(os.path.relpath(article.source_path, root)).as_posix()
        info = site.updates.get(rel)
        if info is not None:
            info.article = article
            article.update = info
    collector.long_lived()  # Pelican's pages live until they are let go


def _writes_nothing(write: Any) -> None:
    """A generator step whose pages are not written (their address setting is empty)."""


class Members(list):  # type: ignore[type-arg]
    """A list of Pelican's updates whose ``in`` looks in a set of their identities.

    Pelican's updates are equal only to themselves (its ``Content`` defines no
    equality), so the answer is the list's own; the set is made again if the list's
    length changes.
    """

    def __init__(self, items: Any = ()) -> None:
        super().__init__(items)
        self._ids: set[int] = set()
        self._counted = -1

    def __contains__(self, item: object) -> bool:
        if self._counted != len(self):
            self._ids = {id(member) for member in self}
            self._counted = len(self)
        return id(item) in self._ids


def on_finalized(pelican: Pelican) -> None:
    """Render the pages still to make, on every core, before any other plugin reads them."""
    settings = pelican.settings
    cache, deferred = settings.get("BUILD_CACHE"), settings.get("BUILD_DEFERRED")
    if isinstance(cache, BuildCache) and isinstance(deferred, Deferred):
        cache.forget_digests()  # every page has its key by now
        run_deferred(cache, deferred, build_workers(settings))
    memo = settings.pop(MARKUP_MEMO, None)  # saved, and not needed after reading
    if isinstance(memo, LoadMemo):
        memo.save()


def get_writer(pelican: Pelican) -> type[Writer]:
    """Pages whose inputs did not change since the last good build are reused."""
    return CachingWriter


def get_generators(pelican: Pelican) -> type[Generator]:
    return NeighbourhoodsGenerator


class NeighbourhoodsGenerator(Generator):
    """Writes /neighbourhoods/, each area's page and list of updates, and /updates/."""

    def generate_context(self) -> None:
        self.site: Site = self.settings["SITE_MODEL"]
        self.context["site"] = self.site
        self.context["areas_by_name"] = self.site.areas_by_name()

    def _write(self, writer: Any, url: str, template: str, **context: Any) -> None:
        write_page(self, writer, url, template, **context)

    def write_a_to_z(self, writer: Writer) -> None:
        areas = self.site.areas_by_name()
        self._write(
            writer,
            urls.AREAS_URL,
            "areas",
            areas=areas,
            districts=filters.group_by_district(areas),
        )

    def write_area_page(self, writer: Writer, record: AreaRecord) -> None:
        latest = self.settings.get("AREA_LATEST_UPDATES", 5)
        self._write(
            writer,
            record.url,
            "area",
            area=record,
            upcoming_events=upcoming_events(record.events, self.site.build_date),
            priorities=filters.priorities_in_order(record.priorities),
            latest_updates=built_pages(record.updates[:latest]),
        )

    def write_area_updates(self, writer: Writer, record: AreaRecord) -> None:
        articles = built_pages(record.updates)
        self._write(
            writer,
            urls.area_updates_url(record.slug),
            "area_updates",
            paginated={"articles": articles},
            template_name="area_updates",
            area=record,
            articles=articles,
        )

    def write_all_updates(self, writer: Writer) -> None:
        articles = self.context["articles"]
        self._write(
            writer,
            urls.ALL_UPDATES_URL,
            "all_updates",
            paginated={"articles": articles},
            template_name="all_updates",
            articles=articles,
        )

    def generate_output(self, writer: Writer) -> None:
        self.write_a_to_z(writer)
        for record in self.site.areas.values():
            self.write_area_page(writer, record)
            self.write_area_updates(writer, record)
        self.write_all_updates(writer)
