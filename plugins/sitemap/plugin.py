"""Collect written pages during the build; write sitemap.xml and robots.txt at the end."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pelican import Pelican, signals

from neighbourhood_policing.files import write_outputs
from neighbourhood_policing.incremental import unchanged

logger = logging.getLogger(__name__)

DEFAULT_EXCLUDE = ("404.html", "admin/index.html")  # the CMS is not a public page


@dataclass
class Sitemap:
    """The pages one build wrote: output-relative path -> lastmod (or None)."""

    output: Path
    siteurl: str
    exclude: frozenset[str]
    pages: dict[str, dt.date | None] = field(default_factory=dict)

    def add(self, path: str | os.PathLike[str], context: Mapping[str, Any] | None) -> None:
        rel = self._relative(os.fspath(path))
        if rel is None:
            return  # written by another build in the same process
        if not rel.endswith(".html") or rel in self.exclude:
            return
        self.pages[rel] = lastmod_for(context)

    def _relative(self, path: str) -> str | None:
        """The page's path in the output; by text first (a page is announced for every
        file written, so no look-ups on disk unless the path is not plainly inside)."""
        folder = str(self.output) + os.sep
        absolute = os.path.abspath(path)
        if not absolute.startswith(folder):
            absolute = os.path.realpath(path)
            if not absolute.startswith(folder):
                return None
        return absolute[len(folder) :].replace(os.sep, "/")

    def urls(self) -> list[tuple[str, dt.date | None]]:
        """Absolute URLs (index.html as its folder) with lastmod, sorted by URL."""
        entries = [(page_url(self.siteurl, rel), mod) for rel, mod in self.pages.items()]
        return sorted(entries)


def page_url(siteurl: str, rel: str) -> str:
    if rel == "index.html":
        path = ""
    elif rel.endswith("/index.html"):
        path = rel[: -len("index.html")]
    else:
        path = rel
    return f"{siteurl.rstrip('/')}/{path}"


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _newest(values: Iterable[Any]) -> dt.date | None:
    dates = [d for d in (_as_date(v) for v in values) if d is not None]
    return max(dates) if dates else None


def _content_date(obj: Any) -> dt.date | None:
    return _as_date(getattr(obj, "modified", None)) or _as_date(getattr(obj, "date", None))


def lastmod_for(context: Mapping[str, Any] | None) -> dt.date | None:
    """The date a page's content last changed, from content dates only (None if unknown).

    An update or page: its modified date, else its date. A list of updates: the newest
    update on it. An area page: the newest of its latest updates and its priorities'
    agreed and action dates.
    """
    if not context:
        return None
    if isinstance(context.get("lastmod"), dt.date):  # a writer that knows its page's date
        return _as_date(context["lastmod"])
    for key in ("article", "page"):
        obj = context.get(key)
        if obj is not None and hasattr(obj, "metadata"):
            return _content_date(obj)
    articles_page = context.get("articles_page")
    if articles_page is not None:
        return _newest(_content_date(a) for a in articles_page.object_list)
    area = context.get("area")
    if area is not None and hasattr(area, "priorities"):
        dates: list[Any] = [_content_date(a) for a in context.get("latest_updates") or []]
        for priority in area.priorities:
            dates.append(priority.agreed)
            dates.extend(action.date for action in priority.actions)
        return _newest(dates)
    return None


def render_sitemap(urls: Iterable[tuple[str, dt.date | None]]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for url, lastmod in urls:
        mod = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{escape(url)}</loc>{mod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def render_robots(siteurl: str) -> str:
    return (
        "# Every page may be indexed; the sitemap lists them all.\n"
        "User-agent: *\n"
        "Allow: /\n"
        "\n"
        f"Sitemap: {siteurl.rstrip('/')}/sitemap.xml\n"
    )


_current: Sitemap | None = None


def on_initialized(pelican: Pelican) -> None:
    global _current
    settings = pelican.settings
    _current = Sitemap(
        output=Path(settings["OUTPUT_PATH"]).resolve(),
        siteurl=settings.get("SITEURL") or "",
        exclude=frozenset(settings.get("SITEMAP_EXCLUDE", DEFAULT_EXCLUDE)),
    )


def on_content_written(path: str, context: Mapping[str, Any] | None = None) -> None:
    if _current is not None:
        _current.add(path, context)


def on_finalized(pelican: Pelican) -> None:
    global _current
    sitemap, _current = _current, None
    if sitemap is None:
        return
    if not sitemap.siteurl.startswith(("http://", "https://")):
        logger.warning(
            "SITEURL is %r: sitemap.xml needs full addresses; set SITEURL in publishconf.py "
            "to the site's address, e.g. https://neighbourhoods.example.police.uk",
            sitemap.siteurl,
        )
    files = [
        ("sitemap.xml", render_sitemap(sitemap.urls())),
        ("robots.txt", render_robots(sitemap.siteurl)),
    ]
    write_outputs(sitemap.output, unchanged(pelican.settings, files), _announce)


def _announce(path: str) -> None:
    logger.info('Writing "%s"', path)
    signals.content_written.send(path, context={})
