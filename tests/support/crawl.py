"""A link checker that works over HTTP, as a visitor's browser does.

It starts at one address (the site's home page, at whatever host, port and folder it is
served from) and follows every same-origin link and asset a page names: ``href``,
``src``, ``srcset``, ``action``, ``<link>``, ``url()`` in stylesheets, and the files the
site's scripts fetch (the postcode lookup's shards and boundaries, the Pagefind bundle),
which no attribute names. Pages are parsed with lxml.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import html as lxml_html

_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
#: The outward code in a postcode district page's address (lookup/SY8/).
_DISTRICT = re.compile(r"/lookup/([A-Z0-9]+)/$")


@dataclass
class Crawl:
    """What a crawl found: every address fetched, and what went wrong."""

    start: str
    fetched: dict[str, int] = field(default_factory=dict)  # address -> HTTP status
    referrers: dict[str, set[str]] = field(default_factory=dict)  # address -> pages naming it
    links: int = 0  # same-origin references followed (one per attribute)
    outside: list[tuple[str, str]] = field(default_factory=list)  # (page, address) above the site
    pages: dict[str, bytes] = field(default_factory=dict)  # HTML pages by address

    @property
    def broken(self) -> list[tuple[str, int, list[str]]]:
        return sorted(
            (url, status, sorted(self.referrers.get(url, ())))
            for url, status in self.fetched.items()
            if status != 200
        )


def fetch(url: str) -> tuple[int, str, bytes]:
    """(status, content type, body) of a GET; errors are answers, not exceptions."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def _srcset(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def references(page_url: str, body: bytes) -> list[str]:
    """Every address an HTML page names or makes its scripts fetch, resolved at ``page_url``."""
    doc = lxml_html.fromstring(body)
    found = [link for _element, _attribute, link, _pos in doc.iterlinks()]
    for value in doc.xpath("//@srcset"):
        found += _srcset(value)
    resolved = [urljoin(page_url, link) for link in found]
    # The postcode box: lookup.js resolves data-site against the page, then fetches
    # lookup/areas.json ("Use my location") and lookup/<OUTWARD>.json below it.
    for site in doc.xpath("//form[contains(@class, 'postcode-lookup')]/@data-site"):
        resolved.append(urljoin(urljoin(page_url, site), "lookup/areas.json"))
    district = _DISTRICT.search(urlsplit(page_url).path)
    if district:
        resolved.append(urljoin(page_url, f"../{district.group(1)}.json"))
    # The search page: search.js loads pagefind/pagefind.js from two folders above itself.
    for src in doc.xpath("//script/@src"):
        script = urljoin(page_url, src)
        if urlsplit(script).path.endswith("/js/search.js"):
            root = urljoin(script, "../../")
            resolved += [urljoin(root, "pagefind/pagefind.js"),
                         urljoin(root, "pagefind/pagefind-entry.json")]  # fmt: skip
    return resolved


def crawl(start: str, also: tuple[str, ...] = ()) -> Crawl:
    """Fetch ``start`` and everything below its folder it leads to, once each.

    ``also``: addresses relative to ``start`` that no page links to but a visitor still
    reaches (the pages a form service sends residents back to).
    """
    parts = urlsplit(start)
    origin = f"{parts.scheme}://{parts.netloc}"
    folder = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    result = Crawl(start)
    queue = [start, *(urljoin(start, extra) for extra in also)]
    while queue:
        url = queue.pop()
        if url in result.fetched:
            continue
        status, kind, body = fetch(url)
        result.fetched[url] = status
        if status != 200:
            continue
        if kind.startswith("text/html"):
            result.pages[url] = body
            found = references(url, body)
        elif kind.startswith("text/css"):
            found = [urljoin(url, m) for m in _CSS_URL.findall(body.decode("utf-8"))]
        else:
            continue
        for target in found:
            target = urldefrag(target).url
            if not target.startswith(origin + "/"):
                continue  # another site, mailto:, data:
            if not urlsplit(target).path.startswith(folder):
                result.outside.append((url, target))
                continue
            result.links += 1
            result.referrers.setdefault(target, set()).add(url)
            if target not in result.fetched:
                queue.append(target)
    return result
