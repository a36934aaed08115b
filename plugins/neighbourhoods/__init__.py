"""Pelican plugin: neighbourhood areas, their teams, priorities, patrols, events and updates.

It wires the library (``neighbourhood_policing``) to Pelican: it loads and validates all
content once before Pelican reads a file, tells Pelican where updates live and what
their addresses are, cleans every update's and page's HTML, links each update in the
model to the page Pelican made of it, and writes the A to Z, the area pages and the
lists of updates. Other plugins read the same model from ``settings["SITE_MODEL"]``.
"""

from __future__ import annotations

from pelican import signals

__all__ = ["register"]


def register() -> None:
    from . import plugin

    signals.initialized.connect(plugin.on_initialized)
    signals.generator_init.connect(plugin.on_generator_init)
    signals.readers_init.connect(plugin.on_readers_init)
    signals.article_generator_preread.connect(plugin.on_preread)
    signals.page_generator_preread.connect(plugin.on_preread)
    signals.article_generator_context.connect(plugin.on_article_context)
    signals.content_object_init.connect(plugin.on_content_object)
    signals.article_generator_finalized.connect(plugin.on_articles_finalized)
    signals.get_generators.connect(plugin.get_generators)
    signals.get_writer.connect(plugin.get_writer)
    # First to connect to finalized, so pages are written before other plugins read them.
    signals.finalized.connect(plugin.on_finalized)
