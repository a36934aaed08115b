"""Turning updates into RSS 2.0 and Atom documents with feedgen.

Pure functions of their input: the same updates and settings always give the
same bytes. Dates come from the content (an update's date and ``modified``);
feedgen's defaults that read the clock (``lastBuildDate``, ``updated``) are
always overridden.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import lxml.html
from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from neighbourhood_policing.files import SettingsError, site_domain
from neighbourhood_policing.files import absolute_url as absolute
from neighbourhood_policing.markup import plain_text
from neighbourhood_policing.rules import newest_first_key
from neighbourhood_policing.site import UpdateInfo

#: Used for the ``updated`` date of a feed that has no entries and a site with no updates
#: at all, so that such a feed is still reproducible.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

#: Attributes holding a single URL, per element; ``srcset`` is handled on its own.
_URL_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "img": ("src", "longdesc"),
    "source": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "blockquote": ("cite",),
    "q": ("cite",),
    "del": ("cite",),
    "ins": ("cite",),
}


class FeedSettingsError(SettingsError):
    """A setting makes it impossible to write valid feeds; the message says which to fix."""


def content_for_feed(update: Any, siteurl: str) -> str:
    """An update's HTML with its ``{filename}`` links made from the full SITEURL.

    ``update.content`` makes them relative to whichever page Pelican wrote last (with
    RELATIVE_URLS, ``../../contact/``), which a feed reader would resolve wrongly.
    """
    get_content = getattr(update, "get_content", None)
    if callable(get_content):
        return str(get_content(siteurl) or "")
    return str(getattr(update, "content", "") or "")


def make_links_absolute(html: str, base_url: str) -> str:
    """Rewrite every link and image URL in an HTML fragment against ``base_url``.

    Parsed with lxml's HTML parser (never patterns over the text), so only real
    attributes change; ``mailto:``, ``tel:`` and full URLs are left as they are.
    """
    if not html or not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        for name in _URL_ATTRIBUTES.get(element.tag, ()):
            value = element.get(name)
            if value is not None:
                element.set(name, urljoin(base_url, value.strip()))
        srcset = element.get("srcset")
        if srcset is not None:
            element.set("srcset", _absolute_srcset(srcset, base_url))
    text = lxml.html.tostring(root, encoding="unicode", method="html")
    # The wrapper is exactly "<div>" … "</div>": it was created without attributes.
    return text[len("<div>") : -len("</div>")]


def _absolute_srcset(srcset: str, base_url: str) -> str:
    candidates = []
    for candidate in srcset.split(","):
        parts = candidate.split()
        if parts:
            candidates.append(" ".join([urljoin(base_url, parts[0]), *parts[1:]]))
    return ", ".join(candidates)


def tag_uri(domain: str, published: dt.datetime, path: str) -> str:
    """A stable entry id (RFC 4151): the site's domain, the year first published, the path.

    It does not change when an update is edited; only moving or renaming the
    file (which changes its web address too) gives a new id.
    """
    return f"tag:{domain},{published.year:04d}:/{path.lstrip('/')}"


@dataclass(frozen=True)
class Author:
    name: str
    email: str


@dataclass
class FeedSpec:
    """What one feed (both formats) says about itself, and its updates."""

    rss_path: str
    atom_path: str
    title: str
    description: str
    page_url: str  # absolute: the page the feed stands for
    updates: Sequence[Any]


def newest_first(updates: Iterable[Any], limit: int | None) -> list[Any]:
    """Newest first; ties broken by URL so that the order never depends on file order."""
    ordered = sorted(updates, key=newest_first_key, reverse=True)
    return ordered if limit is None else ordered[:limit]


def updated_of(update: Any) -> dt.datetime:
    modified = getattr(update, "modified", None)
    return modified if modified is not None and modified > update.date else update.date


class FeedWriter:
    """Builds feeds for one site; entries are made once and shared by every feed."""

    def __init__(
        self,
        *,
        siteurl: str,
        sitename: str,
        force_name: str,
        contact_email: str,
        language: str,
        categories_path: str,
        icon_path: str | None = None,
    ) -> None:
        self.siteurl = siteurl.rstrip("/")
        self.domain = site_domain(siteurl)
        self.sitename = sitename
        self.force_name = force_name
        self.force_author = Author(force_name, contact_email)
        self.language = language
        self.category_scheme = absolute(self.siteurl, categories_path)
        self.icon = absolute(self.siteurl, icon_path) if icon_path else None
        self._entries: dict[str, FeedEntry] = {}

    def author_of(self, update: Any) -> Author:
        """The team whose folder holds the update; the force for everything else."""
        info: UpdateInfo | None = getattr(update, "update", None)  # tests pass bare updates
        home = info.home_record if info is not None else None
        if home is not None:
            return Author(f"{home.name} neighbourhood team", home.area.contact.email)
        return self.force_author

    def entry(self, update: Any) -> FeedEntry:
        cached = self._entries.get(update.url)
        if cached is not None:
            return cached
        url = absolute(self.siteurl, update.url)
        author = self.author_of(update)
        entry = FeedEntry()
        entry.id(tag_uri(self.domain, update.date, update.url))
        entry.title(plain_text(update.title) or update.url)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.author(name=author.name, email=author.email)
        entry.published(update.date)
        entry.updated(updated_of(update))
        category = update.category
        entry.category(term=category.name, label=category.name, scheme=self.category_scheme)
        summary = plain_text(getattr(update, "summary", None))
        if summary:
            # RSS readers treat <description> as HTML: escape the plain text for them.
            entry.summary(html.escape(summary, quote=False), type="html")
        content = make_links_absolute(content_for_feed(update, self.siteurl), url)
        if content:
            entry.content(content, type="html")
        self._entries[update.url] = entry
        return entry

    def render(self, spec: FeedSpec, fallback_updated: dt.datetime) -> tuple[bytes, bytes]:
        """(RSS, Atom) for one feed."""
        entries = [self.entry(u) for u in spec.updates]
        newest = max((updated_of(u) for u in spec.updates), default=fallback_updated)
        rss_url = absolute(self.siteurl, spec.rss_path)
        atom_url = absolute(self.siteurl, spec.atom_path)
        feed = FeedGenerator()
        feed.id(atom_url)
        feed.title(spec.title)
        feed.description(spec.description)  # RSS description and Atom subtitle
        feed.language(self.language)
        feed.docs("https://www.rssboard.org/rss-specification")
        feed.author(name=self.force_author.name, email=self.force_author.email)
        feed.rights(f"© {self.force_name}. Open Government Licence v3.0.")
        if self.icon:
            feed.icon(self.icon)
        feed.updated(newest)  # also lastBuildDate: from the content, never the clock
        for entry in entries:
            feed.add_entry(entry, order="append")
        # feedgen takes RSS's channel <link> from the last link given: keep the page last.
        alternate = {"href": spec.page_url, "rel": "alternate", "type": "text/html"}
        feed.link(
            [{"href": atom_url, "rel": "self", "type": "application/atom+xml"}, alternate],
            replace=True,
        )
        atom = feed.atom_str(pretty=True, xml_declaration=True, encoding="UTF-8")
        feed.link(
            [{"href": rss_url, "rel": "self", "type": "application/rss+xml"}, alternate],
            replace=True,
        )
        rss = feed.rss_str(pretty=True, xml_declaration=True, encoding="UTF-8")
        return rss, atom
