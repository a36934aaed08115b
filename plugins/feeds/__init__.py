"""Pelican plugin: RSS 2.0 and Atom feeds of updates, written with feedgen.

For each area a feed of its updates (its own and force-wide ones), a feed of
every update, and one feed per category, each as RSS and as Atom. Everything is
read from the site model (``settings["SITE_MODEL"]``) and Pelican's articles;
no source file is read again. Output is byte-for-byte reproducible: every date
comes from the content, never from the clock.

URLs (relative to SITEURL):

- ``neighbourhoods/<slug>/feed.rss`` and ``feed.atom``: one area
- ``updates/feed.rss`` and ``updates/feed.atom``: every update
- ``updates/category/<slug>/feed.rss`` and ``feed.atom``: one category
"""

from __future__ import annotations

from pelican import signals

__all__ = ["register"]


def register() -> None:
    from . import plugin

    signals.initialized.connect(plugin.on_initialized)
    signals.get_generators.connect(plugin.get_generators)
