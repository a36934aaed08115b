"""Site search: what the Pagefind index holds, and writing it.

Pagefind (https://pagefind.app, from PyPI as ``pagefind[bin]``) indexes the built
HTML pages itself. Templates mark what it reads: ``data-pagefind-body`` on the main
content of update, area and information pages (so lists, navigation and footers
are left out), and the fields made by ``components/search_fields.html`` (filters
``type``, ``area``, ``category``; meta ``type``, ``area``, ``date``; sort ``date``).

Priorities and events live on their area's page, as ``#priority-<id>`` and
``#event-<id>``. They are added as index records of their own
(:func:`site_records`), built from the site model, so each is a result with its own
type, date and link to its anchor; the area page's copy of them is marked
``data-pagefind-ignore`` so a word from a priority finds the priority once, not
the area page as well.

Force-wide updates belong to every area: instead of repeating every area's name on
them, they carry the area value :data:`ALL_AREAS`, and the search page asks for
"this area or all areas".
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from .markup import plain_text, render_markdown
from .models import Event, Priority
from .rules import upcoming_events
from .site import AreaRecord, Site

__all__ = [
    "ALL_AREAS",
    "BUNDLE_DIR",
    "SEARCH_PAGE",
    "TYPES",
    "BundleFormatError",
    "IndexResult",
    "SearchRecord",
    "make_stable",
    "pagefind_hash",
    "site_records",
    "sort_key",
    "write_index",
]

#: The search page's folder (URL ``search/``).
SEARCH_PAGE = "search"
#: The folder Pagefind's bundle is written to (URL ``pagefind/``).
BUNDLE_DIR = "pagefind"
#: The area filter value of force-wide updates (no area slug can contain ``*``).
ALL_AREAS = "*"
#: The ``type`` filter: value -> the label shown in the search form's list.
TYPES = {
    "update": "Updates",
    "priority": "Priorities",
    "event": "Meetings and events",
    "area": "Area pages",
    "page": "Information pages",
}
#: Names shown on a result for each type.
TYPE_NAMES = {
    "update": "Update",
    "priority": "Priority",
    "event": "Meeting or event",
    "area": "Area page",
    "page": "Information page",
}
#: Sort key of records without a date: last when newest come first.
UNDATED = "0000-00-00"
#: Bundle files the site does not use: Pagefind's ready-made interfaces (we have our own).
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
    # The reader for pages in no known language: every page is English
    # (force_language), and Pagefind 1.5.2 sometimes leaves this file empty.
    "wasm.unknown.pagefind",
)
LANGUAGE = "en"
#: Parts of indexed pages that are not their content: facts shown on the result
#: anyway (an update's date, type and area), and blocks every area page repeats.
EXCLUDE = (".update__meta", ".contents", ".notification", ".stay-informed", ".area-search")


def sort_key(value: dt.date | dt.datetime | None) -> str:
    """The ``date`` sort value: ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` (local time).

    Pagefind sorts these as text, which is date order; undated records sort last.
    """
    if value is None:
        return UNDATED
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class SearchRecord:
    """One result that is not a page of its own: a priority or an event."""

    url: str  # site path, e.g. neighbourhoods/ludlow/#priority-x
    title: str
    content: str
    type: str  # a key of TYPES
    area: AreaRecord
    date: str  # sort key
    date_text: str

    def html(self) -> str:
        """A small page for Pagefind to index: the record's text and search fields.

        The site's own link for the result is the ``link`` meta (the search page uses
        it instead of the address Pagefind gives the file).
        """
        fields = {
            ("meta", "title"): self.title,
            ("meta", "link"): self.url,
            ("meta", "type"): TYPE_NAMES[self.type],
            ("meta", "area"): self.area.name,
            ("meta", "date"): self.date_text,
            ("filter", "type"): self.type,
            ("filter", "area"): self.area.slug,
            ("sort", "date"): self.date,
        }
        data = "".join(
            f'<data value="{escape(value)}" data-pagefind-{kind}="{name}[value]"></data>'
            for (kind, name), value in fields.items()
        )
        return (
            f'<!DOCTYPE html><html lang="{LANGUAGE}"><head><meta charset="utf-8">'
            f"<title>{escape(self.title)}</title></head>"
            f"<body><main data-pagefind-body><h1>{escape(self.title)}</h1>"
            f"<p>{escape(self.content)}</p>{data}</main></body></html>\n"
        )

    @property
    def file_name(self) -> str:
        """Where its page goes in the folder of records (one per record, unique)."""
        return f"{self.area.slug}/{self.url.rsplit('#', 1)[1]}.html"


def _text(markdown: str | None) -> str:
    return plain_text(str(render_markdown(markdown)))


def _priority_record(record: AreaRecord, priority: Priority) -> SearchRecord:
    from .filters import uk_date

    parts = [
        f"{record.name} neighbourhood priority: {priority.title}.",
        f"Status: {priority.status}. Agreed with {priority.agreed_with}.",
        _text(priority.problem),
        *(_text(action.text) for action in priority.actions),
        _text(priority.outcome),
    ]
    return SearchRecord(
        url=f"{record.url}#priority-{priority.id}",
        title=priority.title,
        content=" ".join(p for p in parts if p),
        type="priority",
        area=record,
        date=sort_key(priority.agreed),
        date_text=f"Agreed {uk_date(priority.agreed)}, {priority.status}",
    )


def _event_record(record: AreaRecord, event: Event) -> SearchRecord:
    from .filters import event_when

    parts = [
        f"{record.name} {event.type}: {event.title}.",
        f"{event.place}, {event.address}, {event.postcode}.",
        _text(event.description),
        event.booking or "",
    ]
    return SearchRecord(
        url=f"{record.url}#event-{event.id}",
        title=event.title,
        content=" ".join(p for p in parts if p),
        type="event",
        area=record,
        date=sort_key(event.start),
        date_text=event_when(event.start, event.end),
    )


def site_records(site: Site) -> list[SearchRecord]:
    """A record for every priority and every event that has not ended, area by area.

    The same priorities and events the area page shows (it lists closed priorities
    too, and events until the day they end), so every record's anchor exists.
    """
    records: list[SearchRecord] = []
    for slug in sorted(site.areas):
        record = site.areas[slug]
        for priority in sorted(record.priorities, key=lambda p: p.id):
            records.append(_priority_record(record, priority))
        for event in upcoming_events(record.events, site.build_date):
            records.append(_event_record(record, event))
    return records


@dataclass
class IndexResult:
    pages: int = 0
    records: int = 0
    files: list[Path] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Bytes of the index (the bundle without its JavaScript and WebAssembly)."""
        return sum(
            p.stat().st_size for p in self.files if p.suffix not in {".js", ".pagefind"}
        )


async def _written(target: Path, timeout: float = 60) -> None:
    """Wait until Pagefind has finished writing: it answers write_files before the
    entry file (written last) has its contents."""
    entry = target / "pagefind-entry.json"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            json.loads(entry.read_text(encoding="utf-8"))
            return
        except (OSError, ValueError):
            if loop.time() > deadline:
                raise RuntimeError(f"Pagefind did not finish writing {entry}") from None
            await asyncio.sleep(0.05)


#: The scripts of the bundle end with their exports; a cut-off one would break search.
SCRIPT_ENDINGS = {"pagefind.js": "export{", "pagefind-worker.js": ""}


def _check_bundle(folder: Path) -> None:
    """Every file of the bundle must be whole (a cut-off index or script breaks search)."""
    for name, ending in SCRIPT_ENDINGS.items():
        script = folder / name
        tail = script.read_text(encoding="utf-8")[-400:] if script.is_file() else ""
        if not script.is_file() or (ending and ending not in tail):
            raise IncompleteBundle(f"Pagefind wrote an incomplete {name}")
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.startswith(".pf_"):
            try:
                gzip.decompress(path.read_bytes())
            except (OSError, EOFError) as exc:
                raise IncompleteBundle(f"Pagefind wrote an incomplete {path.name}: {exc}") from None


async def _stop(service: Any) -> None:
    """End the Pagefind service once it has finished writing.

    The library's own close() kills the process as soon as the last answer arrives,
    which can leave files of the bundle empty; closing its input lets it finish and
    exit by itself (killed only if it has not after a minute).
    """
    backend = service._backend
    service._poll_task.cancel()
    if backend.stdin is not None:
        backend.stdin.close()
    try:
        await asyncio.wait_for(backend.wait(), timeout=60)
    except TimeoutError:
        backend.kill()
        await backend.wait()


async def _index(output: Path, target: Path, records: list[SearchRecord]) -> IndexResult:
    from pagefind.service import PagefindService

    result = IndexResult()
    config = {
        "force_language": LANGUAGE,
        "output_path": str(target),
        "exclude_selectors": list(EXCLUDE),
    }
    with tempfile.TemporaryDirectory(prefix="search-records-") as folder:
        # One page per record, indexed in one call: Pagefind's Python API answers
        # each call after a 0.1 s poll, so a call per record would cost minutes at
        # national scale.
        for record in records:
            path = Path(folder, record.file_name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(record.html(), encoding="utf-8")
        service = await PagefindService().launch()
        try:
            index = await service.create_index(config)  # type: ignore[arg-type]
            added = await index.add_directory(str(output), glob="**/*.html")
            result.pages = int(added["page_count"])
            if records:
                added = await index.add_directory(folder, glob="**/*.html")
                result.records = int(added["page_count"])
            await index.write_files()
            await _written(target)
        finally:
            await _stop(service)
    return result


def _run(job: Coroutine[Any, Any, IndexResult]) -> IndexResult:
    """Run the indexing coroutine, also when called from a running event loop (livereload)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(job)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, job).result()


#: How many times Pagefind is run before an incomplete bundle fails the build.
ATTEMPTS = 3


class IncompleteBundle(RuntimeError):
    """Pagefind left a file of its bundle empty or cut off."""


def _bundle(output: Path, building: Path, records: list[SearchRecord]) -> IndexResult:
    result = _run(_index(output, building, records))
    for name in UNUSED:
        (building / name).unlink(missing_ok=True)
    empty = sorted(p.name for p in building.rglob("*") if p.is_file() and not p.stat().st_size)
    if empty:
        raise IncompleteBundle(f"Pagefind left empty files in its bundle: {', '.join(empty)}")
    _check_bundle(building)
    return result


def write_index(output: Path | str, records: Iterable[SearchRecord]) -> IndexResult:
    """Index the built site in ``output`` and put the bundle in ``output/pagefind/``.

    Written into a temporary folder next to it and swapped in with a rename, so a
    reader never sees half an index; files the site does not use are left out.
    """
    output = Path(output)
    final = output / BUNDLE_DIR
    building = output / f".{BUNDLE_DIR}.building-{os.getpid()}"
    if building.exists():
        shutil.rmtree(building)
    records = list(records)
    try:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                result = _bundle(output, building, records)
                break
            except IncompleteBundle:
                # A heavily loaded machine has seen Pagefind exit before its last file was
                # whole; a bundle that fails the checks is built again, never published.
                if attempt == ATTEMPTS:
                    raise
                shutil.rmtree(building, ignore_errors=True)
        make_stable(building)
        if final.exists():
            shutil.rmtree(final)
        os.replace(building, final)
    finally:
        if building.exists():
            shutil.rmtree(building)
    result.files = sorted(p for p in final.rglob("*") if p.is_file())
    return result


# --- Pagefind's filter files, made deterministic -------------------------------------
#
# Pagefind 1.5 keeps each filter (area, category, type) in a hash map and writes its
# values, and the list of filters in the language's meta file, in the map's order,
# which changes from run to run (it says so itself: "TODO: Change filter indexes to
# BTree to give them a stable hash", pagefind/src/index/mod.rs). The file names are
# hashes of the contents, so the names of the filter files, of the meta file and the
# hash in pagefind-entry.json changed with every build. We put them in one order and
# name them the way Pagefind does: every file Pagefind writes is gzip of
# b"pagefind_dcd" + CBOR; a filter file is [filter, [[value, [page, ...]], ...]]; the
# meta file is [version, pages, index chunks, [[filter, file hash], ...], sorts, ...].

SIGNATURE = b"pagefind_dcd"
#: Where the filter list is in the meta file (its fourth field).
META_FILTERS = 3


class BundleFormatError(RuntimeError):
    """The bundle is not laid out as this Pagefind version was known to write it."""


def pagefind_hash(data: bytes) -> str:
    """Pagefind's content hash: SHA-1, each byte in hex without its leading zero."""
    return "".join(format(byte, "x") for byte in hashlib.sha1(data).digest())


def _short_hash(language: str, data: bytes, length: int, taken: set[str]) -> str:
    """``<language>_<hash>`` cut to ``length`` characters, longer if the name is taken."""
    name = f"{language}_{pagefind_hash(data)}"
    while name[:length] in taken and length < len(name):
        length += 1
    return name[:length]


def _read_cbor(path: Path) -> Any:
    import cbor2

    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise BundleFormatError(f"{path.name} does not start with Pagefind's signature")
    body = data[len(SIGNATURE) :]
    value = cbor2.loads(body)
    if cbor2.dumps(value) != body:  # we could not write it back as Pagefind wrote it
        raise BundleFormatError(f"{path.name} holds CBOR this code cannot write back unchanged")
    return value


def _encode(value: Any) -> bytes:
    import cbor2

    return cbor2.dumps(value)


def _write_gzip(path: Path, body: bytes) -> None:
    path.write_bytes(gzip.compress(SIGNATURE + body, compresslevel=9, mtime=0))


def _valid_filter(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], list)
        and all(
            isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) and isinstance(v[1], list)
            for v in value[1]
        )
    )


def _stable_language(folder: Path, language: str, meta_hash: str) -> str:
    """Sort one language's filters and rename their files; returns the meta file's new hash."""
    meta_path = folder / f"pagefind.{meta_hash}.pf_meta"
    meta = _read_cbor(meta_path)
    if not (isinstance(meta, list) and len(meta) > META_FILTERS):
        raise BundleFormatError(f"{meta_path.name} is not the meta list this code knows")
    listed = meta[META_FILTERS]
    pairs = all(isinstance(f, list) and len(f) == 2 for f in listed)
    if not pairs or not all(isinstance(x, str) for f in listed for x in f):
        raise BundleFormatError(f"{meta_path.name} does not list its filters as [name, hash]")
    filters: list[tuple[str, bytes]] = []
    for name, file_hash in listed:
        path = folder / "filter" / f"{file_hash}.pf_filter"
        index = _read_cbor(path)
        if not _valid_filter(index) or index[0] != name:
            raise BundleFormatError(f"filter/{path.name} is not the '{name}' filter")
        values = sorted([value, sorted(pages)] for value, pages in index[1])
        filters.append((name, _encode([name, values])))
        path.unlink()
    taken: set[str] = set()
    new_list = []
    for name, body in sorted(filters):
        file_hash = _short_hash(language, body, len(language) + 8, taken)
        taken.add(file_hash)
        _write_gzip(folder / "filter" / f"{file_hash}.pf_filter", body)
        new_list.append([name, file_hash])
    meta[META_FILTERS] = new_list
    body = _encode(meta)
    new_hash = f"{language}_{pagefind_hash(body)[: len(language) + 8]}"
    meta_path.unlink()
    _write_gzip(folder / f"pagefind.{new_hash}.pf_meta", body)
    return new_hash


def make_stable(folder: Path) -> None:
    """Rewrite what Pagefind writes in a changing order, so the same site gives the same
    bundle byte for byte (filter files, meta file, ``pagefind-entry.json``)."""
    entry_path = folder / "pagefind-entry.json"
    text = entry_path.read_text(encoding="utf-8")
    entry = json.loads(text)

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    if dumps(entry) != text:
        raise BundleFormatError("pagefind-entry.json is not written the way this code writes it")
    for language, info in sorted(entry.get("languages", {}).items()):
        info["hash"] = _stable_language(folder, language, info["hash"])
    entry_path.write_text(dumps(entry), encoding="utf-8")
