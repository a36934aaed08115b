"""Pelican's reader for Markdown files, rendering with the library's one Markdown renderer.

It reads the metadata block with the same parser the loader validated it with
(``loading.split_header``), so Pelican and ``invoke validate`` can never read a header
differently, and renders the body and the ``FORMATTED_FIELDS`` (the summary) with
``commonmark.to_html`` instead of building a Python-Markdown instance per file.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pelican.readers import BaseReader
from pelican.utils import SafeDatetime, pelican_open

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

    def process_metadata(self, name: str, value: Any) -> Any:
        """Pelican's, but a plain local date and time is read at once: Pelican hands every
        date to dateutil's parser, half of reading an update (2 s of every national
        build). Anything else (a time zone, another form) still goes to Pelican."""
        if name in _DATES and isinstance(value, str):
            found = _PLAIN_DATE.fullmatch(value)
            if found:
                try:
                    return SafeDatetime(*(int(part) for part in found.groups() if part))
                except ValueError:  # no such day: Pelican says so in its own words
                    pass
        return super().process_metadata(name, value)


#: The metadata Pelican reads as dates, and the plain form of one: YYYY-MM-DD, and
#: optionally a time, HH:MM or HH:MM:SS, after a space or a T.
_DATES = frozenset({"date", "modified"})
_PLAIN_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")
