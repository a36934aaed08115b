"""The link checker: every link inside the built site must lead somewhere.

It reads every HTML page, feed (Atom, RSS), sitemap, calendar (.ics) and
stylesheet in the output and checks each internal link, image, script,
stylesheet and ``#fragment``: the file must exist and, for a fragment into an
HTML page, that page must have an element with that id. Links to other sites
are not fetched (the build works offline); ``javascript:``, ``vbscript:`` and
``data:`` URLs are always reported, because nothing we publish should use them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..parallel import in_forks, shares
from ..problems import Problem
from .output import Document, Link, Output, PlannedLink, decode

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
    verdicts: dict[tuple[Any, ...], bool] = {}
    # Planned links found sound: most are on many pages (the header's, the footer's), and
    # whether a link is sound does not depend on the page it is on (its plan holds where
    # it leads), so each is checked once per build.
    sound: set[tuple[Any, ...]] = set()
    for rel in names:
        plan = _plan(output, rel)
        if output.site.known_sha(rel) is not None and _leads_to_kept_files(output, plan, verdicts):
            continue
        for planned in plan:
            if planned in sound:
                continue
            link = PlannedLink._make(planned)
            message = link.message or _target_problem(output, rel, link)
            if message:
                problems.append(Problem(rel, _line_of(output, rel, link.url), None, message))
            else:
                sound.add(planned)
    return problems


def _leads_to_kept_files(
    output: Output, plan: tuple[tuple[Any, ...], ...], verdicts: dict[tuple[Any, ...], bool]
) -> bool:
    """Whether every link of a kept file leads to a file the build kept too (or out of
    the site). Such a file needs no check: the last good build checked these very links
    against those very files (a kept file has the bytes, and so the ids, it had then), and
    a link whose target was written or is gone is checked in full. So a rebuild checks
    the links of the files it wrote and the links into them, not every link of the site.
    ``verdicts`` remembers the answer for each planned link (most are on many pages)."""
    for planned in plan:
        verdict = verdicts.get(planned)
        if verdict is None:
            _url, message, path, _fragment = planned
            verdict = message is None and (
                path is None or output.site.known_sha(output.page_for(path)) is not None
            )
            verdicts[planned] = verdict
        if not verdict:
            return False
    return True


def _line_of(output: Output, rel: str, url: str) -> int | None:
    """The line of the first link to ``url`` in the file (parsed again: only a broken
    link needs it)."""
    return next((link.line for link in output.links(rel) if link.url == url), None)


def _plan(output: Output, rel: str) -> tuple[tuple[Any, ...], ...]:
    """The file's links, resolved once per content (kept in the output's memory)."""
    key = (rel, output.content_hash(rel))
    plans = output.memory.plans
    if key not in plans:
        plans[key] = _plan_of(output, rel, output.links(rel))
        output.forget_links(rel)
    return plans[key]


def _plan_of(output: Output, rel: str, links: Iterable[Link]) -> tuple[tuple[Any, ...], ...]:
    planned: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    for link in links:
        if link.url in seen:
            continue
        seen.add(link.url)
        message = _link_problem(output, link.url)
        # Where it leads, as a browser sees it (which trims spaces around an address).
        path = None if message else output.site_path(link.url, rel)
        made = (link.url, message, path, _fragment(link.url))
        planned.append(output.shared.setdefault(made, made))
    return tuple(planned)


#: Fewer files to read than this are not worth a fork.
MIN_FILES_PER_WORKER = 2000


def read_all(output: Output, workers: int) -> None:
    """Hash every file the checks read, and parse and plan those the memory does not
    know, on up to ``workers`` processes: a national site has hundreds of thousands of
    files, and reading them was a third of a cold build. A file the build kept, whose
    hash the output record gives and whose plan the memory has, is not read at all.
    What each worker learns goes into the output's memory, as if this process had read
    the files itself; with too few files for a fork, files are read as they are asked
    for."""
    memory = output.memory
    names = []
    for rel in output.files():
        if Path(rel).suffix.lower() not in CHECKED_SUFFIXES:
            continue
        sha = output.site.known_sha(rel)  # a kept file: its record vouches for its hash
        if sha is not None and (rel, sha) in memory.plans:
            memory.file_hashes[rel] = sha
            continue
        names.append(rel)
    dealt = shares(names, workers, MIN_FILES_PER_WORKER)
    if len(dealt) == 1:
        return
    for answers in in_forks(lambda share: _read(output, share), dealt):
        for rel, sha, parsed in answers:
            memory.file_hashes[rel] = sha
            if parsed is None:
                continue
            ids, h1, plan = parsed
            ids = output.shared.setdefault(ids, ids)
            memory.documents.setdefault(sha, Document(ids, [], h1, complete=False))
            memory.plans[(rel, sha)] = plan


def _read(output: Output, names: list[str]) -> list[tuple[str, str, Any]]:
    """(file, SHA-256, (its ids, heading and plan) or None when the memory knows them)."""
    memory = output.memory
    answers: list[tuple[str, str, Any]] = []
    for rel in names:
        try:
            data = output.path(rel).read_bytes()
        except OSError:
            answers.append((rel, "", None))
            continue
        sha = hashlib.sha256(data).hexdigest()
        if (rel, sha) in memory.plans:
            answers.append((rel, sha, None))
            continue
        document = output.parse(rel, decode(data))
        plan = _plan_of(output, rel, document.links)
        answers.append((rel, sha, (frozenset(document.ids), document.h1, plan)))
    return answers


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
