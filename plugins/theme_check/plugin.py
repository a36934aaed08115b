"""Signal receivers: check the settings when the build starts, write the stylesheet at the end."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from pelican import Pelican, signals

from neighbourhood_policing.files import write_outputs
from neighbourhood_policing.problems import ContentError, Problem

from .check import check_theme_settings, render_stylesheet

logger = logging.getLogger(__name__)

#: The one stylesheet, relative to a theme static folder and to THEME_STATIC_DIR.
STYLESHEET = "css/site.css"


def static_dirs(settings: dict[str, Any]) -> list[Path]:
    theme = Path(settings["THEME"])
    return [theme / p for p in settings.get("THEME_STATIC_PATHS", ["static"])]


def settings_file(settings: dict[str, Any]) -> Path:
    """The settings file beside the theme (where THEME_COLOURS and LOGO are set)."""
    return Path(settings["THEME"]).resolve().parent / "pelicanconf.py"


def on_initialized(pelican: Pelican) -> None:
    """Refuse colours below 4.5:1 and a missing logo; render the stylesheet once."""
    settings = pelican.settings
    config = settings_file(settings)
    folders = static_dirs(settings)
    problems = check_theme_settings(settings, folders, config if config.is_file() else None)
    source = next((d / STYLESHEET for d in folders if (d / STYLESHEET).is_file()), None)
    if source is None:
        problems.append(
            Problem(str(folders[0] / STYLESHEET), None, None, "the theme's stylesheet is missing")
        )
    if problems or source is None:
        raise ContentError(problems)
    try:
        stylesheet = render_stylesheet(
            source.read_text(encoding="utf-8"), settings.get("THEME_COLOURS") or {}
        )
    except ValueError as exc:
        raise ContentError([Problem(str(source), None, None, str(exc))]) from exc
    settings["THEME_STYLESHEET"] = stylesheet
    version = hashlib.sha256(stylesheet.encode("utf-8")).hexdigest()[:12]
    settings.setdefault("JINJA_GLOBALS", {})["THEME_CSS_VERSION"] = version


def on_finalized(pelican: Pelican) -> None:
    """Replace Pelican's plain copy of the stylesheet with the one carrying the colours.

    The copy may be a link to the theme's file (STATIC_CREATE_LINKS): renaming over
    it, rather than writing into it, never changes the source.
    """
    settings = pelican.settings
    stylesheet = settings.get("THEME_STYLESHEET")
    if stylesheet is None:
        return
    rel = f"{settings['THEME_STATIC_DIR']}/{STYLESHEET}"
    write_outputs(settings["OUTPUT_PATH"], [(rel, stylesheet)], _announce)


def _announce(path: str) -> None:
    logger.info('Writing "%s" with the theme colours', path)
    signals.content_written.send(path, context={})
