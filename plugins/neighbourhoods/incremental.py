"""Reusing unchanged pages, and rendering the rest on every core.

Every page any generator writes goes through ``Writer.write_file``; this writer hands it
a stand-in for the template whose ``render`` first works out the page's key: the
digests of every variable the template and the templates it extends, includes and
imports can read (found with Jinja's own ``meta`` analysis), taken from the page's
context or the environment's globals. When the last good build made the same file from
the same key (and it still has the size and time it had then), the page is kept: it
stays as it is in the published output, and nothing is rendered, read or written (not
even its folder in the staging folder). The checks hash every file of the new site,
and the build runner compares the kept ones with the record (``OutputCache.stale``).
See ``neighbourhood_policing.incremental`` for what each digest covers.

A page that must be made is not rendered at once: Pelican writes an empty file and the
job is kept. On ``finalized`` (the neighbourhoods plugin's receiver runs before every
other plugin's) the jobs are shared among ``BUILD_WORKERS`` forked processes, which
render and write the files and send back what they made; any error in a worker fails
the build with its traceback. Nothing reads a page before then: the sitemap only notes
its path and dates, and the checks run after Pelican.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import logging
import os
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import is_not
from pathlib import Path
from typing import Any

from jinja2 import Template
from pelican import signals
from pelican.writers import Writer

from neighbourhood_policing.files import write_staged
from neighbourhood_policing.incremental import BuildCache
from neighbourhood_policing.parallel import WorkFailed, in_forks, shares

logger = logging.getLogger(__name__)

#: Fewer jobs than this are not worth a fork.
MIN_JOBS_PER_WORKER = 200


#: A page's context is kept as what it has of its own over a context most pages share;
#: past this many values of its own, its context becomes the one the next pages share.
MAX_OWN_VALUES = 48
_ABSENT = object()


@dataclass
class _Job:
    template: Template
    #: The page's context is ``base`` with ``own`` over it and ``absent`` taken out.
    base: dict[str, Any]
    own: dict[str, Any]
    absent: tuple[str, ...]
    path: str
    rel: str
    key: str | None
    #: The context Pelican's pages read ``localsiteurl`` from (see ``_render_jobs``).
    shared: dict[str, Any] | None = None

    def context(self) -> dict[str, Any]:
        """The context the page was deferred with: the very same values."""
        made = {**self.base, **self.own}
        for name in self.absent:
            del made[name]
        return made


@dataclass
class Deferred:
    """The pages still to render in this build.

    A page's context is Pelican's shared context (some 200 values: every setting, the
    lists of updates, the site) with a few of the page's own. Kept whole, the contexts
    of a national site's 230,000 pages took gigabytes; each is kept instead as the
    values that are not the very objects of a base context many pages share.
    """

    output: Path
    jobs: list[_Job] = field(default_factory=list)
    _base: dict[str, Any] | None = None

    def add(
        self, template: Template, context: dict[str, Any], rel: str, key: str | None,
        shared: dict[str, Any] | None,
    ) -> None:  # fmt: skip
        base = self._base
        own: dict[str, Any] = {}
        if base is not None:
            differs = map(is_not, map(base.get, context.keys(), repeat(_ABSENT)), context.values())
            own = dict(compress(context.items(), differs))
        if base is None or len(own) > MAX_OWN_VALUES:
            base = self._base = dict(context)
            own = {}
        absent = tuple(base.keys() - context.keys()) if len(base) > len(context) - len(own) else ()
        path = str(self.output / rel)
        self.jobs.append(_Job(template, base, own, absent, path, rel, key, shared))

    def take(self) -> list[_Job]:
        """The pages waiting, handed over to be rendered, and nothing kept of them.

        The base context is a copy of Pelican's shared one, which holds every update's
        page: kept here it kept them all alive through the checks (at national scale,
        the rendered text of 40,000 updates). The jobs hold it while they run."""
        jobs, self.jobs, self._base = self.jobs, [], None
        return jobs


class _Kept(Exception):
    """Raised by a page's template when the page is kept, to skip the rest of Pelican's
    writing of it (making its folder in the staging folder, opening the file)."""

    def __init__(self, path: str, context: dict[str, Any]) -> None:
        super().__init__(path)
        self.path = path
        self.context = context


class _CachedTemplate:
    def __init__(
        self,
        template: Template,
        cache: BuildCache,
        deferred: Deferred | None,
        writer: CachingWriter,
        shared: dict[str, Any] | None = None,
    ) -> None:
        self.template = template
        self.cache = cache
        self.deferred = deferred
        self.writer = writer
        self.shared = shared

    def render(self, context: dict[str, Any]) -> str:
        rel = str(context.get("output_file") or "")
        key = self.cache.key(self.template, context) if rel else None
        if key is not None and self.writer.keep(rel, key):
            target = _target(self.writer.output_path, rel)
            if self.writer.single:
                raise _Kept(target, context)
            # One page of a list: Pelican opens the file next, and the writer opens
            # nothing (see _open_w).
            self.writer.kept_next = target
            return ""
        if self.deferred is not None and rel:
            self.deferred.add(self.template, context, rel, key, self.shared)
            # Pelican writes the file empty now; the jobs write the page into it
            # (write_staged), before anything reads it.
            return ""
        text = self.template.render(context)
        if key is not None:
            self.cache.outputs.record(rel, key, text.encode("utf-8"))
        return text


def _target(output: str, rel: str) -> str:
    return os.path.abspath(os.path.join(output, rel))


_WRITE_FILE = inspect.signature(Writer.write_file)


class CachingWriter(Writer):
    """Pelican's writer, keeping each page the last good build made from the same inputs.

    A kept page is not written at all: it stays as it is in the published output, and
    the new site is the staging folder over the kept files (``outputs.NewSite``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Whether the page being written is a single one (not a list of pages).
        self.single = False
        self._override = False
        #: The page of a list that is kept, which Pelican opens next.
        self.kept_next: str | None = None
        #: Pages kept: target path -> page.
        self._kept: dict[str, str] = {}

    def keep(self, rel: str, key: str) -> bool:
        """Whether the page ``rel``, made from ``key``, is kept from the last build; it is
        not when this build has written the same file already (Pelican's rules for that
        then apply to a page made afresh)."""
        target = _target(self.output_path, rel)
        if target in self._written_files or target in self._overridden_files:
            return False
        if not self.settings["BUILD_CACHE"].outputs.reuse(rel, key):
            return False
        if self._override:
            self._overridden_files.add(target)
        self._note_kept(target, rel)
        return True

    def keep_group(self, name: str, key: str) -> tuple[tuple[str, Any], ...] | None:
        """The files of the group ``name`` made from ``key``, all kept as they are
        (``OutputCache.reuse_group``), or None. Not when one of them is written already
        in this build. Each is noted as written, as ``keep`` notes a page: a page
        written over one later in the build is made afresh. The caller announces them."""
        output = self.output_path

        def taken(rel: str) -> bool:
            target = _target(output, rel)
            return target in self._written_files or os.path.lexists(target)

        members = self.settings["BUILD_CACHE"].outputs.reuse_group(name, key, refuse=taken)
        for rel, _extra in members or ():
            self._note_kept(_target(output, rel), rel)
        return members

    def _note_kept(self, target: str, rel: str) -> None:
        """What Pelican's ``_open_w`` records of a file written, for a kept one."""
        self._written_files.add(target)
        self._kept[target] = rel

    def write_file(self, name: Any, template: Template, context: dict[str, Any], *args: Any,
                   **kwargs: Any) -> Any:  # fmt: skip
        cache = self.settings.get("BUILD_CACHE")
        if not isinstance(cache, BuildCache):
            return super().write_file(name, template, context, *args, **kwargs)
        deferred = self.settings.get("BUILD_DEFERRED")
        if not isinstance(deferred, Deferred):
            deferred = None
        # Pelican's generators pass these by name; binding every page's arguments to
        # Pelican's signature is needed only when some come by position.
        call, extra = kwargs, kwargs
        if args:
            call = _WRITE_FILE.bind(self, name, template, context, *args, **kwargs).arguments
            extra = call.get("kwargs", {})
        paged = call.get("paginated")
        if paged is None:
            paged = {k: v for k, v in extra.items() if k in {"articles", "dates"}}
        lists = self.settings["PAGINATED_TEMPLATES"]
        self.single = not (paged and call.get("template_name") in lists)
        self._override = bool(call.get("override_output"))
        cached = _CachedTemplate(template, cache, deferred, self, context)
        try:
            return super().write_file(name, cached, context, *args, **kwargs)  # type: ignore[arg-type]
        except _Kept as kept:
            # All Pelican would have done after rendering: announce the page.
            signals.content_written.send(kept.path, context=kept.context)
            return None
        finally:
            self.single = self._override = False

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        target = os.path.abspath(filename)
        if self.kept_next is not None and self.kept_next == target:
            self.kept_next = None
            return io.StringIO()  # what Pelican writes (nothing) goes nowhere
        rel = self._kept.pop(target, None)
        if rel is not None:  # written again over a kept page: the kept one is not used
            self.settings["BUILD_CACHE"].outputs.unkeep(rel)
        return super()._open_w(filename, encoding, override=override)


def _render_jobs(jobs: list[_Job]) -> list[tuple[str, str | None, str]]:
    """Render and write each page; (page, key, SHA-256) of each for the output record.

    Nothing rendered is kept: at national scale the pages would not fit in memory.
    """
    made = []
    for job in jobs:
        context = job.context()
        if job.shared is not None and context.get("localsiteurl"):
            # Pelican's pages make their {filename} links from the shared context's
            # localsiteurl, which the writer set for the page when it was deferred.
            job.shared["localsiteurl"] = context["localsiteurl"]
        data = job.template.render(context).encode("utf-8")
        del context
        write_staged(job.path, data)
        made.append((job.rel, job.key, hashlib.sha256(data).hexdigest()))
        job.own = {}  # let what was the page's alone go as soon as it is written
    return made


def run_deferred(cache: BuildCache, deferred: Deferred, workers: int) -> None:
    """Render every page still to make, on up to ``workers`` processes."""
    jobs = deferred.take()
    if not jobs:
        return
    dealt = shares(jobs, workers, MIN_JOBS_PER_WORKER)
    try:
        answers = in_forks(_render_jobs, dealt)
    except WorkFailed as exc:
        raise RuntimeError(f"Rendering pages failed:\n{exc}") from None
    for made in answers:
        for rel, key, sha in made:
            if key is not None:
                cache.outputs.record_hash(rel, key, sha)
    if len(dealt) > 1:
        logger.info("Rendered %d pages on %d processes", len(jobs), len(dealt))
