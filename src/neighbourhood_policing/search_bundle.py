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

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .files import link_atomic
from .outputs import NewSite
from .parallel import in_forks, shares
from .search import BUNDLE_DIR, EXCLUDE, LANGUAGE, UNUSED, SearchRecord

if TYPE_CHECKING:
    from .incremental import OutputCache

__all__ = [
    "SIGNATURE",
    "BundleFormatError",
    "IncompleteBundle",
    "IndexResult",
    "make_stable",
    "pagefind_hash",
    "shard_count",
    "shard_folder",
    "shard_of",
    "shard_of_page",
    "write_index",
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


def _indexed_pages(site: NewSite, workers: int = 1) -> list[tuple[str, str]]:
    """(page, SHA-256) of every HTML page Pagefind would index (it has BODY_MARK), read
    on up to ``workers`` processes (a national site has 200,000 pages to read)."""
    names = site.files_where(
        lambda rel: (
            rel.endswith(".html")
            and not rel.startswith(f"{BUNDLE_DIR}/")
            and not any(part.startswith(".") for part in rel.split("/")[:-1])
        )
    )
    found: dict[str, str] = {}
    dealt = shares(names, workers, MIN_PAGES_PER_WORKER)
    for answers in in_forks(lambda share: _marked(site, share), dealt):
        found.update(answers)
    return [(rel, found[rel]) for rel in names if rel in found]


def _marked(site: NewSite, names: list[str]) -> list[tuple[str, str]]:
    """(page, SHA-256) of those of ``names`` that Pagefind indexes."""
    marked = []
    for rel in names:
        data = site.path(rel).read_bytes()
        if BODY_MARK in data:
            marked.append((rel, hashlib.sha256(data).hexdigest()))
    return marked


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


def _index_shard(pages: NewSite, shard: _Shard, target: Path) -> None:
    """Index one shard's pages and records into ``target`` with Pagefind's program.

    Its own program, not its Python service: the service reads each answer a tenth of
    a second after asking, three times a shard, so that indexing the sample site took
    0.35 s of which 0.3 s was waiting; the program takes 0.13 s.
    """
    from pagefind_bin import get_executable

    with tempfile.TemporaryDirectory(prefix="search-shard-") as folder:
        site = Path(folder, "site")
        site.mkdir()
        # The shard's pages at their own paths (so Pagefind gives each its address),
        # as links to the built files; then one small page per record.
        for rel, _sha in shard.pages:
            link_atomic(pages.path(rel), site / rel)
        for record in shard.records:
            path = site / RECORDS_DIR / record.file_name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(record.html(), encoding="utf-8")
        config = {
            "site": str(site),
            "output_path": str(target),
            "force_language": LANGUAGE,
            "exclude_selectors": list(EXCLUDE),
            "glob": "**/*.html",
        }
        Path(folder, "pagefind.json").write_text(json.dumps(config), encoding="utf-8")
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


def _index_all(site: NewSite, jobs: list[tuple[_Shard, Path]], workers: int) -> None:
    """Index the shards, up to ``workers`` at once (Pagefind runs as its own process)."""
    if workers <= 1 or len(jobs) <= 1:
        for shard, target in jobs:
            _index_shard(site, shard, target)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in [pool.submit(_index_shard, site, shard, target) for shard, target in jobs]:
            done.result()


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


def _make_shards(site: NewSite, jobs: list[tuple[_Shard, Path]], workers: int) -> None:
    """Index each shard into its folder, again where Pagefind left a file incomplete."""
    pending = list(jobs)
    for attempt in range(1, ATTEMPTS + 1):
        for _shard, target in pending:
            shutil.rmtree(target, ignore_errors=True)
        _index_all(site, pending, workers)
        failed = []
        for shard, target in pending:
            try:
                _finish_shard(target, shard.number == 0)
            except IncompleteBundle:
                # A heavily loaded machine has seen Pagefind exit before its last file
                # was whole; such a shard is indexed again, never published.
                if attempt == ATTEMPTS:
                    raise
                failed.append((shard, target))
        pending = failed
        if not pending:
            return


def write_index(
    output: Path | str,
    records: Iterable[SearchRecord],
    *,
    count: int = 1,
    cache: Path | None = None,
    workers: int = 1,
    outputs: OutputCache | None = None,
) -> IndexResult:
    """Index the built site in ``output`` into ``count`` shards under ``output/pagefind/``,
    ``workers`` shards at a time. With ``outputs``, the build's output record, the site
    is ``output`` (its staging folder) over the files the build kept.

    Shards whose inputs are unchanged are taken from ``cache`` (a folder of shards by
    key, kept between builds); the others are indexed and added to it, and shards no
    longer used are removed from it. The bundle is made in a temporary folder and
    swapped in with a rename, so a reader never sees half an index; in a build with an
    output record (``outputs``, whose output folder is a staging folder no one reads),
    each file is put in its place instead, or kept as the last build left it when it
    comes from the same shard.
    """
    output = Path(output)
    site = outputs.new_site(output) if outputs is not None else NewSite(output)
    version = _pagefind_version()
    shards: dict[int, _Shard] = {}
    result = IndexResult()
    for rel, sha in _indexed_pages(site, workers):
        number = shard_of_page(rel, count)
        shards.setdefault(number, _Shard(number)).pages.append((rel, sha))
        result.pages += 1
    for record in records:
        number = shard_of(record.area.slug, count)
        shards.setdefault(number, _Shard(number)).records.append(record)
        result.records += 1
    shards.setdefault(0, _Shard(0))
    final = output / BUNDLE_DIR
    building = output / f".{BUNDLE_DIR}.building-{os.getpid()}"
    own_store = cache is None
    store = Path(tempfile.mkdtemp(prefix="search-shards-")) if cache is None else cache
    try:
        shutil.rmtree(building, ignore_errors=True)
        store.mkdir(parents=True, exist_ok=True)
        keys = {number: shard.key(version) for number, shard in shards.items()}
        jobs = [
            (shard, store / f".{keys[number]}.making")
            for number, shard in sorted(shards.items())
            if not (store / keys[number]).is_dir()
        ]
        _make_shards(site, jobs, workers)
        for shard, target in jobs:
            os.replace(target, store / keys[shard.number])
        for number in sorted(shards):
            source, inside = store / keys[number], shard_folder(number)
            files = sorted(p for p in source.rglob("*") if p.is_file())
            result.size += sum(p.stat().st_size for p in files if p.suffix not in UNCOUNTED)
            if outputs is not None:
                result.files += _place_shard(
                    source, files, output / inside, inside, keys[number], outputs
                )
            else:
                _place_shard(source, files, building / inside.removeprefix(f"{BUNDLE_DIR}/"))
        if outputs is None:
            if final.exists():
                shutil.rmtree(final)
            os.replace(building, final)
            result.files = sorted(p for p in final.rglob("*") if p.is_file())
        used = set(keys.values())
        for old in store.iterdir():
            if old.name not in used:
                shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(building, ignore_errors=True)
        if own_store:
            shutil.rmtree(store, ignore_errors=True)
    result.shards = len(shards)
    result.indexed_shards = len(jobs)
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
    """Link a shard's ``files`` (in ``source``) into ``target``; with ``outputs``, each is
    kept instead where the last good build put the same shard's (``inside``: where
    ``target`` is in the site, ``key``: the shard's). The path of each, kept or not."""
    placed = []
    for path in files:
        name = path.relative_to(source).as_posix()
        rel = inside + name
        if outputs is None or not outputs.reuse(rel, key):
            link_atomic(path, target / name)
            if outputs is not None:
                outputs.record(rel, key, path.read_bytes())
        placed.append(target / name)
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
