"""Markdown to HTML with pyromark (pulldown-cmark, in Rust): the one renderer for updates,
pages and Markdown in YAML fields.

CommonMark with the extensions editors use: tables, footnotes, strikethrough,
definition lists, heading attributes and smart punctuation (curly quotes and dashes).
Headings get ids as Python-Markdown's table of contents made them (its ``slugify`` and
``unique``), so links to a section keep working; Pelican's ``{filename}``-style link
placeholders survive pulldown-cmark's URL escaping. The result is not safe yet:
``markup.sanitise`` cleans it against the allow-list, as it did Python-Markdown's.

It is about a hundred times faster than Python-Markdown with the same extensions, which
made reading Markdown the largest part of a build (docs/architecture.md, "Build speed").
"""

from __future__ import annotations

import html
import re

import pyromark
from markdown.extensions.toc import slugify, unique

OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_DEFINITION_LIST
    | pyromark.Options.ENABLE_HEADING_ATTRIBUTES
    | pyromark.Options.ENABLE_SMART_PUNCTUATION
)

_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
#: Pelican's link placeholders, which pulldown-cmark percent-encodes in URLs.
_PLACEHOLDER = re.compile(
    r'((?:href|src)=")(?:%7B|\{)(static|attach|filename|tag|category|author|index)(?:%7D|\})'
)


def _with_heading_ids(markup: str) -> str:
    used: set[str] = set()

    def add_id(match: re.Match[str]) -> str:
        level, inner = match.groups()
        ident = unique(slugify(html.unescape(_TAG.sub("", inner)), "-"), used)
        return f'<h{level} id="{ident}">{inner}</h{level}>'

    return _HEADING.sub(add_id, markup)


def to_html(text: str) -> str:
    """Markdown as (not yet sanitised) HTML."""
    markup = pyromark.html(text, options=OPTIONS)
    return _with_heading_ids(_PLACEHOLDER.sub(r"\1{\2}", markup)).strip()
