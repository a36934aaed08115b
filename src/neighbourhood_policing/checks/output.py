"""Reading the built site: the links and ids in every HTML page, feed, calendar and sheet.

Each file is parsed once, on first use, and kept: the link checker and the
"nothing lost" check ask the same questions of the same pages.
"""

from __future__ import annotations

import hashlib
import pickle
import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html

from ..outputs import NewSite

#: Attributes that hold a URL the browser will follow or load.
URL_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "form": ("action",),
    "object": ("data",),
    "embed": ("src",),
}
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_CSS_IMPORT = re.compile(r"@import\s+['\"]([^'\"]+)['\"]")


@dataclass
class Link:
    url: str
    line: int | None
    tag: str = ""


@dataclass
class Document:
    """What one output file contains: the ids it defines and the links it makes."""

    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    h1: str = ""
    #: False for a document kept between builds without its links (``slim``): what
    #: the links were resolved to is in the memory's plans; ``Output.links`` parses
    #: the file again if the links themselves are wanted.
    complete: bool = True

    def slim(self) -> Document | None:
        """This document without its links, for keeping (itself when it has none kept);
        None when nothing is left."""
        if not self.ids and not self.h1:
            return None
        return Document(self.ids, [], self.h1, complete=False) if self.complete else self


def _add_url_attributes(document: Document, element: Any, tag: str) -> None:
    for name in URL_ATTRIBUTES.get(tag, ()):
        value = element.get(name)
        if value is None:
            continue
        if name == "srcset":
            for candidate in value.split(","):
                url = candidate.strip().split(" ")[0]
                if url:
                    document.links.append(Link(url, element.sourceline, tag))
        else:
            document.links.append(Link(value, element.sourceline, tag))


def parse_html(text: str) -> Document:
    """Ids, links (with their lines) and the first h1 of an HTML page or fragment.

    Parsed with lxml (libxml2's HTML parser, in C): the link checker reads every
    page of the site, so at national scale this is most of its time.
    """
    document = Document()
    if not text.strip():
        return document
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return document
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue  # comments and processing instructions
        element_id = element.get("id")
        if element_id is not None:
            document.ids.add(element_id)
        if tag == "a" and element.get("name") is not None:
            document.ids.add(element.get("name"))
        if tag in URL_ATTRIBUTES:
            _add_url_attributes(document, element, tag)
        if tag == "h1" and not document.h1:
            document.h1 = " ".join(element.text_content().split())
    return document


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_xml(text: str) -> Document:
    """Atom, RSS and sitemaps: links, and the links inside HTML content."""
    document = Document()
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        document.links.append(Link(f"!invalid-xml {exc}", line))
        return document
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in root.iter():
        name = _local(element.tag)
        parent = parents.get(element)
        in_item = parent is not None and _local(parent.tag) in {"item", "entry"}
        if name == "link":
            href = element.get("href")
            if href:
                document.links.append(Link(href, None, "link"))
            elif element.text and element.text.strip():
                document.links.append(Link(element.text.strip(), None, "link"))
        elif name in {"loc", "icon", "logo"} and element.text:
            document.links.append(Link(element.text.strip(), None, name))
        elif name == "enclosure" and element.get("url"):
            document.links.append(Link(element.get("url", ""), None, name))
        elif (
            name in {"content", "summary", "description", "encoded"}
            and (element.get("type") == "html" or (name in {"description", "encoded"} and in_item))
            and "<" in (element.text or "")
        ):
            for link in parse_html(element.text or "").links:
                document.links.append(Link(link.url, None, f"{name} {link.tag}"))
    return document


def parse_ics(text: str) -> Document:
    """iCalendar: every URL property (lines unfolded first)."""
    document = Document()
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    for number, row in enumerate(unfolded.splitlines(), start=1):
        name, _, value = row.partition(":")
        if name.split(";")[0].upper() in {"URL", "ATTACH"} and value:
            document.links.append(Link(value.strip(), number, "URL"))
    return document


def parse_css(text: str) -> Document:
    document = Document()
    for number, row in enumerate(text.splitlines(), start=1):
        for pattern in (_CSS_URL, _CSS_IMPORT):
            for match in pattern.finditer(row):
                document.links.append(Link(match.group(1).strip(), number, "css"))
    return document


PARSERS = {
    ".html": parse_html,
    ".htm": parse_html,
    ".xml": parse_xml,
    ".atom": parse_xml,
    ".rss": parse_xml,
    ".ics": parse_ics,
    ".css": parse_css,
}


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


def decode(data: bytes) -> str:
    """A file's text as the checks read it: UTF-8 (anything else replaced), with
    universal newlines, as ``Path.read_text`` gives it."""
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class ParseMemory:
    """What earlier checks learnt of files, by their bytes: a file parsed once is never
    parsed again while its content is the same (``tools.build`` keeps it between builds,
    so a rebuild parses only the files that changed)."""

    documents: dict[str, Document] = field(default_factory=dict)
    #: (file, content hash) -> the site paths its links point at.
    linked: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    #: (file, content hash) -> its links as far as the file alone decides (links.py).
    plans: dict[tuple[str, str], tuple[Any, ...]] = field(default_factory=dict)
    #: file -> content hash, for the output being checked now.
    file_hashes: dict[str, str] = field(default_factory=dict)

    def dump(self, stream: BinaryIO, stamp: str) -> None:
        """Write what describes the files of the output just checked (nothing else, so
        the memory never grows stale) to ``stream``, for ``load`` to read back.

        Written as a run of small pickles, a few thousand files each, never the whole
        memory at once: a pickler remembers every object it has written (so that shared
        ones are written once), and for a national site's millions of planned links
        that memory was the peak of the build. Files go in order of their path, so a
        link that only one area's pages share is written once, in their run; the few
        links every page has are written once a run. ``linked`` is not kept: it is
        worked out again from the plans when it is asked for.
        """

        def part(value: Any) -> None:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)

        part({"version": MEMORY_VERSION, "stamp": stamp})
        plans, documents = self._kept()
        for start in range(0, len(plans), _PART):
            part([(rel, sha, self.plans[(rel, sha)]) for rel, sha in plans[start : start + _PART]])
        part(None)
        for start in range(0, len(documents), _PART):
            slim = ((sha, self.documents[sha].slim()) for sha in documents[start : start + _PART])
            part([(sha, doc.ids, doc.h1) for sha, doc in slim if doc is not None])
        part(None)

    def _kept(self) -> tuple[list[tuple[str, str]], list[str]]:
        """The plans and documents that describe files of the output just checked."""
        hashes = self.file_hashes
        plans = sorted(key for key in self.plans if hashes.get(key[0]) == key[1])
        kept = set(hashes.values())
        return plans, sorted(sha for sha in self.documents if sha in kept)

    def as_kept(self) -> ParseMemory:
        """What ``load`` would read back of what ``dump`` wrote: a live preview, which
        builds again and again in one process, takes it from here rather than read it."""
        plans, documents = self._kept()
        memory = ParseMemory()
        memory.plans = {key: self.plans[key] for key in plans}
        for sha in documents:
            # Without their links: what they resolve to is in the plans, and a file's
            # links are parsed again only when its plan is not known (Output.links).
            doc = self.documents[sha].slim()
            if doc is not None:
                memory.documents[sha] = Document(doc.ids, [], doc.h1, complete=False)
        return memory

    @classmethod
    def load(cls, stream: BinaryIO, stamp: str) -> ParseMemory:
        """What ``dump`` wrote with the same ``stamp``; an empty memory for anything else
        (another version or build fingerprint, a file cut short)."""
        memory = cls()
        try:
            head = pickle.load(stream)
            if head != {"version": MEMORY_VERSION, "stamp": stamp}:
                return cls()
            # Links and sets of ids come back shared as they were within each pickle.
            while (entries := pickle.load(stream)) is not None:
                for rel, sha, plan in entries:
                    memory.plans[(rel, sha)] = plan
            while (entries := pickle.load(stream)) is not None:
                for sha, ids, h1 in entries:
                    memory.documents[sha] = Document(ids, [], h1, complete=False)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError,
                TypeError, ImportError):  # fmt: skip
            return cls()
        return memory


#: Bump when what ``ParseMemory.dump`` writes changes.
MEMORY_VERSION = 2
#: Files a pickle of the memory holds (see ``ParseMemory.dump``).
_PART = 4000


class Output:
    """The built site, parsed on demand: a folder, or a build's new site (its staging
    folder over the files it kept of the published one).

    ``siteurl`` is the SITEURL the site was built with: absolute links that
    start with it are links into this site.
    """

    def __init__(
        self, site: Path | str | NewSite, siteurl: str = "", memory: ParseMemory | None = None
    ) -> None:
        self.site = site if isinstance(site, NewSite) else NewSite(Path(site))
        self.siteurl = siteurl.rstrip("/")
        self.base_path = urlsplit(self.siteurl).path.rstrip("/") if self.siteurl else ""
        self.memory = memory if memory is not None else ParseMemory()
        self.memory.file_hashes = {}
        self._documents: dict[str, Document] = {}
        self._linked: dict[str, set[str]] = {}
        self._files: list[str] | None = None
        self._dirs: set[str] = set()
        #: Values many files hold alike (a planned link, a set of ids), each kept once.
        self.shared: dict[Any, Any] = {}

    def files(self) -> list[str]:
        """Every file in the output, as a path relative to it (sorted)."""
        if self._files is None:
            self._files = self.site.files()
            self._dirs = {posixpath.dirname(f) for f in self._files}
            for folder in list(self._dirs):
                while folder:
                    folder = posixpath.dirname(folder)
                    self._dirs.add(folder)
        return self._files

    def path(self, rel: str) -> Path:
        """Where the file ``rel`` of the site is."""
        return self.site.path(rel)

    def is_file(self, rel: str) -> bool:
        return self.site.has(rel)

    def content_hash(self, rel: str) -> str:
        """The SHA-256 of the file's bytes: read, unless the build kept the file and its
        record vouches for its hash."""
        hashes = self.memory.file_hashes
        if rel not in hashes:
            sha = self.site.known_sha(rel)
            if sha is None:
                try:
                    sha = hashlib.sha256(self.path(rel).read_bytes()).hexdigest()
                except OSError:
                    sha = ""
            hashes[rel] = sha
        return hashes[rel]

    def document(self, rel: str, *, complete: bool = False) -> Document:
        """What the file holds; ``complete``: with its links, parsing the file again
        when the memory kept only a slim document (its ids and heading)."""
        known = self._documents.get(rel)
        if known is not None and (known.complete or not complete):
            return known
        path = self.path(rel)
        parser = PARSERS.get(path.suffix.lower())
        if parser is None or not self.is_file(rel):
            known = Document()
        else:
            sha = self.content_hash(rel)
            known = self.memory.documents.get(sha)
            if known is None or (complete and not known.complete):
                known = self.parse(rel, decode(path.read_bytes()))
                self.memory.documents[sha] = known
        self._documents[rel] = known
        return known

    def parse(self, rel: str, text: str) -> Document:
        """What ``text``, the content of the file ``rel``, holds (by its kind)."""
        parser = PARSERS.get(posixpath.splitext(rel)[1].lower())
        return parser(text) if parser is not None else Document()

    def links(self, rel: str) -> list[Link]:
        """Every link the file makes."""
        return self.document(rel, complete=True).links

    def forget_links(self, rel: str) -> None:
        """Keep only the file's ids and heading: once its links are resolved (the link
        checker's plan), holding every link of every page would grow with the site
        (gigabytes at national scale). ``links`` parses the file again if asked."""
        known = self._documents.get(rel)
        if known is None or not known.complete:
            return
        slim = known.slim() or Document(complete=False)
        ids = frozenset(slim.ids)
        slim.ids = self.shared.setdefault(ids, ids)  # type: ignore[assignment]  # most pages' are alike
        self._documents[rel] = slim
        sha = self.memory.file_hashes.get(rel)
        if sha is not None and self.memory.documents.get(sha) is known:
            self.memory.documents[sha] = slim

    def page_for(self, url_path: str) -> str:
        """The file that serves a site path ('neighbourhoods/' -> neighbourhoods/index.html)."""
        url_path = url_path.lstrip("/")
        if not url_path or url_path.endswith("/"):
            return url_path + "index.html"
        self.files()
        if url_path in self._dirs:
            return url_path + "/index.html"
        return url_path

    def site_path(self, url: str, from_file: str) -> str | None:
        """The site path a link points at, or None when it leaves the site.

        Paths are relative to the site root, without a leading slash, and keep a
        trailing slash for folders; query strings and fragments are dropped.
        """
        url = url.strip()
        if self.siteurl and (url == self.siteurl or url.startswith(self.siteurl + "/")):
            path = urlsplit(url).path
        else:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                return None
            path = parts.path
            if not path:
                return from_file  # "#fragment" or "?query": this same file
        if path.startswith("/"):
            if self.base_path and not (path + "/").startswith(self.base_path + "/"):
                return None
            path = path[len(self.base_path) :]
        else:
            directory = posixpath.dirname(from_file)
            path = posixpath.join("/" + directory if directory else "/", path)
        normalised = posixpath.normpath(unquote(path))
        if normalised in {"/", "."}:
            return ""
        keep_slash = path.endswith("/")
        return normalised.lstrip("/") + ("/" if keep_slash else "")

    def exists(self, site_path: str) -> bool:
        return self.is_file(self.page_for(site_path))

    def linked_paths(self, rel: str) -> set[str]:
        """Every site path (with a trailing slash for pages) that a file links to."""
        if rel not in self._linked:
            key = (rel, self.content_hash(rel) if self.is_file(rel) else "")
            found = self.memory.linked.get(key)
            plan = self.memory.plans.get(key) if found is None else None
            if plan is not None:  # the link checker's plan: a link's path, unless it
                # has a problem of its own (then it is worked out here)
                found = set()
                for link in map(PlannedLink._make, plan):
                    path = link.path if link.message is None else self.site_path(link.url, rel)
                    if path is not None:
                        found.add(path)
                self.memory.linked[key] = found
            elif found is None:
                found = set()
                for link in self.links(rel):
                    path = self.site_path(link.url, rel)
                    if path is not None:
                        found.add(path)
                self.memory.linked[key] = found
            self._linked[rel] = found
        return self._linked[rel]
