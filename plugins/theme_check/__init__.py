"""Pelican plugin: check the force's theme settings and write them into the stylesheet.

At the start of a build (``initialized``) it refuses, with one message per
problem, a ``THEME_COLOURS`` setting whose text would fall below WCAG's 4.5:1
contrast against the background it is shown on, and a ``LOGO`` that does not
exist. It then renders the one stylesheet with those colours (the theme's
``css/site.css`` with its marked ``:root`` block replaced), so pages never
need inline styles, and gives templates ``THEME_CSS_VERSION`` (a hash of the
stylesheet) for cache busting. After the build (``finalized``) it writes the
stylesheet over the plain copy Pelican made, atomically.
"""

from __future__ import annotations

from pelican import signals

from .check import (
    COLOUR_PAIRS,
    DEFAULT_COLOURS,
    MIN_CONTRAST,
    ColourPair,
    check_theme_settings,
    contrast,
    render_stylesheet,
)

__all__ = [
    "COLOUR_PAIRS",
    "DEFAULT_COLOURS",
    "MIN_CONTRAST",
    "ColourPair",
    "check_theme_settings",
    "contrast",
    "register",
    "render_stylesheet",
]


def register() -> None:
    from . import plugin

    signals.initialized.connect(plugin.on_initialized)
    signals.finalized.connect(plugin.on_finalized)
