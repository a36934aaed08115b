"""The Markdown reader reads a plain date at once, and to the very value Pelican's own
reading (dateutil's parser) gives; any other form, and a day that does not exist, is
left to Pelican."""

from __future__ import annotations

import pytest
from pelican.readers import BaseReader
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import SafeDatetime

from neighbourhoods.reader import MarkdownReader

SETTINGS = {**DEFAULT_CONFIG, "TIMEZONE": "Europe/London"}


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-20 14:30",
        "2026-11-20T14:30",
        "2026-11-20 14:30:05",
        "2026-11-20",
        "2026-01-02 00:00",
        "2026-11-20 14:30+01:00",  # a time zone: Pelican's
        "20 November 2026",  # another form: Pelican's
        "2026-11-20  14:30",  # two spaces: Pelican's
    ],
)
@pytest.mark.parametrize("name", ["date", "modified"])
def test_a_date_is_read_as_pelican_reads_it(name: str, value: str) -> None:
    ours = MarkdownReader(SETTINGS).process_metadata(name, value)
    pelicans = BaseReader(SETTINGS).process_metadata(name, value)
    assert type(ours) is type(pelicans) is SafeDatetime
    assert ours == pelicans
    assert ours.tzinfo == pelicans.tzinfo


def test_a_day_that_does_not_exist_gets_pelicans_error() -> None:
    with pytest.raises(ValueError) as ours:
        MarkdownReader(SETTINGS).process_metadata("date", "2026-02-30 10:00")
    with pytest.raises(ValueError) as pelicans:
        BaseReader(SETTINGS).process_metadata("date", "2026-02-30 10:00")
    assert str(ours.value) == str(pelicans.value)


def test_other_metadata_is_pelicans() -> None:
    ours = MarkdownReader(SETTINGS).process_metadata("category", "News")
    assert ours == BaseReader(SETTINGS).process_metadata("category", "News")
