"""Pelican plugin: sitemap.xml listing every HTML page the build wrote, and robots.txt.

It listens to ``content_written`` (sent by Pelican's writer for every page and by
our plugins for the files they write), so pages written by any generator are
listed, including each area's pages. URLs are sorted, and ``lastmod`` comes only
from content dates (an update's date or modified date, the newest update on a
list page), never from the clock or file times, so the output is byte-identical
for the same input. Pages marked ``noindex`` (the 404 page) are left out.
"""

from __future__ import annotations

from pelican import signals

from .plugin import Sitemap, lastmod_for, render_robots, render_sitemap

__all__ = ["Sitemap", "lastmod_for", "register", "render_robots", "render_sitemap"]


def register() -> None:
    from . import plugin

    signals.initialized.connect(plugin.on_initialized)
    signals.content_written.connect(plugin.on_content_written)
    signals.finalized.connect(plugin.on_finalized)
