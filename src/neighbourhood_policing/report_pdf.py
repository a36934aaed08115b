"""PDFs of monthly council reports, made with WeasyPrint and kept in a cache.

A report's PDF is a function of its print HTML, the print stylesheet and the
WeasyPrint version. The cache is keyed by a hash of the three, so a month whose
report did not change is copied from the cache instead of being laid out again,
and a change to the stylesheet or to WeasyPrint renders every PDF afresh.

The bytes are deterministic: the PDF's creation and modification dates come from
the report's content (``<meta name="dcterms.created">`` in the HTML), never the
clock, and WeasyPrint derives the document id from the content.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import re
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .files import write_atomic


@dataclass
class PdfStats:
    rendered: int = 0
    from_cache: int = 0


logger = logging.getLogger(__name__)

#: In each worker process: the parsed stylesheet, by its text (parsed once per process).
_WORKER_STYLESHEETS: dict[str, Any] = {}


def _render_in_worker(stylesheet: str, html: str) -> bytes:
    import weasyprint

    css = _WORKER_STYLESHEETS.get(stylesheet)
    if css is None:
        css = _WORKER_STYLESHEETS[stylesheet] = weasyprint.CSS(string=stylesheet)
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[css])


_CACHE_NAME = re.compile(r"[0-9a-f]{64}\.pdf")

#: Fewer PDFs to make than this are made in the build's own process.
PARALLEL_FROM = 4


class PdfMaker:
    """Turns report HTML into PDF bytes, through a content-addressed cache folder.

    PDFs missing from the cache are laid out by ``workers`` processes (a cold build of
    thousands of reports is otherwise bound to one core); the bytes do not depend on
    which process made them.
    """

    def __init__(self, cache_dir: Path, stylesheet: str, workers: int = 1) -> None:
        import weasyprint

        self._weasyprint = weasyprint
        self.cache_dir = cache_dir
        self.stylesheet_text = stylesheet
        self._stylesheet = weasyprint.CSS(string=stylesheet)  # parsed once per build
        self.version = weasyprint.__version__
        self.stats = PdfStats()
        self.workers = max(1, workers)
        self._pool: Executor | None = None
        #: The cache files this build used or made; ``prune`` removes the others.
        self.used: set[Path] = set()

    def _executor(self) -> Executor:
        if self._pool is None:
            # "spawn": a fresh interpreter per worker, never a fork of a threaded build.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def render_many(self, htmls: Sequence[str]) -> list[bytes]:
        """PDFs for several reports at once: cached ones copied, the rest made in parallel."""
        results: list[bytes | None] = [self._cached(html) for html in htmls]
        missing = [i for i, data in enumerate(results) if data is None]
        if len(missing) >= PARALLEL_FROM and self.workers > 1:
            try:
                made = list(
                    self._executor().map(
                        _render_in_worker,
                        [self.stylesheet_text] * len(missing),
                        [htmls[i] for i in missing],
                    )
                )
            except BrokenProcessPool:
                # A worker could not start (e.g. a build run from a script on standard
                # input, which "spawn" cannot re-import): make them here instead.
                logger.info("PDF worker processes unavailable; making PDFs in this process")
                self.close()
                self.workers = 1
            else:
                for i, data in zip(missing, made, strict=True):
                    write_atomic(self.cache_path(htmls[i]), data)
                    self.stats.rendered += 1
                    results[i] = data
                missing = []
        for i in missing:
            results[i] = self.render(htmls[i])
        return [data for data in results if data is not None]

    def _cached(self, html: str) -> bytes | None:
        cached = self.cache_path(html)
        self.used.add(cached)
        if cached.is_file():
            data = cached.read_bytes()
            if data.startswith(b"%PDF-"):
                self.stats.from_cache += 1
                return data
        return None

    def key(self, html: str) -> str:
        digest = hashlib.sha256()
        for part in (self.version, self.stylesheet_text, html):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()

    def prune(self) -> int:
        """Remove cached PDFs this build did not use: reports no longer made, or changed.

        Only files named as this cache names them (``ab/<sha-256>.pdf``) are touched, so
        a ``REPORTS_PDF_CACHE`` pointed at a shared folder loses nothing else. Returns
        how many were removed.
        """
        removed = 0
        if not self.cache_dir.is_dir():
            return removed
        for path in sorted(self.cache_dir.glob("??/*.pdf")):
            if path in self.used or not _CACHE_NAME.fullmatch(path.name):
                continue
            if path.name[:2] != path.parent.name:
                continue
            path.unlink(missing_ok=True)
            removed += 1
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # only when empty
        return removed

    def cache_name(self, html: str) -> str:
        """The name of ``html``'s PDF in the cache (``ab/<sha-256>.pdf``)."""
        return self.cache_path(html).relative_to(self.cache_dir).as_posix()

    def still_used(self, name: str) -> None:
        """The PDF named ``name`` (``cache_name``) is published by this build as the last
        one made it, without being asked for: ``prune`` keeps it."""
        self.used.add(self.cache_dir / name)

    def cache_path(self, html: str) -> Path:
        key = self.key(html)
        return self.cache_dir / key[:2] / f"{key}.pdf"

    def render(self, html: str) -> bytes:
        """The PDF for ``html``: from the cache when this exact HTML was rendered before."""
        data = self._cached(html)
        if data is not None:
            return data
        data = self._weasyprint.HTML(string=html).write_pdf(stylesheets=[self._stylesheet])
        write_atomic(self.cache_path(html), data)
        self.stats.rendered += 1
        return data
