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

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .files import write_atomic


@dataclass
class PdfStats:
    rendered: int = 0
    from_cache: int = 0


class PdfMaker:
    """Turns report HTML into PDF bytes, through a content-addressed cache folder."""

    def __init__(self, cache_dir: Path, stylesheet: str) -> None:
        import weasyprint

        self._weasyprint = weasyprint
        self.cache_dir = cache_dir
        self.stylesheet_text = stylesheet
        self._stylesheet = weasyprint.CSS(string=stylesheet)  # parsed once per build
        self.version = weasyprint.__version__
        self.stats = PdfStats()

    def key(self, html: str) -> str:
        digest = hashlib.sha256()
        for part in (self.version, self.stylesheet_text, html):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()

    def cache_path(self, html: str) -> Path:
        key = self.key(html)
        return self.cache_dir / key[:2] / f"{key}.pdf"

    def render(self, html: str) -> bytes:
        """The PDF for ``html``: from the cache when this exact HTML was rendered before."""
        cached = self.cache_path(html)
        if cached.is_file():
            data = cached.read_bytes()
            if data.startswith(b"%PDF-"):
                self.stats.from_cache += 1
                return data
        data = self._weasyprint.HTML(string=html).write_pdf(stylesheets=[self._stylesheet])
        write_atomic(cached, data)
        self.stats.rendered += 1
        return data
