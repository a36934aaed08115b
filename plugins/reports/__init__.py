"""Pelican plugin: monthly written reports for parish and town councils.

For each area and each month with content it writes
``neighbourhoods/<slug>/reports/<yyyy-mm>/`` (a report ready to print on A4), the
area's list of reports with an RSS and an Atom feed of them, ``/councils/`` and a
page per council linking to the latest reports of the areas that cover it. With
``REPORTS_PDF = True`` (the publish build) each report also gets a PDF beside it,
made with WeasyPrint and copied from a cache when the month has not changed.

The month logic lives in the library (``neighbourhoods.reports``); this plugin
only reads the site model and writes files.
"""

from __future__ import annotations

from pelican import signals

__all__ = ["register"]


def register() -> None:
    from . import plugin

    signals.initialized.connect(plugin.on_initialized)
    signals.get_generators.connect(plugin.get_generators)
