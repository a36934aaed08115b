"""Site search: what the Pagefind index holds, and writing it.

Pagefind (https://pagefind.app, from PyPI as ``pagefind[bin]``) indexes the built
HTML pages itself. Templates mark what it reads: ``data-pagefind-body`` on the main
content of update, area and information pages (so lists, navigation and footers
are left out), and the fields made by ``components/search_fields.html`` (filters
``type``, ``area``, ``category``; meta ``type``, ``area``, ``date``; sort ``date``).

Priorities and events live on their area's page, as ``#priority-<id>`` and
``#event-<id>``. They are added as index records of their own
(:func:`site_records`), built from the site model, so each is a result with its own
type, date and link to its anchor; the area page's copy of them is marked
``data-pagefind-ignore`` so a word from a priority finds the priority once, not
the area page as well.

Force-wide updates belong to every area: instead of repeating every area's name on
them, they carry the area value :data:`ALL_AREAS`, and the search page asks for
"this area or all areas".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from .markup import plain_text, render_markdown
from .models import Event, Priority
from .rules import upcoming_events
from .site import AreaRecord, Site

__all__ = [
    "ALL_AREAS",
    "BUNDLE_DIR",
    "SEARCH_PAGE",
    "TYPES",
    "SearchRecord",
    "site_records",
    "sort_key",
]

#: The search page's folder (URL ``search/``).
SEARCH_PAGE = "search"
#: The folder Pagefind's bundle is written to (URL ``pagefind/``).
BUNDLE_DIR = "pagefind"
#: The area filter value of force-wide updates (no area slug can contain ``*``).
ALL_AREAS = "*"
#: The ``type`` filter: value -> the label shown in the search form's list.
TYPES = {
    "update": "Updates",
    "priority": "Priorities",
    "event": "Meetings and events",
    "area": "Area pages",
    "page": "Information pages",
}
#: Names shown on a result for each type.
TYPE_NAMES = {
    "update": "Update",
    "priority": "Priority",
    "event": "Meeting or event",
    "area": "Area page",
    "page": "Information page",
}
#: Sort key of records without a date: last when newest come first.
UNDATED = "0000-00-00"
#: Bundle files the site does not use: Pagefind's ready-made interfaces (we have our own).
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
    # The reader for pages in no known language: every page is English
    # (force_language), and Pagefind 1.5.2 sometimes leaves this file empty.
    "wasm.unknown.pagefind",
)
LANGUAGE = "en"
#: Parts of indexed pages that are not their content: facts shown on the result
#: anyway (an update's date, type and area), and blocks every area page repeats.
EXCLUDE = (".update__meta", ".contents", ".notification", ".stay-informed", ".area-search")


def sort_key(value: dt.date | dt.datetime | None) -> str:
    """The ``date`` sort value: ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` (local time).

    Pagefind sorts these as text, which is date order; undated records sort last.
    """
    if value is None:
        return UNDATED
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class SearchRecord:
    """One result that is not a page of its own: a priority or an event."""

    url: str  # site path, e.g. neighbourhoods/ludlow/#priority-x
    title: str
    content: str
    type: str  # a key of TYPES
    area: AreaRecord
    date: str  # sort key
    date_text: str

    def html(self) -> str:
        """A small page for Pagefind to index: the record's text and search fields.

        The site's own link for the result is the ``link`` meta (the search page uses
        it instead of the address Pagefind gives the file).
        """
        fields = {
            ("meta", "title"): self.title,
            ("meta", "link"): self.url,
            ("meta", "type"): TYPE_NAMES[self.type],
            ("meta", "area"): self.area.name,
            ("meta", "date"): self.date_text,
            ("filter", "type"): self.type,
            ("filter", "area"): self.area.slug,
            ("sort", "date"): self.date,
        }
        data = "".join(
            f'<data value="{escape(value)}" data-pagefind-{kind}="{name}[value]"></data>'
            for (kind, name), value in fields.items()
        )
        return (
            f'<!DOCTYPE html><html lang="{LANGUAGE}"><head><meta charset="utf-8">'
            f"<title>{escape(self.title)}</title></head>"
            f"<body><main data-pagefind-body><h1>{escape(self.title)}</h1>"
            f"<p>{escape(self.content)}</p>{data}</main></body></html>\n"
        )

    @property
    def file_name(self) -> str:
        """Where its page goes in the folder of records (one per record, unique)."""
        return f"{self.area.slug}/{self.url.rsplit('#', 1)[1]}.html"


def _text(markdown: str | None) -> str:
    return plain_text(str(render_markdown(markdown)))


def _priority_record(record: AreaRecord, priority: Priority) -> SearchRecord:
    from .filters import uk_date

    parts = [
        f"{record.name} neighbourhood priority: {priority.title}.",
        f"Status: {priority.status}. Agreed with {priority.agreed_with}.",
        _text(priority.problem),
        *(_text(action.text) for action in priority.actions),
        _text(priority.outcome),
    ]
    return SearchRecord(
        url=f"{record.url}#priority-{priority.id}",
        title=priority.title,
        content=" ".join(p for p in parts if p),
        type="priority",
        area=record,
        date=sort_key(priority.agreed),
        date_text=f"Agreed {uk_date(priority.agreed)}, {priority.status}",
    )


def _event_record(record: AreaRecord, event: Event) -> SearchRecord:
    from .filters import event_when

    parts = [
        f"{record.name} {event.type}: {event.title}.",
        f"{event.place}, {event.address}, {event.postcode}.",
        _text(event.description),
        event.booking or "",
    ]
    return SearchRecord(
        url=f"{record.url}#event-{event.id}",
        title=event.title,
        content=" ".join(p for p in parts if p),
        type="event",
        area=record,
        date=sort_key(event.start),
        date_text=event_when(event.start, event.end),
    )


def site_records(site: Site) -> list[SearchRecord]:
    """A record for every priority and every event that has not ended, area by area.

    The same priorities and events the area page shows (it lists closed priorities
    too, and events until the day they end), so every record's anchor exists.
    """
    records: list[SearchRecord] = []
    for slug in sorted(site.areas):
        record = site.areas[slug]
        for priority in sorted(record.priorities, key=lambda p: p.id):
            records.append(_priority_record(record, priority))
        for event in upcoming_events(record.events, site.build_date):
            records.append(_event_record(record, event))
    return records
