"""Pelican plugin: gives templates ``crime_chart(area)``, the crime figures chart of an area.

The figures come from the shared model (each area's ``crime``, loaded from crime.yaml);
the geometry is computed by ``neighbourhood_policing.crimechart``. The plugin writes no file of
its own: the chart is part of the area page.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from neighbourhood_policing.site import AreaRecord

__all__ = ["register"]


def area_crime_chart(record: AreaRecord) -> Any:
    from neighbourhood_policing.crimechart import crime_chart

    return crime_chart(record.crime)


def on_initialized(pelican: Any) -> None:
    pelican.settings.setdefault("JINJA_GLOBALS", {})["crime_chart"] = area_crime_chart


def register() -> None:
    signals.initialized.connect(on_initialized)
