"""Pelican plugin: iCalendar files of each area's events, written with icalendar.

For each area a calendar of its meetings, beat surgeries and mobile police
station visits, a calendar of every area's events, and one file per event for
"Add to calendar". Everything is read from the site model
(``settings["SITE_MODEL"]``). The same content always gives the same bytes:
DTSTAMP comes from the event itself and the VTIMEZONE covers the events' years.

URLs (relative to SITEURL):

- ``neighbourhoods/<slug>/events.ics``: one area's events
- ``neighbourhoods/<slug>/events/<event id>.ics``: a single event
- ``events.ics``: every area's events
"""

from __future__ import annotations

from pelican import signals

__all__ = ["register"]


def register() -> None:
    from . import plugin

    signals.initialized.connect(plugin.on_initialized)
    signals.get_generators.connect(plugin.get_generators)
