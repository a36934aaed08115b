"""The theme's colour palette, its contrast checks, and the stylesheet it is written into.

The palette is one table of CSS custom properties for the light scheme and one of
overrides for the dark scheme (``prefers-color-scheme: dark``). Four entries come
from the force's ``THEME_COLOURS`` setting (``link_dark`` optionally a fifth); the
rest are the theme's own. Every pair of text and background the stylesheet uses is
listed in ``COLOUR_PAIRS`` and must reach 4.5:1 in both schemes (WCAG 2.2 AA,
1.4.3), computed with the WCAG 2.x formula by ColorAide.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coloraide import Color

from neighbourhood_policing.problems import Problem

MIN_CONTRAST = 4.5

#: THEME_COLOURS key -> (CSS custom property, scheme it sets, what it is for).
SETTING_KEYS: dict[str, tuple[str, str, str]] = {
    "brand": ("brand", "light", "the header, footer and notification background"),
    "brand_text": ("brand-text", "light", "text on the brand colour"),
    "link": ("link", "light", "links"),
    "accent": ("focus", "light", "the keyboard focus highlight and the header stripe"),
    "link_dark": ("link", "dark", "links in the dark colour scheme"),
}

#: The defaults, used for any key THEME_COLOURS leaves out (all are checked).
DEFAULT_COLOURS: dict[str, str] = {
    "brand": "#1d3b6e",
    "brand_text": "#ffffff",
    "link": "#1a4f9c",
    "accent": "#ffdd00",
    "link_dark": "#8ab4f8",
}

#: The theme's own light palette (custom property -> colour).
LIGHT: dict[str, str] = {
    "text": "#0b0c0c",
    "muted": "#484949",
    "bg": "#ffffff",
    "panel": "#f3f2f1",
    "border": "#b1b4b6",
    "link-visited": "#4c2c92",
    "focus-text": "#0b0c0c",
    "emergency-bg": "#fef7e0",
    "open": "#0b4f8a",
    "progress": "#6f3f00",
    "closed": "#005a30",
    "button": "#00703c",
    "button-hover": "#005a30",
    "button-text": "#ffffff",
}

#: Overrides for the dark scheme.
DARK: dict[str, str] = {
    "text": "#f3f2f1",
    "muted": "#c8c8c8",
    "bg": "#0f1214",
    "panel": "#1f2326",
    "border": "#6f777b",
    "link-visited": "#c9a6ff",
    "emergency-bg": "#2a2410",
    "open": "#9cc8f5",
    "progress": "#ffc773",
    "closed": "#8fe0b0",
}


@dataclass(frozen=True)
class ColourPair:
    """Text in ``fg`` shown on ``bg`` somewhere in the theme."""

    fg: str
    bg: str
    where: str


COLOUR_PAIRS: tuple[ColourPair, ...] = (
    ColourPair("text", "bg", "body text on the page background"),
    ColourPair("text", "panel", "body text on grey panels (footer, team cards)"),
    ColourPair("text", "emergency-bg", "the emergency banner"),
    ColourPair("muted", "bg", "secondary text (dates, districts)"),
    ColourPair("muted", "panel", "secondary text on grey panels"),
    ColourPair("link", "bg", "links on the page background"),
    ColourPair("link", "panel", "links on grey panels (footer)"),
    ColourPair("link", "emergency-bg", "the link in the emergency banner"),
    ColourPair("link-visited", "bg", "visited links"),
    ColourPair("link-visited", "panel", "visited links on grey panels"),
    ColourPair("brand-text", "brand", "the site name and navigation in the header"),
    ColourPair("focus-text", "focus", "a focused link"),
    ColourPair("open", "bg", "the 'Open' priority tag"),
    ColourPair("progress", "bg", "the 'In progress' priority tag"),
    ColourPair("closed", "bg", "the 'Closed' priority tag"),
    ColourPair("button-text", "button", "button text"),
    ColourPair("button-text", "button-hover", "button text on hover"),
)

BLOCK_START = "/* theme-colours:start"
BLOCK_END = "/* theme-colours:end */"
_BLOCK_RE = re.compile(re.escape(BLOCK_START) + r".*?" + re.escape(BLOCK_END), re.DOTALL)


def contrast(foreground: str, background: str) -> float:
    """The WCAG 2.x contrast ratio of two opaque colours (1 to 21)."""
    return float(Color(foreground).contrast(Color(background), method="wcag21"))


def _hex(value: str) -> str:
    return Color(value).convert("srgb").to_string(hex=True)


def palettes(colours: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The full light palette and the dark one (light with the dark overrides)."""
    merged = {**DEFAULT_COLOURS, **colours}
    light = dict(LIGHT)
    dark_overrides = dict(DARK)
    for key, (prop, scheme, _) in SETTING_KEYS.items():
        (light if scheme == "light" else dark_overrides)[prop] = _hex(merged[key])
    return light, {**light, **dark_overrides}


def _setting_for(prop: str, scheme: str) -> str | None:
    """The THEME_COLOURS key behind a custom property in a scheme, if any."""
    if scheme == "dark":
        for key, (p, s, _) in SETTING_KEYS.items():
            if p == prop and s == "dark":
                return key
        if prop in DARK:
            return None
    for key, (p, s, _) in SETTING_KEYS.items():
        if p == prop and s == "light":
            return key
    return None


def config_line(config: Path | None, setting: str, key: str | None = None) -> int | None:
    """The line of ``setting`` (or of ``key`` inside it) in the settings file, if found."""
    if config is None or not config.is_file():
        return None
    lines = config.read_text(encoding="utf-8").splitlines()
    start = next(
        (i for i, line in enumerate(lines) if re.match(rf"\s*{setting}\s*[:=]", line)), None
    )
    if start is None:
        return None
    if key is None:
        return start + 1
    pattern = re.compile(rf"""["']{re.escape(key)}["']\s*:""")
    for i in range(start, min(len(lines), start + 40)):
        if pattern.search(lines[i]):
            return i + 1
    return start + 1


def check_colours(colours: Any, config: Path | None = None) -> list[Problem]:
    """Every problem with a THEME_COLOURS value: unknown keys, bad colours, low contrast."""
    path = config.name if config else "pelicanconf.py"

    def problem(key: str | None, message: str) -> Problem:
        field = f"THEME_COLOURS['{key}']" if key else "THEME_COLOURS"
        return Problem(path, config_line(config, "THEME_COLOURS", key), field, message)

    if colours is None:
        colours = {}
    if not isinstance(colours, Mapping):
        return [
            problem(None, "must be a dict of colour names to colours, e.g. {'brand': '#1d3b6e'}")
        ]
    problems: list[Problem] = []
    valid: dict[str, str] = {}
    for key, value in colours.items():
        if key not in SETTING_KEYS:
            close = difflib.get_close_matches(str(key), list(SETTING_KEYS), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            problems.append(
                problem(
                    str(key),
                    f"is not a theme colour.{hint} The theme uses: {', '.join(SETTING_KEYS)}.",
                )
            )
            continue
        try:
            parsed = Color(str(value))
        except ValueError:
            problems.append(
                problem(key, f"{value!r} is not a colour. Use a hex colour such as '#1d3b6e'.")
            )
            continue
        if not isinstance(value, str) or parsed.alpha() < 1:
            problems.append(
                problem(key, f"{value!r} must be an opaque colour written as text, e.g. '#1d3b6e'.")
            )
            continue
        valid[key] = value
    if problems:
        return problems
    light, dark = palettes(valid)
    merged = {**DEFAULT_COLOURS, **valid}
    failures: dict[str, list[tuple[str, float, str, str, bool]]] = {}
    for scheme, palette in (("light", light), ("dark", dark)):
        for pair in COLOUR_PAIRS:
            ratio = contrast(palette[pair.fg], palette[pair.bg])
            if ratio >= MIN_CONTRAST:
                continue
            where = pair.where
            if scheme == "dark" and contrast(light[pair.fg], light[pair.bg]) >= MIN_CONTRAST:
                where += " (dark colour scheme)"
            elif scheme == "dark":
                continue  # already reported for the light scheme
            fg_key, bg_key = _setting_for(pair.fg, scheme), _setting_for(pair.bg, scheme)
            if fg_key:
                failures.setdefault(fg_key, []).append(
                    (where, ratio, palette[pair.fg], palette[pair.bg], True)
                )
            elif bg_key:
                failures.setdefault(bg_key, []).append(
                    (where, ratio, palette[pair.fg], palette[pair.bg], False)
                )
            else:  # the theme's own palette is wrong: a bug in this file, not in the settings
                problems.append(
                    Problem(
                        "plugins/theme_check/check.py",
                        None,
                        f"--{pair.fg} on --{pair.bg}",
                        f"{where} has a contrast of {ratio:.2f}:1, below {MIN_CONTRAST}:1. "
                        "Fix the theme's palette.",
                    )
                )
    for key, items in failures.items():
        value = merged[key]
        seen: dict[tuple[str, str], list[str]] = {}
        ratios: dict[tuple[str, str], float] = {}
        for where, ratio, fg, bg, _ in items:
            seen.setdefault((fg, bg), []).append(where)
            ratios[(fg, bg)] = ratio
        found = "; ".join(
            f"{' and '.join(wheres)}: {ratios[pair]:.2f}:1 ({pair[0]} on {pair[1]})"
            for pair, wheres in seen.items()
        )
        as_text = items[0][4]
        others = [bg if as_text else fg for (fg, bg) in seen]
        suggestion = _passing_colour(value, others)
        hint = f" For example {suggestion!r} passes." if suggestion else ""
        against = "its background" if as_text else "the text shown on it"
        partner = next(
            (k for k in SETTING_KEYS if k != key and SETTING_KEYS[k][0] in _pair_props(key)),
            None,
        )
        if partner:
            hint += f" Or change {partner!r}."
        problems.append(
            problem(
                key,
                f"{value!r} ({SETTING_KEYS[key][2]}) does not stand out enough from {against}. "
                f"WCAG 2.2 AA needs a contrast of at least {MIN_CONTRAST}:1; found {found}. "
                f"Choose a colour with more contrast.{hint}",
            )
        )
    return problems


def _pair_props(key: str) -> set[str]:
    """Custom properties shown with the one a setting controls (its text or background)."""
    prop = SETTING_KEYS[key][0]
    return {p.bg for p in COLOUR_PAIRS if p.fg == prop} | {
        p.fg for p in COLOUR_PAIRS if p.bg == prop
    }


def _passing_colour(value: str, others: list[str]) -> str | None:
    """The nearest colour (same hue, lighter or darker) with enough contrast against others."""
    start = Color(value).convert("oklch")
    for direction in (-1, 1):
        colour = start.clone()
        for _ in range(100):
            lightness = colour["lightness"] + direction * 0.01
            if not 0 <= lightness <= 1:
                break
            colour["lightness"] = lightness
            candidate = colour.convert("srgb").fit("srgb").to_string(hex=True)
            if all(contrast(candidate, other) >= MIN_CONTRAST + 0.05 for other in others):
                return candidate
    return None


LOGO_SUFFIXES = (".svg", ".png")


def check_logo(logo: Any, static_dirs: list[Path], config: Path | None = None) -> list[Problem]:
    """LOGO is None, or a .svg or .png file inside the theme's static folder."""
    if logo in (None, ""):
        return []
    path = config.name if config else "pelicanconf.py"
    line = config_line(config, "LOGO")

    def problem(message: str) -> list[Problem]:
        return [Problem(path, line, "LOGO", message)]

    if not isinstance(logo, str):
        return problem("must be a file name under theme/static/ (e.g. 'logo.svg') or None.")
    rel = Path(logo)
    if rel.is_absolute() or ".." in rel.parts:
        return problem(
            f"{logo!r} must be a path inside theme/static/, e.g. 'logo.svg' "
            "(no leading / and no '..')."
        )
    if rel.suffix.lower() not in LOGO_SUFFIXES:
        return problem(f"{logo!r} must be an SVG or PNG file (.svg or .png).")
    for folder in static_dirs:
        if (folder / rel).is_file():
            return []
    where = ", ".join(str(d) for d in static_dirs) or "theme/static"
    return problem(
        f"{logo!r} was not found in {where}. Add the file there, or set LOGO = None to show "
        "the force name as text."
    )


def colour_block(colours: Mapping[str, str]) -> str:
    """The stylesheet's colour block for these settings (custom properties, both schemes)."""
    light, dark = palettes(colours)
    dark_only = {k: v for k, v in dark.items() if light.get(k) != v or k in DARK}
    out = [
        BLOCK_START + ": written from THEME_COLOURS by plugins/theme_check; "
        "change the setting, not this block */",
        ":root {",
        *(f"  --{name}: {value};" for name, value in light.items()),
        "  color-scheme: light dark;",
        "}",
        "@media (prefers-color-scheme: dark) {",
        "  :root {",
        *(f"    --{name}: {value};" for name, value in dark_only.items()),
        "  }",
        "}",
        BLOCK_END,
    ]
    return "\n".join(out)


def render_stylesheet(source: str, colours: Mapping[str, str]) -> str:
    """The stylesheet with its colour block replaced; ValueError when it has no block."""
    if len(_BLOCK_RE.findall(source)) != 1:
        raise ValueError(
            f"needs exactly one colour block, from '{BLOCK_START} ...' to '{BLOCK_END}'"
        )
    return _BLOCK_RE.sub(lambda _: colour_block(colours), source)


def check_theme_settings(
    settings: Mapping[str, Any], static_dirs: list[Path], config: Path | None = None
) -> list[Problem]:
    """All problems with THEME_COLOURS and LOGO."""
    return check_colours(settings.get("THEME_COLOURS"), config) + check_logo(
        settings.get("LOGO"), static_dirs, config
    )
