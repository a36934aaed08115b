"""Pelican plugin: neighbourhood areas, their teams, priorities, patrols, events and updates.

It loads and validates all content once (``site.load_site``), tells Pelican
where updates live, attaches each update to its areas, and writes the A to Z,
the area pages and each area's list of updates. Other plugins (feeds,
calendars, checks) read the same model from ``settings["SITE_MODEL"]``.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from .problems import ContentError, Problem
from .site import AreaRecord, Site, load_site

__all__ = ["AreaRecord", "ContentError", "Problem", "Site", "load_site", "register"]


def register() -> None:
    from . import plugin

    signals.initialized.connect(plugin.on_initialized)
    signals.article_generator_context.connect(plugin.on_article_context)
    signals.content_object_init.connect(plugin.on_content_object)
    signals.article_generator_finalized.connect(plugin.on_articles_finalized)
    signals.get_generators.connect(plugin.get_generators)


def site_model(settings: dict[str, Any]) -> Site:
    """The site model the build loaded (for other plugins)."""
    return settings["SITE_MODEL"]
