"""Pelican plugin: site search with Pagefind.

* A generator writes the search page, ``/search/``, from ``search.html`` (the form's
  area, type and category lists come from the site model).
* On ``finalized``, when every page has been written and before the checks run,
  Pagefind (through its Python API, no Node.js) indexes the output folder and the
  priorities and events of the site model (``neighbourhoods.search``), and writes its
  bundle into ``/pagefind/``. Each file of it is announced with ``content_written``.

Templates see ``SEARCH_PAGE_URL`` (``search/``; undefined when this plugin is off, so
the header search box disappears with it) and the function ``search_sort_key``.
"""

from __future__ import annotations

import logging
from typing import Any

from pelican import signals
from pelican.generators import Generator

from neighbourhood_policing.files import SettingsError
from neighbourhood_policing.search import SEARCH_PAGE, TYPES, site_records, sort_key, write_index

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
        )


def get_generators(pelican: Any) -> type[Generator]:
    return SearchGenerator


def on_finalized(pelican: Any) -> None:
    """Index the finished output and write /pagefind/ into it."""
    site = pelican.settings.get("SITE_MODEL")
    if site is None:
        return
    try:
        result = write_index(pelican.output_path, site_records(site))
    except Exception as exc:  # Pagefind runs as a separate program; say what failed
        raise SearchIndexError(
            f"search index: Pagefind could not index {pelican.output_path} ({exc}). "
            "Check that pagefind[bin] is installed (make setup)."
        ) from exc
    for path in result.files:
        signals.content_written.send(str(path), context={})
    logger.info(
        "Search: indexed %d pages and %d priorities and events (%d KB of index)",
        result.pages,
        result.records,
        result.size // 1024,
    )


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(on_finalized)
