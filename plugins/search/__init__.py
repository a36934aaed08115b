"""Pelican plugin: site search with Pagefind.

* A generator writes the search page, ``/search/``, from ``search.html`` (the form's
  area, type and category lists come from the site model).
* When every page has been written, Pagefind (its own program, no Node.js) indexes the
  output folder and the priorities and events of the site model, in shards by area
  (``neighbourhood_policing.search_bundle``; unchanged shards come from the build
  cache). In a build through ``tools.build`` it starts once Pelican's run has let go of
  its pages (its memory does not stack on theirs) and runs while the build's checks do
  (they read the pages, it the bundle), through ``AFTER_PELICAN``; when Pelican runs
  alone, on ``finalized``. The bundle goes into ``/pagefind/``; each file of
  it is announced with ``content_written``.

Templates see ``SEARCH_PAGE_URL`` (``search/``; undefined when this plugin is off, so
the header search box disappears with it) and the function ``search_sort_key``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from neighbourhood_policing.files import SettingsError
from neighbourhood_policing.incremental import BuildCache, enabled
from neighbourhood_policing.search import BUNDLE_DIR, SEARCH_PAGE, TYPES, site_records, sort_key
from neighbourhood_policing.search_bundle import (
    AREAS_PER_SHARD,
    PendingIndex,
    shard_count,
    shard_folder,
    shard_numbers,
    start_index,
)
from neighbourhood_policing.settings import AFTER_PELICAN, build_workers

__all__ = ["register"]

logger = logging.getLogger(__name__)


class SearchIndexError(SettingsError):
    """Pagefind could not index the site (reported like a settings problem)."""


def on_initialized(pelican: Any) -> None:
    settings = pelican.settings
    jinja_globals = settings.setdefault("JINJA_GLOBALS", {})
    jinja_globals["SEARCH_PAGE_URL"] = f"{SEARCH_PAGE}/"
    jinja_globals["search_sort_key"] = sort_key


class SearchGenerator(Generator):
    """Writes the search page."""

    def generate_output(self, writer: Any) -> None:
        site = self.settings["SITE_MODEL"]
        shards = shard_numbers(site.areas, _count(self.settings))
        writer.write_file(
            f"{SEARCH_PAGE}/index.html",
            self.get_template("search"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=f"{SEARCH_PAGE}/",
            page_name=f"{SEARCH_PAGE}/index",
            search_areas=site.areas_by_name(),
            search_types=TYPES,
            search_categories=sorted(c.name for c, _ in self.context.get("categories", [])),
            search_shards=[shard_folder(n) for n in shards[1:]],
        )


def _count(settings: dict[str, Any]) -> int:
    """How many shards the index has (SEARCH_AREAS_PER_SHARD areas in each)."""
    site = settings["SITE_MODEL"]
    per_shard = int(settings.get("SEARCH_AREAS_PER_SHARD") or AREAS_PER_SHARD)
    return shard_count(len(site.areas), per_shard)


def get_generators(pelican: Any) -> type[Generator]:
    return SearchGenerator


def on_finalized(pelican: Any) -> None:
    """Index the finished output and write /pagefind/ into it: at once, or, in a build
    that runs its checks after Pelican (``tools.build``), once Pelican's run has let go
    of its pages and while the checks run."""
    site = pelican.settings.get("SITE_MODEL")
    if site is None:
        return
    # Shards made before are reused from the build cache, as pages are (not when the
    # build is told to be cold: INCREMENTAL = False or NO_BUILD_CACHE).
    cache_dir = pelican.settings.get("BUILD_CACHE_DIR") if enabled(pelican.settings) else None
    cache = pelican.settings.get("BUILD_CACHE")
    outputs = cache.outputs if isinstance(cache, BuildCache) else None
    output = pelican.output_path
    count = _count(pelican.settings)
    workers = build_workers(pelican.settings)

    def start() -> Callable[[], list[str]]:
        try:
            pending = start_index(
                output,
                site_records(site),
                count=count,
                cache=Path(cache_dir) / "search" if cache_dir else None,
                workers=workers,
                outputs=outputs,
            )
        except Exception as exc:
            raise _failed(output, exc) from exc
        return lambda: _finish(pending, output)

    later = pelican.settings.get(AFTER_PELICAN)
    if isinstance(later, list):
        if outputs is not None:
            outputs.retain(BUNDLE_DIR)  # the record is let go of before the bundle is placed
        later.append(start)
    else:
        start()()


def _finish(pending: PendingIndex, output: str) -> list[str]:
    """Wait for Pagefind and put the bundle in place; the files written."""
    try:
        result = pending.finish()
    except Exception as exc:
        raise _failed(output, exc) from exc
    for path in result.files:
        signals.content_written.send(str(path), context={})
    logger.info(
        "Search: %d pages and %d priorities and events in %d shards, %d indexed now "
        "(%d KB of index)",
        result.pages,
        result.records,
        result.shards,
        result.indexed_shards,
        result.size // 1024,
    )
    return result.written


def _failed(output: str, exc: Exception) -> SearchIndexError:
    """Pagefind runs as a separate program: say what failed."""
    return SearchIndexError(
        f"search index: Pagefind could not index {output} ({exc}). "
        "Check that pagefind[bin] is installed (make setup)."
    )


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(on_finalized)
