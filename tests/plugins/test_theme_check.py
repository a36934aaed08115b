"""The theme settings check: colours below 4.5:1 and a missing logo stop the build at its start."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from support import PROJECT, build

from neighbourhood_policing.problems import ContentError
from neighbourhood_policing.tools.build import run_build
from theme_check import DEFAULT_COLOURS, contrast
from theme_check.check import BLOCK_END, BLOCK_START, colour_block, render_stylesheet

STYLESHEET = PROJECT / "theme/static/css/site.css"


def _build_error(site: Path, tmp_path: Path, **overrides) -> ContentError:
    output = tmp_path / "out"
    with pytest.raises(ContentError) as caught:
        build(site, output, **overrides)
    assert not (output / "index.html").exists(), "the build must stop before writing pages"
    return caught.value


def test_contrast_is_the_wcag_ratio() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_low_contrast_link_colour_is_refused_with_setting_line_and_fix(
    mini_copy: Path, tmp_path: Path
) -> None:
    colours = {**DEFAULT_COLOURS, "link": "#7a9cd6"}
    error = _build_error(mini_copy, tmp_path, THEME_COLOURS=colours)
    [problem] = error.problems
    assert problem.field == "THEME_COLOURS['link']"
    assert problem.path == "pelicanconf.py"
    lines = (PROJECT / "pelicanconf.py").read_text(encoding="utf-8").splitlines()
    assert '"link":' in lines[problem.line - 1]
    assert "4.5:1" in problem.message and "2.78:1" in problem.message
    suggestion = re.search(r"For example '(#[0-9a-f]{6})' passes", problem.message)
    assert suggestion, problem.message
    for background in ("#ffffff", "#f3f2f1", "#fef7e0"):
        assert contrast(suggestion.group(1), background) >= 4.5


def test_command_line_build_prints_the_problem_and_fails(mini_copy: Path, tmp_path: Path) -> None:
    out = io.StringIO()
    code = run_build(
        stream=out,
        config=PROJECT / "pelicanconf.py",
        content_root=mini_copy,
        output=tmp_path / "out",
        overrides={"THEME_COLOURS": {**DEFAULT_COLOURS, "accent": "#333333"}},
    )
    assert code == 2
    text = out.getvalue()
    assert "THEME_COLOURS['accent']" in text and "focus" in text
    assert "The site was not built" in text


def test_header_text_on_brand_names_both_settings(mini_copy: Path, tmp_path: Path) -> None:
    colours = {**DEFAULT_COLOURS, "brand": "#777777", "brand_text": "#aaaaaa"}
    [problem] = _build_error(mini_copy, tmp_path, THEME_COLOURS=colours).problems
    assert problem.field == "THEME_COLOURS['brand_text']"
    assert "Or change 'brand'" in problem.message


def test_dark_scheme_link_colour_is_checked(mini_copy: Path, tmp_path: Path) -> None:
    colours = {**DEFAULT_COLOURS, "link_dark": "#1a4f9c"}
    [problem] = _build_error(mini_copy, tmp_path, THEME_COLOURS=colours).problems
    assert problem.field == "THEME_COLOURS['link_dark']"
    assert "dark colour scheme" in problem.message


def test_unknown_keys_and_bad_values_are_named(mini_copy: Path, tmp_path: Path) -> None:
    colours = {**DEFAULT_COLOURS, "lnk": "#000000", "brand": "navy-ish"}
    problems = _build_error(mini_copy, tmp_path, THEME_COLOURS=colours).problems
    messages = {p.field: p.message for p in problems}
    assert "Did you mean 'link'?" in messages["THEME_COLOURS['lnk']"]
    assert "'navy-ish' is not a colour" in messages["THEME_COLOURS['brand']"]


def test_missing_logo_is_refused(mini_copy: Path, tmp_path: Path) -> None:
    [problem] = _build_error(mini_copy, tmp_path, LOGO="force-logo.svg").problems
    assert problem.field == "LOGO"
    assert "'force-logo.svg' was not found" in problem.message and "LOGO = None" in problem.message
    [problem] = _build_error(mini_copy, tmp_path, LOGO="../pelicanconf.py").problems
    assert "inside theme/static/" in problem.message
    [problem] = _build_error(mini_copy, tmp_path, LOGO="favicon.gif").problems
    assert "SVG or PNG" in problem.message


def test_force_identity_reaches_pages_and_the_one_stylesheet(
    mini_copy: Path, tmp_path: Path
) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(PROJECT / "theme", theme)
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1"/></svg>'
    (theme / "static/logo.svg").write_text(svg, encoding="utf-8")
    colours = {"brand": "#4b0f5c", "brand_text": "#ffffff", "link": "#5a1f6e", "accent": "#f5b800"}
    output = build(
        mini_copy, tmp_path / "out", THEME=str(theme), THEME_COLOURS=colours, LOGO="logo.svg",
        FORCE_NAME="Example Constabulary",
    )  # fmt: skip
    css = (output / "theme/css/site.css").read_text(encoding="utf-8")
    for prop, value in (("brand", "#4b0f5c"), ("link", "#5a1f6e"), ("focus", "#f5b800")):
        assert f"--{prop}: {value};" in css
    assert "--link: #8ab4f8;" in css  # the default dark-scheme link colour stays
    home = (output / "index.html").read_text(encoding="utf-8")
    assert '<meta name="theme-color" content="#4b0f5c">' in home
    assert 'src="./theme/logo.svg" alt=""' in home
    assert "Example Constabulary" in home
    assert (output / "theme/logo.svg").is_file()
    assert (theme / "static/css/site.css").read_text(encoding="utf-8") == STYLESHEET.read_text(
        encoding="utf-8"
    )


def test_linked_static_files_never_change_the_theme_source(mini_copy: Path, tmp_path: Path) -> None:
    """With STATIC_CREATE_LINKS the copy is a hard link: it is replaced, not written into."""
    before = STYLESHEET.read_bytes()
    colours = {**DEFAULT_COLOURS, "brand": "#0b3d20"}
    output = build(mini_copy, tmp_path / "out", STATIC_CREATE_LINKS=True, THEME_COLOURS=colours)
    assert "--brand: #0b3d20;" in (output / "theme/css/site.css").read_text(encoding="utf-8")
    assert STYLESHEET.read_bytes() == before


def test_committed_stylesheet_block_matches_the_default_palette() -> None:
    """The plain stylesheet works as it is: its colour block is what the plugin writes."""
    source = STYLESHEET.read_text(encoding="utf-8")
    assert colour_block(DEFAULT_COLOURS) in source
    assert render_stylesheet(source, DEFAULT_COLOURS) == source


def test_stylesheet_without_its_colour_block_is_refused() -> None:
    source = STYLESHEET.read_text(encoding="utf-8")
    start, end = source.index(BLOCK_START), source.index(BLOCK_END) + len(BLOCK_END)
    with pytest.raises(ValueError, match="exactly one colour block"):
        render_stylesheet(source[:start] + source[end:], DEFAULT_COLOURS)
