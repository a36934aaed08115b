"""Markdown to HTML, cleaned against an allow-list before it reaches a template.

``commonmark.to_html`` (pyromark) renders; nh3 (the Rust ammonia sanitiser) removes everything not
on the allow-list: scripts, event handlers, iframes, objects, forms, inline
styles and any URL scheme other than http, https, mailto and tel (so no
``javascript:``, ``vbscript:`` or ``data:`` URLs). Images may only come from the
site itself: an image from another website would tell that website who reads
our pages (and the Content-Security-Policy would block it anyway).

Ids written by editors (or made by the Markdown table of contents) are moved
into their own namespace (``md-``), and same-page ``#fragment`` links are
rewritten to match, so that content can never take over an id the theme uses
(``main`` for the skip link, ``contact``, ``priorities`` …).
"""

from __future__ import annotations

import html as html_entities
import re
from collections.abc import Callable
from functools import lru_cache

import nh3
from markupsafe import Markup

from .commonmark import to_html

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "dl",
        "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
        "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
        "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr",
        "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "ol": {"start"},
    "*": {"id", "lang"},
}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
#: Every id that comes from content starts with this, so it never clashes with the theme's.
ID_PREFIX = "md-"
_ID_CHARS = re.compile(r"[^A-Za-z0-9_-]+")
_OFF_SITE = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9+.-]*:|//|\\\\)")


def _content_id(value: str) -> str:
    value = value if not value.startswith(ID_PREFIX) else value[len(ID_PREFIX) :]
    return ID_PREFIX + _ID_CHARS.sub("-", value).strip("-")


_ID_ATTRIBUTE = re.compile(r"""\bid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def _attribute_filter(own_ids: set[str]) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return _content_id(value) if value.strip() else None
        if tag == "a" and attribute == "href" and value.startswith("#") and len(value) > 1:
            # A link to an id in this same content follows it into the namespace; a link
            # to one of the page's own sections (#priorities, #main) is left alone.
            target = html_entities.unescape(value[1:])
            return "#" + _content_id(target) if target in own_ids else value
        if tag == "img" and attribute == "src" and _OFF_SITE.match(value):
            return None  # no third-party requests: images come from the site itself
        return value

    return keep


def sanitise(html: str) -> str:
    """Clean HTML against the allow-list; links get rel="noopener noreferrer"."""
    own_ids = {
        next(g for g in match.groups() if g is not None) for match in _ID_ATTRIBUTE.finditer(html)
    }
    own_ids |= {_content_id(i) for i in own_ids}
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_attribute_filter(own_ids),
    )


@lru_cache(maxsize=16384)
def _render(text: str) -> str:
    return sanitise(to_html(text))


def render_markdown(text: str | None) -> Markup:
    """Markdown from a YAML field as safe HTML (empty for None)."""
    if not text:
        return Markup("")
    return Markup(_render(text))


def plain_text(value: str | None) -> str:
    """Text with any HTML tags removed, for titles, feeds and calendars."""
    if not value:
        return ""
    return html_entities.unescape(nh3.clean(value, tags=set(), attributes={})).strip()
