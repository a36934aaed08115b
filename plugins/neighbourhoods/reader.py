"""Pelican's reader for Markdown files, rendering with the library's one Markdown renderer.

It reads the metadata block with the same parser the loader validated it with
(``loading.split_header``), so Pelican and ``invoke validate`` can never read a header
differently, and renders the body and the ``FORMATTED_FIELDS`` (the summary) with
``commonmark.to_html`` instead of building a Python-Markdown instance per file.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pelican.readers import BaseReader
from pelican.utils import pelican_open

from neighbourhood_policing.commonmark import to_html
from neighbourhood_policing.loading import split_header


class MarkdownReader(BaseReader):
    enabled = True
    file_extensions: ClassVar[list[str]] = ["md", "markdown", "mkd", "mdown"]

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        with pelican_open(source_path) as text:
            raw, _, error, body = split_header(text)
        if error:  # the loader reported it with its line before Pelican ran
            raw, body = {}, text
        formatted = self.settings["FORMATTED_FIELDS"]
        metadata = {
            name: self.process_metadata(name, to_html(value) if name in formatted else value)
            for name, value in raw.items()
        }
        return to_html(body), metadata
