"""The search index: Pagefind run over the built pages, in shards that a rebuild reuses.

Pagefind (https://pagefind.app, from PyPI as ``pagefind[bin]``) cannot add one page
to an index it has written: any change means indexing every page again, which at
national scale is most of a one-edit rebuild. So the index is split into shards, by
area: shard 0 is ``/pagefind/`` (the bundle with Pagefind's script and WebAssembly:
force-wide pages, and the areas that fall in it), shard *n* is ``/pagefind/shard-n/``
(index files only), and the search page merges them (Pagefind's ``mergeIndex``;
``theme/static/js/search.js``). An area's pages, priorities and events are in the
shard :func:`shard_of` its slug gives; how many shards there are follows from the
number of areas (:func:`shard_count`), so the sample site has one.

Each shard is a pure function of what it indexes: the bytes of its pages (those with
``data-pagefind-body``), its records, Pagefind's version and settings. That digest
names the shard in the build cache (``.<output>-cache/search/``); a shard whose digest
is unchanged is taken from there, so a rebuild after one edit indexes one shard.
Pagefind writes filter files in an order that changes from run to run;
:func:`make_stable` puts them in one order, so a shard's bytes depend only on its
inputs and an incremental build is byte-identical to a cold one.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .files import write_atomic
from .outputs import NewSite, walk
from .parallel import in_forks, shares
from .search import BUNDLE_DIR, EXCLUDE, LANGUAGE, UNUSED, SearchRecord

if TYPE_CHECKING:
    from .incremental import OutputCache

__all__ = [
    "SIGNATURE",
    "BundleFormatError",
    "IncompleteBundle",
    "IndexResult",
    "PendingIndex",
    "make_stable",
    "pagefind_hash",
    "shard_count",
    "shard_folder",
    "shard_of",
    "shard_of_page",
    "start_index",
]

#: Areas per shard, and the most shards: a rebuild indexes about this many areas'
#: pages, and a first search downloads a few small files from every shard.
AREAS_PER_SHARD = 125
MAX_SHARDS = 32
#: What the merged shards need of a bundle: Pagefind's script, worker and WebAssembly
#: come from the first shard's bundle.
PRIMARY_ONLY = ("pagefind.js", "pagefind-worker.js", "wasm.en.pagefind")
#: Marks a page Pagefind indexes (see the templates and ``search.py``).
BODY_MARK = b"data-pagefind-body"
#: Bump when the way shards are made changes, so cached shards are not reused.
SHARD_FORMAT = "2"


def shard_count(areas: int, per_shard: int = AREAS_PER_SHARD) -> int:
    """How many shards an index of ``areas`` areas has (1 up to ``per_shard`` areas)."""
    return max(1, min(MAX_SHARDS, -(-areas // max(1, per_shard))))


def shard_of(slug: str, count: int) -> int:
    """The shard of an area, from its slug alone (stable as other areas come and go)."""
    if count <= 1:
        return 0
    return int.from_bytes(hashlib.sha256(slug.encode("utf-8")).digest()[:8], "big") % count


def shard_of_page(rel: str, count: int) -> int:
    """The shard of an output page: its area's for ``neighbourhoods/<slug>/…``, else 0."""
    parts = rel.split("/")
    if len(parts) > 2 and parts[0] == "neighbourhoods":
        return shard_of(parts[1], count)
    return 0


def shard_folder(number: int) -> str:
    """Where a shard's bundle is, from the site root (``pagefind/``, ``pagefind/shard-2/``)."""
    return f"{BUNDLE_DIR}/" if number == 0 else f"{BUNDLE_DIR}/shard-{number}/"


def shard_numbers(slugs: Iterable[str], count: int) -> list[int]:
    """The shards an index of these areas has: 0, and each shard an area falls in."""
    return sorted({0, *(shard_of(slug, count) for slug in slugs)})


@dataclass
class IndexResult:
    pages: int = 0
    records: int = 0
    shards: int = 0
    indexed_shards: int = 0
    files: list[Path] = field(default_factory=list)
    #: The files of ``files`` written in this build (site paths), not kept.
    written: list[str] = field(default_factory=list)
    #: Bytes of the index (the bundle without its JavaScript and WebAssembly).
    size: int = 0


@dataclass
class _Shard:
    number: int
    pages: list[tuple[str, str]] = field(default_factory=list)  # (page, SHA-256)
    records: list[SearchRecord] = field(default_factory=list)

    def key(self, version: str) -> str:
        digest = hashlib.sha256()
        for part in (
            SHARD_FORMAT, version, LANGUAGE, *EXCLUDE, str(self.number == 0),
            *(f"{rel}\0{sha}" for rel, sha in sorted(self.pages)),
            *(record.html() for record in self.records),
        ):  # fmt: skip
            data = part.encode("utf-8")
            digest.update(len(data).to_bytes(8, "little") + data)
        return digest.hexdigest()


def _pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "unknown"


#: Fewer pages to read than this are not worth a fork.
MIN_PAGES_PER_WORKER = 2000


def _indexed_pages(
    site: NewSite, workers: int = 1, known: Mapping[str, bool] | None = None
) -> tuple[list[tuple[str, str]], dict[str, bool]]:
    """(page, SHA-256) of every HTML page Pagefind would index (it has BODY_MARK), and
    whether each page's bytes have the mark, by their hash. A kept page whose hash is in
    ``known`` (what the last build learnt) is not read; the others are, on up to
    ``workers`` processes (a national site has 200,000 pages to read)."""
    names = site.files_where(
        lambda rel: (
            rel.endswith(".html")
            and not rel.startswith(f"{BUNDLE_DIR}/")
            and not any(part.startswith(".") for part in rel.split("/")[:-1])
        )
    )
    known = known or {}
    found: dict[str, str] = {}
    marks: dict[str, bool] = {}
    unread = []
    for rel in names:
        sha = site.known_sha(rel)
        if sha is not None and sha in known:
            marks[sha] = known[sha]
            if marks[sha]:
                found[rel] = sha
        else:
            unread.append(rel)
    dealt = shares(unread, workers, MIN_PAGES_PER_WORKER)
    for answers in in_forks(lambda share: _read_marks(site, share), dealt):
        for rel, sha, marked in answers:
            marks[sha] = marked
            if marked:
                found[rel] = sha
    return [(rel, found[rel]) for rel in names if rel in found], marks


def _read_marks(site: NewSite, names: list[str]) -> list[tuple[str, str, bool]]:
    """(page, SHA-256, whether Pagefind indexes it) for each of ``names``."""
    read = []
    for rel in names:
        data = site.path(rel).read_bytes()
        read.append((rel, hashlib.sha256(data).hexdigest(), BODY_MARK in data))
    return read


#: What the last build learnt of its pages' bytes (hash -> has BODY_MARK), in the store.
MARKS_FILE = "marks.pickle"


def _load_marks(store: Path) -> dict[str, bool]:
    try:
        with (store / MARKS_FILE).open("rb") as stream:
            marks = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return {}
    return marks if isinstance(marks, dict) else {}


#: The scripts of the bundle end with their exports; a cut-off one would break search.
SCRIPT_ENDINGS = {"pagefind.js": "export{", "pagefind-worker.js": ""}


def _check_bundle(folder: Path, primary: bool = True) -> None:
    """Every file of the bundle must be whole (a cut-off index or script breaks search)."""
    for name, ending in SCRIPT_ENDINGS.items() if primary else ():
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


#: Where a shard's records go among its pages, for Pagefind (no page of the site is
#: there); the search page links a record by its ``link`` meta, not by this address.
RECORDS_DIR = "_records"
#: How long one shard may take before the build gives up on Pagefind.
TIMEOUT_SECONDS = 900


def _stage_shard(pages: NewSite, shard: _Shard, target: Path, folder: Path) -> Path:
    """Make ``folder`` the site Pagefind indexes for one shard, into ``target``
    (``_run_pagefind``), and return it.

    The shard's pages are at their own paths (so Pagefind gives each its address), as
    symbolic links to the built files (a hard link would change a kept page's change
    time, and with it the output record's trust in it), beside one small page per
    record. The folder is kept between builds: only what changed is written (a link to
    a page written in this build, a record changed), and what is gone is removed. A
    page lives in a folder of its own, so making the folder afresh made a folder and a
    link for every page of the shard (at national scale 6,000 of each, every rebuild).
    """
    site = folder / "site"
    wanted: dict[str, str | bytes] = {
        rel: os.path.abspath(pages.path(rel)) for rel, _sha in shard.pages
    }
    for record in shard.records:
        wanted[f"{RECORDS_DIR}/{record.file_name}"] = record.html().encode("utf-8")
    present = set(walk(site)) if site.is_dir() else set()
    for rel in present - wanted.keys():
        (site / rel).unlink()
    made: set[Path] = set()
    for rel, value in wanted.items():
        path = site / rel
        if rel in present and _holds(path, value):
            continue
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        if rel in present:
            path.unlink()
        if isinstance(value, str):
            os.symlink(value, path)
        else:
            path.write_bytes(value)
    config = {
        "site": str(site),
        "output_path": str(target),
        "force_language": LANGUAGE,
        "exclude_selectors": list(EXCLUDE),
        "glob": "**/*.html",
    }
    write_atomic(folder / "pagefind.json", json.dumps(config, sort_keys=True))
    return folder


def _holds(path: Path, value: str | bytes) -> bool:
    """Whether ``path`` is already the link to ``value`` (a path) or holds its bytes."""
    try:
        if isinstance(value, str):
            return os.readlink(path) == value
        return not path.is_symlink() and path.read_bytes() == value
    except OSError:
        return False


def _run_pagefind(folder: Path) -> None:
    """Run Pagefind's program on a folder ``_stage_shard`` made.

    Its own program, not its Python service: the service reads each answer a tenth of
    a second after asking, three times a shard, so that indexing the sample site took
    0.35 s of which 0.3 s was waiting; the program takes 0.13 s.
    """
    from pagefind_bin import get_executable

    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    done = subprocess.run(
        [str(get_executable()), "--quiet"],
        cwd=folder,  # Pagefind reads its configuration from pagefind.json here
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode:
        said = done.stdout.decode("utf-8", "replace").strip()
        raise RuntimeError(f"Pagefind stopped with code {done.returncode}: {said[-2000:]}")


def _index_all(folders: list[Path], workers: int) -> None:
    """Run Pagefind on each staged folder, up to ``workers`` at once. Nothing but waiting
    on Pagefind happens here, so it can run on a thread beside the build (a thread
    doing many small steps would wait for Python's lock after each)."""
    if workers <= 1 or len(folders) <= 1:
        for folder in folders:
            _run_pagefind(folder)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in [pool.submit(_run_pagefind, folder) for folder in folders]:
            done.result()


def _stage_all(site: NewSite, jobs: list[tuple[_Shard, Path]], store: Path) -> list[Path]:
    """The folder Pagefind indexes each job's shard from (``store/site-<shard>/``)."""
    folders = []
    for shard, target in jobs:
        shutil.rmtree(target, ignore_errors=True)
        folders.append(_stage_shard(site, shard, target, store / f"{SITE_PREFIX}{shard.number}"))
    return folders


#: The folders in the store that Pagefind indexes a shard from (``_stage_shard``).
SITE_PREFIX = "site-"


#: How many times Pagefind is run before an incomplete bundle fails the build.
ATTEMPTS = 3


class IncompleteBundle(RuntimeError):
    """Pagefind left a file of its bundle empty or cut off."""


def _finish_shard(folder: Path, primary: bool) -> None:
    """Leave out what the site does not use, check every file is whole, make it stable."""
    for name in UNUSED + (() if primary else PRIMARY_ONLY):
        (folder / name).unlink(missing_ok=True)
    empty = sorted(p.name for p in folder.rglob("*") if p.is_file() and not p.stat().st_size)
    if empty:
        raise IncompleteBundle(f"Pagefind left empty files in its bundle: {', '.join(empty)}")
    _check_bundle(folder, primary)
    make_stable(folder)


def _unfinished(jobs: list[tuple[_Shard, Path]], last: bool) -> list[tuple[_Shard, Path]]:
    """Finish each indexed shard; those Pagefind left incomplete (raised on the ``last``
    attempt)."""
    failed = []
    for shard, target in jobs:
        try:
            _finish_shard(target, shard.number == 0)
        except IncompleteBundle:
            # A heavily loaded machine has seen Pagefind exit before its last file
            # was whole; such a shard is indexed again, never published.
            if last:
                raise
            failed.append((shard, target))
    return failed


def _index_again(jobs: list[tuple[_Shard, Path]], store: Path, workers: int, attempts: int) -> None:
    """Index again, from their staged folders, the shards Pagefind left incomplete."""
    pending = list(jobs)
    for attempt in range(1, attempts + 1):
        for _shard, target in pending:
            shutil.rmtree(target, ignore_errors=True)
        _index_all([store / f"{SITE_PREFIX}{shard.number}" for shard, _ in pending], workers)
        pending = _unfinished(pending, last=attempt == attempts)
        if not pending:
            return


def _in_background(work: Callable[..., None], *args: Any) -> Future[None]:
    """``work(*args)`` on a thread of its own, beside the rest of a build. A daemon: the
    build always waits for it (``PendingIndex.finish``), and a thread a pool kept for
    later would be waited for when the process exits, as on Ctrl+C in a live preview."""
    future: Future[None] = Future()

    def run() -> None:
        try:
            work(*args)
        except BaseException as exc:
            future.set_exception(exc)
        else:
            future.set_result(None)

    threading.Thread(target=run, name="search-index", daemon=True).start()
    return future


def start_index(
    output: Path | str,
    records: Iterable[SearchRecord],
    *,
    count: int = 1,
    cache: Path | None = None,
    workers: int = 1,
    outputs: OutputCache | None = None,
) -> PendingIndex:
    """Start indexing the built site in ``output`` into ``count`` shards under
    ``output/pagefind/``, ``workers`` shards at a time; Pagefind runs in the background
    until ``PendingIndex.finish``. With ``outputs``, the build's output record, the site
    is ``output`` (its staging folder) over the files the build kept.

    Shards whose inputs are unchanged are taken from ``cache`` (a folder of shards by
    key, kept between builds); the others are indexed and added to it, and shards no
    longer used are removed from it.
    """
    output = Path(output)
    site = outputs.new_site(output) if outputs is not None else NewSite(output)
    # Pelican and every plugin have written their files by now: the staging folder is
    # listed once, not asked about each of a national site's 200,000 pages in turn.
    site.note_written(())
    version = _pagefind_version()
    shards: dict[int, _Shard] = {}
    result = IndexResult()
    marks_known = _load_marks(cache) if cache is not None else {}
    pages, marks = _indexed_pages(site, workers, marks_known)
    del marks_known
    for rel, sha in pages:
        number = shard_of_page(rel, count)
        shards.setdefault(number, _Shard(number)).pages.append((rel, sha))
        result.pages += 1
    del pages
    for record in records:
        number = shard_of(record.area.slug, count)
        shards.setdefault(number, _Shard(number)).records.append(record)
        result.records += 1
    shards.setdefault(0, _Shard(0))
    own_store = cache is None
    store = Path(tempfile.mkdtemp(prefix="search-shards-")) if cache is None else cache
    store.mkdir(parents=True, exist_ok=True)
    if not own_store:  # a fact about bytes, true whatever becomes of this build
        write_atomic(store / MARKS_FILE, functools.partial(pickle.dump, marks, protocol=5))
    del marks
    keys = {number: shard.key(version) for number, shard in shards.items()}
    jobs = [
        (shard, store / f".{keys[number]}.making")
        for number, shard in sorted(shards.items())
        if not (store / keys[number]).is_dir()
    ]
    result.shards, result.indexed_shards = len(shards), len(jobs)
    pending = PendingIndex(output, store, own_store, keys, result, outputs, jobs, workers)
    if jobs:
        pending.making = _in_background(_index_all, _stage_all(site, jobs, store), workers)
        for shard, _target in jobs:  # staged: held through the checks, they would add to
            shard.pages, shard.records = [], []  # their memory (200,000 pages)
    return pending


@dataclass
class PendingIndex:
    """An index being made: Pagefind indexes the shards that changed in the background
    (a rebuild's checks run meanwhile, on the other core); ``finish`` waits for it and
    puts the bundle in place."""

    output: Path
    store: Path
    own_store: bool
    keys: dict[int, str]
    result: IndexResult
    outputs: OutputCache | None = None
    jobs: list[tuple[_Shard, Path]] = field(default_factory=list)
    workers: int = 1
    making: Future[None] | None = None

    def finish(self) -> IndexResult:
        """Wait for Pagefind, then put the bundle under ``output/pagefind/``.

        Without an output record the bundle is made in a temporary folder and swapped in
        with a rename, so a reader never sees half an index; with one (whose output is a
        staging folder no one reads), each file is put in its place, or kept as the last
        build left it when it comes from the same shard or has the same bytes.
        """
        output, store, result, outputs = self.output, self.store, self.result, self.outputs
        building = output / f".{BUNDLE_DIR}.building-{os.getpid()}"
        try:
            if self.making is not None:
                self.making.result()
                failed = _unfinished(self.jobs, last=ATTEMPTS == 1)
                if failed:
                    _index_again(failed, store, self.workers, ATTEMPTS - 1)
                for shard, target in self.jobs:
                    os.replace(target, store / self.keys[shard.number])
            shutil.rmtree(building, ignore_errors=True)
            for number in sorted(self.keys):
                source, inside = store / self.keys[number], shard_folder(number)
                files = sorted(p for p in source.rglob("*") if p.is_file())
                result.size += sum(p.stat().st_size for p in files if p.suffix not in UNCOUNTED)
                if outputs is not None:
                    placed = _place_shard(
                        source, files, output / inside, inside, self.keys[number], outputs
                    )
                    result.files += placed
                    result.written += [
                        rel
                        for rel in (inside + p.relative_to(source).as_posix() for p in files)
                        if rel not in outputs.kept
                    ]
                else:
                    place = building / inside.removeprefix(f"{BUNDLE_DIR}/")
                    _place_shard(source, files, place)
            if outputs is None:
                final = output / BUNDLE_DIR
                if final.exists():
                    shutil.rmtree(final)
                os.replace(building, final)
                result.files = sorted(p for p in final.rglob("*") if p.is_file())
            used = {*self.keys.values(), *(f"{SITE_PREFIX}{n}" for n in self.keys)}
            for old in store.iterdir():
                if old.is_dir() and old.name not in used:
                    shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(building, ignore_errors=True)
            if self.own_store:
                shutil.rmtree(store, ignore_errors=True)
        return result


#: What the index's size leaves out: Pagefind's JavaScript and WebAssembly.
UNCOUNTED = {".js", ".pagefind"}


def _place_shard(
    source: Path,
    files: list[Path],
    target: Path,
    inside: str = "",
    key: str = "",
    outputs: OutputCache | None = None,
) -> list[Path]:
    """Copy a shard's ``files`` (in ``source``) into ``target``; with ``outputs``, each
    is kept instead where the last good build put the same shard's, or the same bytes
    (``inside``: where ``target`` is in the site, ``key``: the shard's). The path of
    each, kept or not.

    Copies, not links to the cache: when the cache let go of an old shard, a published
    file linked to it would change (its change time), and not be trusted again. Pagefind
    names most files by their content, so after one edit most of a shard is kept.
    """
    placed = []
    for path in files:
        name = path.relative_to(source).as_posix()
        rel = inside + name
        placed.append(target / name)
        if outputs is not None and outputs.reuse(rel, key):
            continue
        data = path.read_bytes()
        if outputs is not None:
            sha = hashlib.sha256(data).hexdigest()
            if outputs.reuse_bytes(rel, key, sha):
                continue
            outputs.record_hash(rel, key, sha)
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)
    return placed


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
