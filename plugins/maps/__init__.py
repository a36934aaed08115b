"""Pelican plugin: maps of every area, neighbouring teams and the postcode lookup.

- Jinja global ``maps``: ``maps.area(record)`` (an inline SVG and its numbered places),
  ``maps.overview()`` (every area as a link, for the A to Z), ``maps.neighbours(record)``
  and ``maps.lookup_url`` (where the postcode form sends a resident without JavaScript).
- Files: ``lookup/<OUTWARD>.json`` (one shard per outward code), ``lookup/areas.json``
  (simplified boundaries for "Use my location"), ``lookup/index.html`` (every postcode
  district) and ``lookup/<OUTWARD>/index.html`` (one district's areas).

Everything is read from ``settings["SITE_MODEL"]``; the geometry work is in the library
(``neighbourhoods.lookup``, ``neighbourhoods.maps``, ``neighbourhoods.geography``).
"""

from __future__ import annotations

from pelican import signals

__all__ = ["register"]


def register() -> None:
    from . import plugin

    signals.initialized.connect(plugin.on_initialized)
    signals.get_generators.connect(plugin.get_generators)
