"""The page types of a built site, each picked as its heaviest example (the worst case)."""

from __future__ import annotations

import re
from pathlib import Path

NOT_FOUND = "404.html"


def _largest(root: Path, paths: list[str]) -> str | None:
    return max(sorted(paths), key=lambda p: (root / p).stat().st_size, default=None)


def page_types(root: Path) -> dict[str, str]:
    """Page type -> the output-relative path of one page of that type."""
    html = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    area_pages = [p for p in html if re.fullmatch(r"neighbourhoods/[^/]+/index\.html", p)]
    area_lists = [p for p in html if re.fullmatch(r"neighbourhoods/[^/]+/updates/index\.html", p)]
    area_list_more = [
        p for p in html if re.fullmatch(r"neighbourhoods/[^/]+/updates/page/\d+/index\.html", p)
    ]
    updates = [
        p
        for p in html
        if re.fullmatch(r"(neighbourhoods/[^/]+/)?updates/(?!page/|category/)[^/]+/index\.html", p)
    ]
    categories = [p for p in html if re.fullmatch(r"updates/category/[^/]+/index\.html", p)]
    static = [
        p
        for p in html
        if re.fullmatch(r"[^/]+/index\.html", p)
        and p.split("/")[0] not in {"neighbourhoods", "updates"}
    ]
    types = {
        "home": "index.html",
        "a-to-z": "neighbourhoods/index.html",
        "area": _largest(root, area_pages),
        "update": _largest(root, updates),
        "area-updates": _largest(root, area_lists),
        "area-updates-page-2": _largest(root, area_list_more),
        "all-updates": "updates/index.html",
        "all-updates-page-2": "updates/page/2/index.html"
        if "updates/page/2/index.html" in html
        else None,
        "category": _largest(root, categories),
        "categories": "updates/category/index.html",
        "static-page": _largest(root, static),
        "not-found": NOT_FOUND,
    }
    return {name: path for name, path in types.items() if path is not None}


def url_path(rel: str) -> str:
    """/neighbourhoods/ for neighbourhoods/index.html."""
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


#: Where the development build is served (SITEURL in pelicanconf.py).
DEV_SITEURL = "http://localhost:8000"


def page_address(rel: str, siteurl: str = DEV_SITEURL) -> str:
    """The address a browser shows for the output file ``rel`` of a site at ``siteurl``."""
    return siteurl.rstrip("/") + url_path(rel)


def served(doc, rel: str, siteurl: str = DEV_SITEURL):
    """An lxml page with every link resolved as a browser would at the page's address.

    Pages link relatively (``../neighbourhoods/``), so what a link leads to depends on
    where the page is; tests that check where links go look at this.
    """
    doc.make_links_absolute(page_address(rel, siteurl), resolve_base_href=False)
    return doc


def served_page(output: Path, rel: str, siteurl: str = DEV_SITEURL):
    """The built page ``output/rel`` parsed with lxml, its links resolved at its address."""
    from lxml import html

    return served(html.fromstring((output / rel).read_bytes()), rel, siteurl)
