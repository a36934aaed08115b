"""A build's new site, and putting it in place.

A build never writes into the published output. Pelican and the plugins write into a
staging folder beside it, and a page or file the last good build made from the same
inputs is not written at all: it is *kept*, left as it is in the published output. The
new site is the staging folder's files over the kept ones (``NewSite``), and everything
that reads the built site before it is published (the checks, search) reads it through
that view.

Once every check has passed, ``put_in_place`` publishes it. When files were kept, only
what changed moves: each written file is renamed into the output, then the files of the
last site that the new one no longer has are deleted. A rebuild after one edit so
touches a handful of files, where making the output afresh made every folder of the
site again and linked every unchanged file into it (at national scale, 124,000 folders
and 232,000 links, tens of seconds whatever else was skipped). A reader of the live
site may, for a moment, see some pages of the new site beside some of the old. When
nothing was kept (a cold build, a first build) the staging folder replaces the output
whole, by renames: a reader sees the old site or the new one.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .files import link_atomic

__all__ = ["RETIRED_PREFIX", "NewSite", "put_in_place", "remove_leftovers"]


@dataclass
class NewSite:
    """The site a build made: the files written into ``folder`` over the files ``kept``
    as they are in ``published`` (paths relative to the site's root, with ``/``; a
    mapping to each file's record entry, which gives its hash, or just the paths)."""

    folder: Path
    published: Path | None = None
    kept: Collection[str] = ()
    _written: set[str] | None = field(default=None, repr=False)
    _files: list[str] | None = field(default=None, repr=False)

    @property
    def written(self) -> set[str]:
        """Every file in the staging folder (found once, when first asked)."""
        if self._written is None:
            self._written = set(walk(self.folder))
        return self._written

    def files(self) -> list[str]:
        """Every file of the new site, sorted."""
        if self._files is None:
            written = self.written
            self._files = sorted([*written, *(rel for rel in self.kept if rel not in written)])
        return self._files

    def has(self, rel: str) -> bool:
        """Whether the new site has the file ``rel``."""
        return rel in self.written or rel in self.kept

    def path(self, rel: str) -> Path:
        """Where the file ``rel`` of the new site is now."""
        if self.published is None or rel not in self.kept:
            return self.folder / rel
        staged = self.folder / rel
        if self._written is not None:
            return staged if rel in self._written else self.published / rel
        return staged if os.path.lexists(staged) else self.published / rel

    def note_written(self, rels: Iterable[str]) -> None:
        """Files written into the staging folder, or kept, since it was first listed."""
        self.written.update(rels)
        self._files = None

    def known_sha(self, rel: str) -> str | None:
        """The SHA-256 of a kept file's bytes, as the output record has it (the file's
        stat vouches for them: ``incremental.OutputCache``); None for a file written in
        this build, or where ``kept`` gives no hash."""
        entry = self.kept.get(rel) if isinstance(self.kept, Mapping) else None
        if entry is None:
            return None
        if self._written is not None:
            if rel in self._written:
                return None
        elif os.path.lexists(self.folder / rel):
            return None
        return getattr(entry, "sha", None)

    def files_where(self, wanted: Callable[[str], bool]) -> list[str]:
        """The files of the new site that ``wanted`` takes, sorted, found without
        keeping a list of every file (a national site has 300,000)."""
        if self._files is not None:
            return [rel for rel in self._files if wanted(rel)]
        listed = self._written if self._written is not None else walk(self.folder)
        found = {rel for rel in listed if wanted(rel)}
        found.update(rel for rel in self.kept if wanted(rel))
        return sorted(found)

    def kept_only(self) -> list[str]:
        """The kept files that nothing wrote over, sorted."""
        written = self.written
        return sorted(rel for rel in self.kept if rel not in written)


def walk(folder: Path) -> Iterable[str]:
    """Every file under ``folder``, as a path relative to it with ``/``, in no set order.

    As ``os.walk`` lists them (a link to a folder is neither followed nor listed), but
    each path is made by joining names as the folders are read, not by working out every
    folder's path relative to the top: listing a national site's output took 2.3 s with
    ``os.walk``, and 1.3 s so.
    """
    pending = [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        try:
            entries = os.scandir(path)
        except OSError:  # gone or unreadable, as os.walk skips it
            continue
        with entries:
            for entry in entries:
                if not entry.is_dir():
                    yield prefix + entry.name
                elif not entry.is_symlink():
                    pending.append((f"{prefix}{entry.name}/", entry.path))


def put_in_place(
    site: NewSite,
    output: Path,
    *,
    retention: Collection[str] = (),
    present: Callable[[], Iterable[str]] | None = None,
) -> str:
    """Publish ``site`` at ``output``; ``site.folder`` is gone afterwards.

    When files were kept, only the written files are moved in and every other file the
    output has is deleted (but for ``retention``, OUTPUT_RETENTION's names at its top);
    otherwise the kept files are linked into the staging folder and it replaces the
    output whole. ``present`` gives the files the output has, when they were listed
    already (``walk``); the output is not changed in between. Says which was done.
    """
    kept = site.kept_only() if site.published is not None else []
    if kept and output.is_dir() and not _clashes(site, output):
        listed = present() if present is not None else walk(output)
        moved, deleted = _move_in(site, output, listed, retention)
        return f"{moved} file(s) moved in, {deleted} deleted, {len(kept)} kept"
    for rel in kept:
        link_atomic(site.published / rel, site.folder / rel)  # type: ignore[operator]
    _swap_in(site.folder, output, retention)
    return "the whole output replaced"


def _clashes(site: NewSite, output: Path) -> bool:
    """Whether a written file would land where the output has a folder, or inside what
    the output has as a file (a page become a folder of pages, or the other way): such
    a rare build replaces the output whole."""
    for rel in site.written:
        if os.path.isdir(output / rel) and not os.path.islink(output / rel):
            return True
    folders = _with_parents(posixpath.dirname(rel) for rel in site.written)
    return any(
        os.path.lexists(output / folder) and not os.path.isdir(output / folder)
        for folder in folders
    )


def _move_in(
    site: NewSite, output: Path, present: Iterable[str], retention: Collection[str]
) -> tuple[int, int]:
    """Move the written files in and delete the ones ``present`` that the new site has
    not; how many of each."""
    made: set[str] = set()
    for rel in sorted(site.written):
        target = output / rel
        folder = posixpath.dirname(rel)
        if folder and folder not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(folder)
        os.replace(site.folder / rel, target)
    gone = [rel for rel in present if not site.has(rel) and rel.split("/", 1)[0] not in retention]
    emptied: set[str] = set()
    for rel in gone:
        try:
            (output / rel).unlink()
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            shutil.rmtree(output / rel, ignore_errors=True)
        emptied.add(posixpath.dirname(rel))
    for folder in sorted(_with_parents(emptied), key=lambda f: f.count("/"), reverse=True):
        with contextlib.suppress(OSError):  # only a folder with nothing left in it
            (output / folder).rmdir()
    # What is left of the staging folder is its folders, as many as the files moved:
    # many are removed in the background, like a replaced output (a few at once: a
    # process of its own would cost more than they do).
    if len(site.written) < MANY_FILES:
        shutil.rmtree(site.folder, ignore_errors=True)
    else:
        _retire(site.folder, output)
    return len(site.written), len(gone)


#: From this many files moved in, the staging folder is removed in the background.
MANY_FILES = 2000


def _with_parents(folders: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for folder in folders:
        while folder and folder not in found:
            found.add(folder)
            folder = posixpath.dirname(folder)
    return found


def _swap_in(staging: Path, output: Path, retention: Collection[str]) -> None:
    """Replace ``output`` with ``staging`` by renames on the same file system."""
    if not output.exists():
        output.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging, output)
        return
    for name in retention:  # OUTPUT_RETENTION, e.g. a .git folder for GitHub Pages
        kept = output / name
        if (kept.exists() or kept.is_symlink()) and not (staging / name).exists():
            os.replace(kept, staging / name)
    _retire(output, output)
    os.replace(staging, output)


def _retire(folder: Path, output: Path) -> None:
    """Move ``folder`` out of the way beside ``output`` and delete it in the background."""
    retired = Path(tempfile.mkdtemp(prefix=f"{RETIRED_PREFIX}{output.name}-", dir=output.parent))
    os.replace(folder, retired / folder.name)
    _remove_later(retired)


#: The last build's output, once replaced, waits under this name to be deleted.
RETIRED_PREFIX = ".retired."
#: Deletions still running (kept so that each finished one is reaped).
_REMOVALS: list[subprocess.Popen[bytes]] = []


def _remove_later(folder: Path) -> None:
    """Delete a replaced output in a process of its own: the new site is already in
    place, and unlinking tens of thousands of files need not hold the build up.

    If the deletion is cut short, the next build into the same folder finishes it.
    """
    _REMOVALS[:] = [job for job in _REMOVALS if job.poll() is None]
    code = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    try:
        job = subprocess.Popen(
            [sys.executable, "-c", code, str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    _REMOVALS.append(job)


def remove_leftovers(output: Path) -> None:
    """Replaced outputs an earlier build did not get to delete (it was stopped)."""
    running = {str(job.args[-1]) for job in _REMOVALS if job.poll() is None}  # type: ignore[index]
    for folder in output.parent.glob(f"{RETIRED_PREFIX}{output.name}-*"):
        if folder.is_dir() and str(folder) not in running:
            _remove_later(folder)
