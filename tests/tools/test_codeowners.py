"""CODEOWNERS routes each area's pull requests to its own team, and never goes stale."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from support import PROJECT, invoke

from neighbourhood_policing.loading import load_site
from neighbourhood_policing.settings import pelican_settings
from neighbourhood_policing.tools.codeowners import codeowners_text, write_codeowners
from neighbourhood_policing.tools.common import EditingError

COMMITTED = PROJECT / ".github" / "CODEOWNERS"


def owner_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_each_area_folder_is_owned_by_its_maintainers(mini_copy: Path) -> None:
    text = codeowners_text(load_site(mini_copy), ["@force/web"])
    # The default comes first: in CODEOWNERS the last matching line wins.
    assert owner_lines(text) == ["* @force/web", "/neighbourhoods/alpha/ @example/alpha-snt"]


def test_check_finds_a_stale_file_and_writing_fixes_it(mini_copy: Path) -> None:
    target = mini_copy / ".github/CODEOWNERS"
    assert write_codeowners(mini_copy, target, ["@force/web"], check=True) is True
    assert not target.exists()
    assert write_codeowners(mini_copy, target, ["@force/web"]) is True
    assert write_codeowners(mini_copy, target, ["@force/web"], check=True) is False
    beta = mini_copy / "neighbourhoods/beta/area.yaml"
    beta.write_text(beta.read_text("utf-8") + 'maintainers: ["@force/beta", "@jo-bloggs"]\n')
    assert write_codeowners(mini_copy, target, ["@force/web"], check=True) is True
    write_codeowners(mini_copy, target, ["@force/web"])
    assert (
        owner_lines(target.read_text("utf-8"))[-1] == "/neighbourhoods/beta/ @force/beta @jo-bloggs"
    )


def test_broken_area_yaml_is_not_silently_left_out(mini_copy: Path) -> None:
    alpha = mini_copy / "neighbourhoods/alpha/area.yaml"
    alpha.write_text(alpha.read_text("utf-8").replace("district:", "distrct:"), "utf-8")
    with pytest.raises(EditingError, match=r"area.yaml:2: distrct: 'distrct' is not a field"):
        write_codeowners(mini_copy, mini_copy / "CODEOWNERS", [])
    assert not (mini_copy / "CODEOWNERS").exists()
    with pytest.raises(EditingError, match="must be a GitHub user or team"):
        write_codeowners(PROJECT / "tests/fixtures/mini", mini_copy / "CODEOWNERS", ["web team"])


def test_invoke_codeowners(mini_copy: Path) -> None:
    check = invoke("codeowners", "--check", "--content-root", str(mini_copy))
    assert check.returncode == 1 and "is out of date" in check.stderr
    assert invoke("codeowners", "--content-root", str(mini_copy)).returncode == 0
    assert invoke("codeowners", "--check", "--content-root", str(mini_copy)).returncode == 0
    written = (mini_copy / ".github/CODEOWNERS").read_text("utf-8")
    assert owner_lines(written)[0] == "* @westmercia/neighbourhood-web"


def test_committed_codeowners_is_up_to_date(tmp_path: Path) -> None:
    default = pelican_settings(PROJECT / "pelicanconf.py")["CODEOWNERS_DEFAULT"]
    site = load_site(PROJECT)
    assert site.areas, "the sample site has no areas"
    expected = codeowners_text(site, default)
    committed = COMMITTED.read_text("utf-8") if COMMITTED.exists() else ""
    diff = "".join(
        difflib.unified_diff(
            committed.splitlines(True), expected.splitlines(True), "committed", "expected"
        )
    )
    assert committed == expected, (
        ".github/CODEOWNERS is out of date: run `.venv/bin/invoke codeowners` and commit it.\n"
        + diff
    )
    # Every area that names maintainers has its line.
    for slug, record in site.areas.items():
        if record.area.maintainers:
            assert f"/neighbourhoods/{slug}/ " in committed
