"""Incremental builds that are exactly right: reuse a page only when its inputs are the same.

Three pieces, each a function of its inputs and never of the clock or file times:

* ``fingerprint(settings)``: everything that can change every page at once (the code of
  the library and plugins, the theme, Pelican's version, the settings, the build date).
  A different fingerprint throws the whole cache away.
* ``Digester``: a digest of each value a page is rendered from (an update, an area, a
  list of updates, a setting), memoised for the build so that each is computed once.
  A value it does not know how to digest makes the page uncacheable: it is rendered.
* ``OutputCache``: for each output file, the key it was made from and the SHA-256 of its
  bytes, recorded by the last build that succeeded. A file whose key is unchanged is
  kept, left as it is in the published output, while its stat (size, times, inode) is
  still the recorded one, which vouches for its bytes as git's index does; the checks
  and search then take its hash from the record. Every other file is made afresh. The
  record is replaced only when a build succeeds (``outputs.put_in_place`` publishes the
  new site).

When in doubt the cache is dropped, never trusted: ``tests/site/test_incremental.py``
builds after every kind of edit and compares the tree with a cold build, byte for byte.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import json
import os
import pickle
import shutil
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache, Template, meta
from jinja2.bccache import Bucket
from pelican.contents import Content
from pelican.paginator import Page as ListPage
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper

from .files import KEPT, Kept, write_atomic
from .outputs import NewSite
from .settings import PROJECT
from .site import AreaRecord, Site, UpdateInfo

CACHE_VERSION = 5
_MISSING = "(missing)"
#: Settings that say where things go, not what they are.
VOLATILE_SETTINGS = frozenset(
    {"OUTPUT_PATH", "PATH", "CACHE_PATH", "SITE_MODEL", "JINJA_GLOBALS", "JINJA_FILTERS",
     "THEME_STYLESHEET", "BUILD_CACHE", "BUILD_DEFERRED", "BUILD_WORKERS", "PLUGIN_PATHS",
     "THEME", "BUILD_CACHE_DIR", "MARKUP_MEMO", "JINJA_BYTECODE", "BUILD_AFTER_PELICAN"}
)  # fmt: skip


#: What each template source reads and references, by its text and the lexer's syntax:
#: a live preview builds again and again in one process, and parsing every template
#: anew each time was a fifth of its rebuild.
_TemplateNames = tuple[frozenset[str], tuple[str | None, ...]]
#: The options of an environment that decide how a template's text is parsed.
_SYNTAX = (
    "block_start_string", "block_end_string", "variable_start_string",
    "variable_end_string", "comment_start_string", "comment_end_string",
    "line_statement_prefix", "line_comment_prefix",
)  # fmt: skip
_NAMES_BY_SOURCE: dict[tuple[str, tuple[Any, ...]], _TemplateNames] = {}


def _template_names(environment: Environment, source: str) -> _TemplateNames:
    """The variables ``source`` reads, and the templates it extends, includes or imports
    (None for one named by an expression)."""
    syntax = (
        *(getattr(environment, name) for name in _SYNTAX),
        tuple(sorted(environment.extensions)),
    )
    known = _NAMES_BY_SOURCE.get((source, syntax))
    if known is None:
        tree = _analyser(environment, syntax).parse(source)
        known = (
            frozenset(meta.find_undeclared_variables(tree)),
            tuple(meta.find_referenced_templates(tree)),
        )
        _NAMES_BY_SOURCE[(source, syntax)] = known
    return known


_ANALYSERS: dict[tuple[Any, ...], Environment] = {}


def _analyser(environment: Environment, syntax: tuple[Any, ...]) -> Environment:
    """An environment of the same syntax and extensions as ``environment`` but with no
    globals, to find the names a template reads: Jinja's ``find_undeclared_variables``
    leaves out every name that is one of the parsing environment's globals (``maps``,
    ``site``, ``feedback``, …), and a page's key must cover those too. Parsed by the
    build's own environment, the 404 page's key missed ``maps``, and adding a postcode
    file left the postcode box off it."""
    found = _ANALYSERS.get(syntax)
    if found is None:
        found = _ANALYSERS[syntax] = Environment(
            **{name: getattr(environment, name) for name in _SYNTAX},
            extensions=[type(extension) for extension in environment.extensions.values()],
        )
        found.globals.clear()  # Jinja's own (range, dict, lipsum, …) are left in a key too
    found.filters, found.tests = environment.filters, environment.tests  # checked on parsing
    return found


class Uncacheable(Exception):
    """A value the digester cannot vouch for: the page is rendered, not reused."""


def _hash(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _tree_digest(folders: Iterable[Path], suffixes: tuple[str, ...] | None = None) -> str:
    parts: list[str] = []
    for folder in folders:
        if not folder.exists():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts or (suffixes and path.suffix not in suffixes):
                continue
            parts += [path.relative_to(folder).as_posix(), _hash(path.read_bytes())]
    return _hash(*parts)


def fingerprint(settings: Mapping[str, Any], build_date: dt.date) -> str:
    """What every output depends on: code, theme, Pelican, settings and the build date."""
    import pelican

    code = _tree_digest([PROJECT / "src", PROJECT / "plugins"], (".py",))
    theme = _tree_digest([Path(str(settings.get("THEME") or PROJECT / "theme"))])
    digester = Digester()
    values: list[str] = []
    for name in sorted(settings):
        if name in VOLATILE_SETTINGS or not name.isupper():
            continue
        try:
            values += [name, digester.digest(settings[name])]
        except Uncacheable:
            values += [name, repr(type(settings[name]))]
    return _hash(
        str(CACHE_VERSION), pelican.__version__, code, theme, build_date.isoformat(), *values
    )


#: A plain value's digest is its type and text, hashed only when long: most values a
#: page is made from are short text, numbers and dates, and a hash for each was a
#: tenth of a rebuild. (A hash is hexadecimal, never ``type:text``.)
_SHORT = 80


def _plain(value: Any) -> str:
    text, name = repr(value), type(value).__name__
    return f"{name}:{text}" if len(text) <= _SHORT else _hash(name, text)


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's field names (``dataclasses.fields`` works them out on every call)."""
    return tuple(f.name for f in dataclasses.fields(kind))


class Digester:
    """Digests of the values pages are made from, each computed once per build.

    What a digest covers, by kind of value:

    * plain data (text, numbers, dates, lists, mappings, enums, pydantic models,
      dataclasses of plain data): all of it;
    * an update (Pelican's article or the model's ``UpdateInfo``): its rendered content
      and summary, its metadata, address and category, and the area files of its areas
      (not those areas' other updates);
    * an area (``AreaRecord``): its files (area.yaml, priorities, patrols, events,
      boundary) and its list of updates;
    * the site model: every area and every update;
    * a Pelican page of a paginated list: its number, the number of pages and its items.

    Anything else is ``Uncacheable``.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self._memo: dict[int, tuple[Any, str]] = {}
        self._handlers: list[tuple[type, Callable[[Any], str]]] = []
        self._how: dict[type, Callable[[Any], str]] = {}
        #: What was remembered since ``passing`` began (None outside it).
        self._passing: list[int] | None = None

    @property
    def handlers(self) -> list[tuple[type, Callable[[Any], str]]]:
        """(type, digest function) for the site's own objects, tried before the rest."""
        return self._handlers

    @handlers.setter
    def handlers(self, handlers: list[tuple[type, Callable[[Any], str]]]) -> None:
        self._handlers = handlers
        self._how.clear()

    def _memoised(self, value: Any, make: Callable[[], str]) -> str:
        entry = self._memo.get(id(value))
        if entry is not None and entry[0] is value:
            return entry[1]
        result = make()
        self._memo[id(value)] = (value, result)  # the reference keeps the id from reuse
        if self._passing is not None:
            self._passing.append(id(value))
        return result

    @contextlib.contextmanager
    def passing(self) -> Iterator[None]:
        """Digests remembered inside are forgotten at its end: for values made for a few
        pages (one area's monthly reports), which the memo would otherwise keep alive,
        every one of them, until every page has its key. One asked for again later is
        worked out again, the same."""
        outer, self._passing = self._passing, []
        try:
            yield
        finally:
            for key in self._passing:
                self._memo.pop(key, None)
            self._passing = outer

    def digest(self, value: Any) -> str:
        how = self._how.get(type(value))
        if how is None:
            how = self._how[type(value)] = self._how_for(type(value))
        return how(value)

    def _how_for(self, kind: type) -> Callable[[Any], str]:
        """How values of ``kind`` are digested: worked out once per type, since a page's
        key digests hundreds of values and asking each what it is was most of the time."""
        if kind is type(None) or issubclass(kind, (bool, int, float, str, bytes)):
            return _plain
        if issubclass(kind, enum.Enum):
            return lambda value: _hash("enum", type(value).__name__, repr(value.value))
        if issubclass(kind, (dt.date, dt.datetime, dt.time, dt.timedelta)):
            return _plain
        if issubclass(kind, (list, tuple)):
            return lambda value: self._memoised(value, lambda: self._sequence(value))
        if issubclass(kind, (set, frozenset)):
            return lambda value: _hash("set", *sorted(self.digest(item) for item in value))
        if issubclass(kind, Mapping):
            return lambda value: self._memoised(value, lambda: self._mapping(value))
        for handled, handler in self.handlers:
            if issubclass(kind, handled):
                return lambda value, h=handler: self._memoised(value, lambda: h(value))
        if callable(getattr(kind, "model_dump_json", None)):  # a pydantic model: fully
            return lambda value: self._memoised(
                value, lambda: _hash(type(value).__name__, value.model_dump_json())
            )
        if dataclasses.is_dataclass(kind):
            names = _field_names(kind)
            return lambda value: self._memoised(
                value,
                lambda: _hash(
                    type(value).__name__, *(self.digest(getattr(value, name)) for name in names)
                ),
            )
        if issubclass(kind, types.ModuleType):  # a plugin given as a module: never reused
            return lambda value: _hash("module", value.__name__, str(id(value)))
        if any("__call__" in vars(base) for base in kind.__mro__):
            # a function, filter or class: its code is in the fingerprint
            return lambda value: _hash(
                "callable", getattr(value, "__qualname__", repr(type(value)))
            )

        def uncacheable(value: Any) -> str:
            raise Uncacheable(type(value).__name__)

        return uncacheable

    def _sequence(self, value: Any) -> str:
        return _hash("seq", *(self.digest(item) for item in value))

    def _mapping(self, value: Mapping[Any, Any]) -> str:
        return _hash(
            "map",
            *(
                part
                for key in sorted(value, key=repr)
                for part in (repr(key), self.digest(value[key]))
            ),
        )

    def fresh(self, value: Any) -> str:
        """The digest of a list or mapping made only to be digested (a copy): the same
        as ``digest``, but not remembered, so that the memo does not keep it alive."""
        if isinstance(value, Mapping):
            return self._mapping(value)
        if isinstance(value, (list, tuple)):
            return self._sequence(value)
        return self.digest(value)


class Entry(NamedTuple):
    """What the record says of one output file, as it stood once its build was in place."""

    key: str
    sha: str  # SHA-256 of its bytes
    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int
    #: Changed in the same tick of the file system's clock as the record was taken: a
    #: change later in that tick would leave the same times, so its bytes are hashed
    #: before it is trusted (git's "racy" files).
    racy: bool


@dataclasses.dataclass
class OutputCache:
    """Which output files the last good build made from which key (see the module notes).

    Each entry (``Entry``) holds the file's key, the SHA-256 of its bytes, and its size,
    modification and change times and inode as it stood in the output once that build
    was in place. A file whose key is unchanged is kept, left as it is in the published
    output, while its stat is still the recorded one (``reuse``): then its bytes are the
    recorded ones, and the checks and search take its hash from the record instead of
    reading it. This is the test git makes of its index. No one can set a file's change
    time: writing, renaming or linking it, or setting its modification time back, moves
    the change time on, and copying or replacing it gives a new inode. A file recorded
    in the very tick of the clock the record was taken (``Entry.racy``) is hashed too.
    """

    index_path: Path
    previous_output: Path
    fingerprint: str
    old: dict[str, Entry] = dataclasses.field(default_factory=dict)
    new: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)
    #: Files kept from the previous output: file -> its entry in the record.
    kept: dict[str, Entry] = dataclasses.field(default_factory=dict)
    #: Folders of the output whose files are still to be placed after ``let_go``.
    retained: set[str] = dataclasses.field(default_factory=set)
    reused: int = 0
    made: int = 0
    #: Of the files made, those kept because they came out as the bytes published.
    same_bytes: int = 0
    #: The last good build's groups: name -> (key, ((file, its key, extra), ...)).
    old_groups: dict[str, tuple[str, tuple[tuple[str, str, Any], ...]]] = dataclasses.field(
        default_factory=dict
    )
    #: This build's groups: name -> (key, ((file, extra), ...)); each file's key is the
    #: one it is recorded with when the record is written.
    new_groups: dict[str, tuple[str, tuple[tuple[str, Any], ...]]] = dataclasses.field(
        default_factory=dict
    )
    #: Groups kept whole, and the files in them.
    groups_kept: int = 0

    @classmethod
    def open(cls, cache_dir: Path, previous_output: Path, fingerprint: str) -> OutputCache:
        cache = cls(cache_dir / "outputs.pickle", previous_output, fingerprint)
        try:
            with cache.index_path.open("rb") as stream:
                stored = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return cache
        if (
            isinstance(stored, dict)
            and stored.get("version") == CACHE_VERSION
            and stored.get("fingerprint") == fingerprint
            and stored.get("output") == str(previous_output)
        ):
            cache.old = {rel: Entry(*entry) for rel, entry in stored["files"].items()}
            cache.old_groups = dict(stored.get("groups") or {})
        return cache

    def _unchanged(self, rel: str, key: str) -> Entry | None:
        entry = self.old.get(rel)
        if entry is None or entry.key != key:
            return None
        # A path joined as text: a Path made for each of a national site's 232,000
        # files, only to be turned back into text, was a second of every build.
        path = os.path.join(self.previous_output, rel)
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino) != entry[2:6]:
            return None
        if entry.racy:
            try:
                with open(path, "rb") as stream:
                    if hashlib.sha256(stream.read()).hexdigest() != entry.sha:
                        return None
            except OSError:
                return None
        return entry

    def reuse(self, rel: str, key: str) -> bool:
        """Whether the previous build's file ``rel`` is kept as it is: it was made from
        ``key`` and its stat is still the recorded one (so are its bytes)."""
        entry = self._unchanged(rel, key)
        if entry is None:
            return False
        self.new[rel] = (entry[0], entry[1])
        self.kept[rel] = entry
        self.reused += 1
        return True

    def reuse_group(
        self, name: str, key: str, refuse: Callable[[str], bool] | None = None
    ) -> tuple[tuple[str, Any], ...] | None:
        """The files of group ``name`` (with what was noted of each), all kept as they
        are, when the last good build made the group from ``key`` and every one of its
        files is unchanged since; else None, and nothing is kept.

        A group is the files one writer makes from one set of inputs (an area's monthly
        reports, their list and feeds): its key covers everything each file's own key
        would, so the files need not be made, nor keyed one by one. Each keeps the key
        it was recorded with, the very key it would have now. Not when ``refuse`` says
        one of the files may not be kept (the caller's writer has written it already)."""
        found = self.old_groups.get(name)
        if found is None or found[0] != key:
            return None
        if refuse is not None and any(refuse(rel) for rel, _key, _extra in found[1]):
            return None
        entries = []
        for rel, file_key, _extra in found[1]:
            entry = self._unchanged(rel, file_key)
            if entry is None:
                return None
            entries.append((rel, entry))
        for rel, entry in entries:
            self.new[rel] = (entry[0], entry[1])
            self.kept[rel] = entry
        self.reused += len(entries)
        self.groups_kept += 1
        members = tuple((rel, extra) for rel, _key, extra in found[1])
        self.new_groups[name] = (key, members)
        return members

    def record_group(self, name: str, key: str, members: Iterable[tuple[str, Any]]) -> None:
        """Group ``name``, made from ``key``, is these (file, extra) in this build; it is
        kept in the record only if every one of its files is (with the key it has)."""
        self.new_groups[name] = (key, tuple(members))

    def reuse_bytes(self, rel: str, key: str, sha: str) -> bool:
        """Whether ``rel`` is kept as it is because the previous build's file there has
        the bytes ``sha`` (whatever it was made from) and is unchanged since; it is
        recorded as made from ``key``."""
        if not self._same_as_before(rel, sha):
            return False
        self.new[rel] = (key, sha)
        self.reused += 1
        return True

    def keep_same_bytes(self, staging: Path, rels: Iterable[str]) -> int:
        """Of the files in ``staging``, keep those whose bytes are the last good build's
        file there, unchanged since: the staged file is deleted and the published file
        stays, as a kept page does. How many were kept. Two kinds are looked at:

        - pages made again because their key changed, into the very bytes they had (a
          key covers everything a page could read, so an edited update makes again the
          pages that read the whole site, most of which show nothing of that update);
        - files no one recorded: Pelican's copies of the theme's and the content's static
          files, made afresh in every build, recorded here by their bytes for the next.

        A page or stylesheet kept is one the checks and search need not read again:
        every page links to the stylesheet, and one copied again made the link check of
        a rebuild look at every link of every page."""
        kept = 0
        for rel in rels:
            made = self.new.get(rel)
            if made is not None:  # a page made in this build (never a kept one: those
                # are not written, and one written over is no longer kept: ``unkeep``)
                if self._same_as_before(rel, made[1]):
                    (staging / rel).unlink()
                    self.same_bytes += 1
                    kept += 1
                continue
            path = staging / rel
            if path.is_symlink():  # STATIC_CREATE_LINKS: a link, not a copy
                continue
            try:
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                continue
            key = f"bytes:{sha}"
            if self.reuse_bytes(rel, key, sha):
                path.unlink()
                kept += 1
            else:
                self.record_hash(rel, key, sha)
        return kept

    def _same_as_before(self, rel: str, sha: str) -> bool:
        """Whether the last good build's file ``rel`` has the bytes ``sha`` and is
        unchanged since; if so it is kept (the record gives it the key it has now)."""
        entry = self.old.get(rel)
        if entry is None or entry.sha != sha or self._unchanged(rel, entry.key) is None:
            return False
        self.kept[rel] = entry
        return True

    def retain(self, folder: str) -> None:
        """Keep the last record of ``folder/`` (a path with ``/``) past ``let_go``: its
        files are placed late (search's bundle, while the checks run)."""
        self.retained.add(folder.rstrip("/") + "/")

    def let_go(self) -> None:
        """Forget the last build's record but for the ``retained`` folders: once the
        pages are made it was asked no more (at national scale, 300,000 entries)."""
        prefixes = tuple(self.retained)
        self.old = {rel: e for rel, e in self.old.items() if prefixes and rel.startswith(prefixes)}

    def unkeep(self, rel: str) -> None:
        """``rel`` was not kept after all: it is made afresh."""
        if self.kept.pop(rel, None) is not None:
            self.new.pop(rel, None)
            self.reused -= 1

    def new_site(self, staging: Path) -> NewSite:
        """The site being built: the files written into ``staging`` over those kept."""
        return NewSite(staging, self.previous_output, self.kept)

    def record(self, rel: str, key: str, data: bytes) -> None:
        self.record_hash(rel, key, hashlib.sha256(data).hexdigest())

    def record_hash(self, rel: str, key: str, sha: str) -> None:
        self.new[rel] = (key, sha)
        self.made += 1

    def forget(self) -> None:
        """Delete the record: while a new site is being put in place it is untrue."""
        self.index_path.unlink(missing_ok=True)

    def commit(self) -> None:
        """Keep this build's record: call only once the build has succeeded and is in
        place (each file made is statted in the output as it is now; a kept file's
        entry is the one recorded, as it was not touched)."""
        self.index_path.parent.mkdir(parents=True, exist_ok=True)
        tick = _clock_tick(self.index_path.parent / "clock")
        files: dict[str, tuple[Any, ...]] = {}
        for rel, (key, sha) in self.new.items():
            entry = self.kept.get(rel)
            if entry is not None and entry.sha == sha:  # untouched (made from another
                # key, into the same bytes, when ``keep_same_bytes`` kept it)
                racy = entry.racy and entry.ctime_ns >= tick
                files[rel] = tuple(entry._replace(key=key, racy=racy))
                continue
            try:
                stat = os.stat(self.previous_output / rel)
            except OSError:
                continue
            racy = max(stat.st_mtime_ns, stat.st_ctime_ns) >= tick
            files[rel] = (key, sha, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns,
                          stat.st_ino, racy)  # fmt: skip
        groups = {}
        for name, (key, members) in self.new_groups.items():
            recorded = tuple(
                (rel, files[rel][0], extra) for rel, extra in members if rel in files
            )
            if len(recorded) == len(members):  # a file not recorded: the group is not
                groups[name] = (key, recorded)
        stored = {
            "version": CACHE_VERSION,
            "fingerprint": self.fingerprint,
            "output": str(self.previous_output),
            "files": files,
            "groups": groups,
        }
        write_atomic(
            self.index_path, lambda f: pickle.dump(stored, f, protocol=pickle.HIGHEST_PROTOCOL)
        )


def _clock_tick(stamp: Path) -> int:
    """The file system's clock now, as the change time of a file written to ``stamp``:
    a file whose times are not before it may yet change without its times changing."""
    stamp.write_bytes(b"")
    return os.stat(stamp).st_ctime_ns


def template_bytecode(settings: Mapping[str, Any]) -> FileSystemBytecodeCache | None:
    """Jinja's cache of compiled templates, in the build cache (none outside a cached build).

    Every Pelican generator has its own Jinja environment and compiles each template it
    uses again, in every build. Jinja keys compiled code by the template's name and
    checks it against the template's text; what else can change the code (Jinja itself,
    the environment's options, the filters folded in at compile time, our code) is in
    the folder's name, the build fingerprint, so a change of any starts an empty folder.
    """
    cache, folder = settings.get("BUILD_CACHE"), settings.get("BUILD_CACHE_DIR")
    if not isinstance(cache, BuildCache) or not folder:
        return None
    parent = Path(folder) / "templates"
    stamp = _hash(cache.outputs.fingerprint, jinja2.__version__)[:20]
    if parent.is_dir():
        for old in parent.iterdir():
            if old.name != stamp:
                shutil.rmtree(old, ignore_errors=True)
    (parent / stamp).mkdir(parents=True, exist_ok=True)
    return _RememberedBytecode(str(parent / stamp))


class _RememberedBytecode(FileSystemBytecodeCache):
    """Compiled templates on disk, and in this process's memory too: a live preview
    builds again and again in one process, and every build's generators read and
    unmarshalled each template's code again. A template's code is taken from memory
    only for the same folder (the same fingerprint), name and text (Jinja's checksum)."""

    _codes: ClassVar[dict[tuple[str, str], tuple[str, types.CodeType]]] = {}

    def _remember(self, bucket: Bucket) -> None:
        codes = _RememberedBytecode._codes
        if any(folder != self.directory for folder, _ in codes):  # another fingerprint
            codes.clear()
        if bucket.code is not None:
            codes[(self.directory, bucket.key)] = (bucket.checksum, bucket.code)

    def load_bytecode(self, bucket: Bucket) -> None:
        known = self._codes.get((self.directory, bucket.key))
        if known is not None and known[0] == bucket.checksum:
            bucket.code = known[1]
            return
        super().load_bytecode(bucket)
        self._remember(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        super().dump_bytecode(bucket)
        self._remember(bucket)


def cache_dir_for(output: Path) -> Path:
    """The cache of the builds into ``output``: ``.<name>-cache`` beside it."""
    output = output.resolve()
    return output.parent / f".{output.name}-cache"


def unchanged(
    settings: Mapping[str, Any], items: Iterable[tuple[str, bytes | str]]
) -> Iterable[tuple[str, bytes | str | Kept]]:
    """``items`` for ``write_outputs``, each file the last good build wrote with the same
    bytes kept as it is (``BuildCache.unchanged``; all written without a build cache).
    A file something else wrote in this build already is written over, never kept."""
    cache = settings.get("BUILD_CACHE")
    if not isinstance(cache, BuildCache):
        return items
    return cache.unchanged(items, Path(settings["OUTPUT_PATH"]))


def enabled(settings: Mapping[str, Any]) -> bool:
    return bool(settings.get("INCREMENTAL", True)) and not os.environ.get("NO_BUILD_CACHE")


class BuildCache:
    """One build's output record and digester, with digests of the site's own objects.

    The build runner makes it and puts it in ``settings["BUILD_CACHE"]``; the
    neighbourhoods plugin's writer and the plugins that write their own files (feeds,
    calendars) ask it for keys and reuse what the last good build made.
    """

    def __init__(self, outputs: OutputCache, root: Path) -> None:
        self.outputs = outputs
        self.digester = Digester(root)
        self._names: dict[str, frozenset[str] | None] = {}
        self._shallow: dict[str, tuple[AreaRecord, str]] = {}
        self._files: dict[str, str] = {}
        self._sorted: dict[str, tuple[str, ...]] = {}
        self._last: dict[str, tuple[Any, str]] = {}
        self._handle(self.digester)

    def _handle(self, digester: Digester) -> None:
        digester.handlers = [
            (Content, self._content),
            (UpdateInfo, self._update),
            (AreaRecord, self._area),
            (Site, self._site),
            (ListPage, self._list_page),
            (Paginator, lambda p: _hash("paginator", str(p.num_pages), str(p.count))),
            (URLWrapper, lambda w: _hash("wrapper", type(w).__name__, w.name, w.url)),
        ]

    def forget_digests(self) -> None:
        """Let go of the digests of this build's values (a quarter of a gigabyte at
        national scale) once every page has its key; a key asked for later is worked
        out again, the same."""
        self.digester = Digester(self.digester.root)
        self._handle(self.digester)
        self._shallow.clear()
        self._files.clear()
        self._last.clear()

    # -- digests of the site's own objects ---------------------------------------------
    def _file(self, rel: str) -> str:
        """The digest of a content file's bytes, read once per build (each update's is
        asked for by every page of its areas)."""
        found = self._files.get(rel)
        if found is None:
            root = self.digester.root
            path = root / rel if root else None
            if path is None:
                found = _MISSING
            else:
                found = _hash(path.read_bytes()) if path.is_file() else "-"
            self._files[rel] = found
        return found

    def _area_shallow(self, record: AreaRecord) -> str:
        """An area's own content: what an update's page may show of its areas.

        Asked for by every page of each of the area's updates, so made once per build.
        """
        found = self._shallow.get(record.slug)
        if found is not None and found[0] is record:
            return found[1]
        digest = _hash(
            "area",
            record.slug,
            record.area.model_dump_json(),
            *(p.model_dump_json() for p in record.priorities),
            *(p.model_dump_json() for p in record.patrols),
            *(e.model_dump_json() for e in record.events),
        )
        self._shallow[record.slug] = (record, digest)
        return digest

    def _area(self, record: AreaRecord) -> str:
        known = {"slug", "folder", "area", "priorities", "patrols", "events", "shape"}
        extras = [
            (name, value)
            for name, value in vars(record).items()
            if name not in known and name not in {"own_updates", "updates"}
        ]
        parts = [self._area_shallow(record)]
        for name, value in sorted(extras, key=lambda item: item[0]):
            parts += [name, self._json(value) if name == "boundary" else self._nested(value)]
        for info in record.updates:
            parts += [info.source, self._file(info.source)]
        return _hash(*parts)

    def _json(self, value: Any) -> str:
        """GeoJSON as it was read (text keys, lists, numbers): its JSON text, hashed once,
        where going through it value by value was most of digesting an area."""
        try:
            return _hash("json", json.dumps(value, sort_keys=True, allow_nan=False))
        except (TypeError, ValueError):
            return self._nested(value)

    def _nested(self, value: Any) -> str:
        """Inside an area: other areas and updates by their own content only (no cycles)."""
        if isinstance(value, AreaRecord):
            return self._area_shallow(value)
        if isinstance(value, UpdateInfo):
            return _hash("update", value.source, self._file(value.source))
        if isinstance(value, (list, tuple)):
            return _hash("seq", *(self._nested(item) for item in value))
        if isinstance(value, dict):
            return _hash("map", *(f"{k!r}{self._nested(v)}" for k, v in sorted(value.items())))
        return self.digester.digest(value)

    def _update(self, info: UpdateInfo) -> str:
        parts = [
            "update",
            info.source,
            self._file(info.source),
            info.url,
            info.meta.model_dump_json(),
            *(self._area_shallow(r) for r in info.area_records),
        ]
        if info.article is not None:  # through the memo: its own page's key has it already
            parts.append(self.digester.digest(info.article))
        return _hash(*parts)

    def _content(self, content: Content) -> str:
        """An update or page as Pelican made it: its rendered text, metadata and areas."""
        d = self.digester
        parts = [
            type(content).__name__,
            str(content.source_path),
            content.content,
            content.summary or "",
            content.url,
            content.save_as,
            str(content.status),
            d.fresh({k: v for k, v in content.metadata.items() if k != "summary"}),
        ]
        info = getattr(content, "update", None)
        if isinstance(info, UpdateInfo):
            parts += [info.meta.model_dump_json(), info.url]
            parts += [self._area_shallow(r) for r in info.area_records]
        return _hash(*parts)

    def _site(self, site: Site) -> str:
        parts = [self._area(record) for record in site.areas.values()]
        parts += [self._update(info) for info in site.updates.values()]
        return _hash("site", site.build_date.isoformat(), *parts)

    def _list_page(self, page: ListPage) -> str:
        d = self.digester
        return _hash(
            "page",
            str(page.number),
            str(page.paginator.num_pages),
            page.url,
            page.save_as,
            d.fresh(list(page.object_list)),
        )

    # -- templates ---------------------------------------------------------------------
    def names(self, environment: Environment, name: str | None) -> frozenset[str] | None:
        """Every variable a template can read, with what it extends, includes and imports."""
        if name is None:
            return None
        if name not in self._names:
            self._names[name] = None  # a template that includes itself reads nothing new
            try:
                source = environment.loader.get_source(environment, name)[0]  # type: ignore[union-attr]
            except Exception:
                return None
            read, references = _template_names(environment, source)
            found = set(read)
            for referenced in references:
                more = self.names(environment, referenced)
                if more is None:
                    return None  # a dynamic include: nothing can be assumed
                found |= more
            self._names[name] = frozenset(found)
        return self._names[name]

    def _read_by(self, template: Template) -> tuple[str, ...] | None:
        """Every variable ``template`` can read, sorted (None: it cannot be known)."""
        name_of = template.name or ""
        names = self._sorted.get(name_of)
        if names is None:
            found = self.names(template.environment, template.name)
            if found is None:
                return None
            names = self._sorted[name_of] = tuple(sorted(found))
        return names

    def key(self, template: Template, context: dict[str, Any]) -> str | None:
        names = self._read_by(template)
        if names is None:
            return None
        parts = [template.name or "", str(context.get("output_file"))]
        return _hash(*parts) if self._add_values(parts, names, template, context) else None

    def shared_key(
        self, templates: Iterable[Template], context: Mapping[str, Any], own: frozenset[str]
    ) -> str | None:
        """The digest of every variable the ``templates`` can read from ``context`` and
        their globals, but the ``own`` ones (each page's own values, which the caller
        covers by what they are made from); None when one cannot be digested."""
        parts: list[str] = []
        for template in templates:
            names = self._read_by(template)
            if names is None:
                return None
            parts.append(template.name or "")
            read = tuple(name for name in names if name not in own)
            if not self._add_values(parts, read, template, context):
                return None
        return _hash("shared", *parts)

    def _add_values(
        self,
        parts: list[str],
        names: tuple[str, ...],
        template: Template,
        context: Mapping[str, Any],
    ) -> bool:
        """Add each of ``names`` and the digest of its value to ``parts``; False when a
        value cannot be digested."""
        globals_ = template.environment.globals
        # Most variables are the same object on every page (settings, the site, lists):
        # the digest of the value a name had on the page before is used again while the
        # name still holds that very object (the digester's own memo has the same rule).
        last = self._last
        digest = self.digester.digest
        try:
            for name in names:
                if name in context:
                    value = context[name]
                elif name in globals_:
                    value = globals_[name]
                else:
                    parts += [name, _MISSING]
                    continue
                seen = last.get(name)
                if seen is not None and seen[0] is value:
                    parts += [name, seen[1]]
                    continue
                made = digest(value)
                last[name] = (value, made)
                parts += [name, made]
        except Uncacheable:
            return False
        return True

    # -- files written by plugins themselves -------------------------------------------
    def unchanged(
        self, items: Iterable[tuple[str, bytes | str]], output: Path
    ) -> Iterable[tuple[str, bytes | str | Kept]]:
        """(path, data) for each (path, data) made anew, or ``KEPT`` where the last good
        build wrote the same bytes there: for files cheaper to make than to key (a map
        drawn from memory, a postcode shard, the sitemap), so that a rebuild neither
        writes nor moves them. A file already written into ``output`` in this build (by
        another writer) is written over, never kept."""
        for rel, data in items:
            if os.path.lexists(output / rel):
                yield rel, data
                continue
            payload = data.encode("utf-8") if isinstance(data, str) else data
            sha = hashlib.sha256(payload).hexdigest()
            key = f"bytes:{sha}"
            if self.outputs.reuse(rel, key):
                yield rel, KEPT
                continue
            self.outputs.record_hash(rel, key, sha)
            yield rel, data

    def key_of(self, *values: Any) -> str | None:
        """The key of a file made from ``values``, or None when one cannot be digested."""
        try:
            return _hash(*(self.digester.digest(value) for value in values))
        except Uncacheable:
            return None

    def files(
        self, items: Iterable[tuple[str, str | None, Callable[[], bytes | str]]]
    ) -> Iterable[tuple[str, bytes | str | Kept]]:
        """(path, data) for each (path, key, render): ``KEPT`` when the last good build
        made the file from the same key (it stays as it is), else rendered now (and
        recorded)."""
        for rel, key, render in items:
            if key is not None and self.outputs.reuse(rel, key):
                yield rel, KEPT
                continue
            data = render()
            if key is not None:
                payload = data.encode("utf-8") if isinstance(data, str) else data
                self.outputs.record(rel, key, payload)
            yield rel, data
