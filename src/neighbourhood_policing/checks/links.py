"""The link checker: every link inside the built site must lead somewhere.

It reads every HTML page, feed (Atom, RSS), sitemap, calendar (.ics) and
stylesheet in the output and checks each internal link, image, script,
stylesheet and ``#fragment``: the file must exist and, for a fragment into an
HTML page, that page must have an element with that id. Links to other sites
are not fetched (the build works offline); ``javascript:``, ``vbscript:`` and
``data:`` URLs are always reported, because nothing we publish should use them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from ..problems import Problem
from .output import Output

#: Schemes that are never fetched or checked: they leave the site by design.
EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel", "sms", "webcal", "geo"}
#: Schemes that must never appear in anything we publish.
FORBIDDEN_SCHEMES = {"javascript", "vbscript", "data", "file"}
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")
CHECKED_SUFFIXES = {".html", ".htm", ".xml", ".atom", ".rss", ".ics", ".css"}


def _fragment(url: str) -> str:
    return unquote(urlsplit(url.strip()).fragment)


def check_links(output: Output, files: Iterable[str] | None = None) -> list[Problem]:
    """Every broken internal link in ``files`` (default: every checked file in the output)."""
    problems: list[Problem] = []
    names = [f for f in (files or output.files()) if Path(f).suffix.lower() in CHECKED_SUFFIXES]
    for rel in names:
        for link in map(PlannedLink._make, _plan(output, rel)):
            message = link.message or _target_problem(output, rel, link)
            if message:
                problems.append(Problem(rel, _line_of(output, rel, link.url), None, message))
    return problems


class PlannedLink(NamedTuple):
    """One link of a file, as far as the file alone decides: a problem it has in itself
    (``message``), or the site path it leads to (``path``; None for another site).

    Kept as a plain tuple, the same tuple for the same link on every page (a page's
    stylesheet, its menu, its breadcrumbs): a national site has millions of links but
    few different ones, so the memory of them stays small, in the build and between
    builds. The line a link is on is found again only for a link with a problem.
    """

    url: str
    message: str | None
    path: str | None
    fragment: str


def _line_of(output: Output, rel: str, url: str) -> int | None:
    """The line of the first link to ``url`` in the file (parsed again: only a broken
    link needs it)."""
    return next((link.line for link in output.links(rel) if link.url == url), None)


def _plan(output: Output, rel: str) -> list[tuple[Any, ...]]:
    """The file's links, resolved once per content (kept in the output's memory)."""
    key = (rel, output.content_hash(rel))
    plans = output.memory.plans
    if key not in plans:
        planned: list[tuple[Any, ...]] = []
        seen: set[str] = set()
        for link in output.links(rel):
            if link.url in seen:
                continue
            seen.add(link.url)
            message = _link_problem(output, link.url)
            path = None if message else _site_path(output, rel, link.url)
            made = (link.url, message, path, _fragment(link.url))
            planned.append(output.shared.setdefault(made, made))
        plans[key] = tuple(planned)
        output.forget_links(rel)
    return plans[key]


def _site_path(output: Output, rel: str, url: str) -> str | None:
    if url.strip().startswith("//"):
        return None  # another host, protocol-relative
    if _SCHEME.match(url):
        inside = bool(output.siteurl) and (
            url == output.siteurl or url.startswith(output.siteurl + "/")
        )
        if not inside:
            return None
    return output.site_path(url, rel)


def _link_problem(output: Output, url: str) -> str | None:
    """What is wrong with a link whatever else the site holds, or None."""
    if url.startswith("!invalid-xml"):
        return f"is not well-formed XML ({url.split(' ', 1)[1]})"
    scheme = _SCHEME.match(url)
    if scheme:
        name = scheme.group(1).lower()
        if name in FORBIDDEN_SCHEMES:
            return f"uses a {name}: URL ({url[:60]}); nothing we publish may use one"
        inside = bool(output.siteurl) and (
            url == output.siteurl or url.startswith(output.siteurl + "/")
        )
        if name in EXTERNAL_SCHEMES and not inside:
            return None
        if name not in EXTERNAL_SCHEMES:
            return f"uses an unexpected {name}: URL ({url[:60]})"
    if url.strip().startswith("//"):
        return None
    if "{filename}" in url or "{static}" in url or "{attach}" in url:
        return f"links to '{url}': Pelican could not find the file it names"
    return None


def _target_problem(output: Output, rel: str, link: PlannedLink) -> str | None:
    """Whether the file or fragment a link leads to is in the built site."""
    if link.path is None:
        return None
    target = output.page_for(link.path)
    if not output.is_file(target):
        return f"links to '{link.url}', but the built site has no {target}"
    fragment = link.fragment
    checkable = fragment and not fragment.startswith(":~:") and target.endswith((".html", ".htm"))
    if checkable and fragment not in output.document(target).ids:
        where = "this page" if target == rel else target
        return f"links to '{link.url}', but {where} has no element with id '{fragment}'"
    return None


def check_output(folder: Path | str, siteurl: str = "") -> list[Problem]:
    """Check every link in a built site folder."""
    return check_links(Output(folder, siteurl))
