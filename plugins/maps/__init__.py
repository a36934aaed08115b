"""Pelican plugin: maps of every area, neighbouring teams and the postcode lookup.

- Each area's map, drawn once per build into ``record.map`` (an SVG image and its
  numbered places; the neighbours are ``record.neighbours``, from the loader).
- Jinja globals ``maps_overview`` (every area as a link, for the A to Z) and ``maps``
  (``maps.map_url(record)``, ``maps.overview_url()``, ``maps.enabled`` and
  ``maps.lookup_url``, where the postcode form sends a resident without JavaScript).
- Files (paths from ``neighbourhood_policing.urls``): each area's ``map.svg`` (and
  ``map-detail.svg``), ``neighbourhoods/overview.svg``, ``lookup/<OUTWARD>.json`` (one
  shard per outward code), ``lookup/areas.json`` (simplified boundaries for "Use my
  location"), ``lookup/index.html`` (every postcode district) and
  ``lookup/<OUTWARD>/index.html`` (one district's areas).

Everything is read from ``settings["SITE_MODEL"]``; the geometry work is in the library
(``neighbourhood_policing.lookup``, ``.maps``, ``.geography``).
"""

from __future__ import annotations

from pelican import signals

__all__ = ["register"]


def register() -> None:
    from . import plugin

    signals.initialized.connect(plugin.on_initialized)
    signals.get_generators.connect(plugin.get_generators)
