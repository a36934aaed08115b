"""Atomic output: a failed build, whatever failed, leaves the last good output in place."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from support import build

from neighbourhood_policing.problems import ContentError
from neighbourhood_policing.tools.build import BuildFailed


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(output: Path) -> list[Path]:
    return sorted(output.parent.glob(f".{output.name}.*"))


@pytest.fixture
def built(mini_copy: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    output = build(mini_copy, tmp_path / "output")
    return mini_copy, output, digest(output)


def test_a_good_build_replaces_the_output_and_tidies_up(built) -> None:
    root, output, _ = built
    (output / "stale.html").write_text("from an older build", encoding="utf-8")
    (root / "content/pages/about.md").write_text("Title: About us\n\nNew words.\n", "utf-8")
    build(root, output)
    assert not (output / "stale.html").exists()  # DELETE_OUTPUT_DIRECTORY is honoured
    assert "New words." in (output / "about/index.html").read_text(encoding="utf-8")
    assert output.stat().st_mode & 0o005 == 0o005  # a web server may read it
    assert leftovers(output) == []


def test_content_error_leaves_the_last_good_output(built) -> None:
    root, output, before = built
    (root / "neighbourhoods/alpha/area.yaml").write_text("name: [\n", encoding="utf-8")
    with pytest.raises(ContentError):
        build(root, output)
    assert digest(output) == before
    assert leftovers(output) == []


def test_failed_check_leaves_the_last_good_output(built, tmp_path: Path) -> None:
    root, output, before = built
    templates = tmp_path / "sabotage"
    (templates / "components").mkdir(parents=True)
    (templates / "components/update_summary.html").write_text(
        "{% macro update_summary(article, heading='h3', show_area=true) %}{% endmacro %}",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as failed:
        build(root, output, THEME_TEMPLATES_OVERRIDES=[str(templates)])
    assert "is not linked from the list of all updates" in str(failed.value)
    assert digest(output) == before
    assert leftovers(output) == []


def test_an_error_pelican_logs_and_skips_fails_the_build(built) -> None:
    """Pelican logs 'Could not process' and carries on without the page: we stop instead."""
    root, output, before = built
    (root / "content/pages/broken.md").write_text(
        "Title: Broken\nDate: not a date at all\n\nText.\n", encoding="utf-8"
    )
    with pytest.raises(BuildFailed) as failed:
        build(root, output)
    assert "broken.md" in str(failed.value)
    assert digest(output) == before
    assert leftovers(output) == []


def test_a_template_crash_leaves_the_last_good_output(built, tmp_path: Path) -> None:
    root, output, before = built
    templates = tmp_path / "crash"
    templates.mkdir()
    (templates / "page.html").write_text("{{ page.no_such_thing.deeper }}", encoding="utf-8")
    with pytest.raises(Exception):  # noqa: B017 - any failure at all
        build(root, output, THEME_TEMPLATES_OVERRIDES=[str(templates)])
    assert digest(output) == before
    assert leftovers(output) == []


def test_output_retention_is_kept_across_the_swap(built) -> None:
    root, output, _ = built
    (output / ".git").mkdir()
    (output / ".git/HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    build(root, output, OUTPUT_RETENTION=[".git"])
    assert (output / ".git/HEAD").read_text(encoding="utf-8").startswith("ref:")


def test_keeping_old_files_when_asked(built) -> None:
    root, output, _ = built
    (output / "extra.txt").write_text("kept", encoding="utf-8")
    build(root, output, DELETE_OUTPUT_DIRECTORY=False)
    assert (output / "extra.txt").read_text(encoding="utf-8") == "kept"
    assert (output / "index.html").exists()
