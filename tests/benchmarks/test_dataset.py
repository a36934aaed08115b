"""The benchmark's dataset: seeded, deterministic, valid and of realistic shape."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from shapely.geometry import shape
from support import PROJECT, build

from neighbourhood_policing.loading import load_site
from neighbourhood_policing.settings import pelican_settings

sys.path.insert(0, str(PROJECT))
from benchmarks import dataset
from benchmarks.bench import compare_trees, tree_digest


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return dataset.generate(tmp_path_factory.mktemp("data") / "site", 12, 6).root


def test_the_same_seed_gives_the_same_bytes(small: Path, tmp_path: Path) -> None:
    again = dataset.generate(tmp_path / "again", 12, 6).root
    other = dataset.generate(tmp_path / "other", 12, 6, seed=7).root
    assert tree_digest(small) == tree_digest(again)
    assert compare_trees(small, other)  # another seed, other content
    assert len(tree_digest(small)) == len(tree_digest(other))


def test_it_validates_without_a_single_problem(small: Path) -> None:
    settings = pelican_settings(PROJECT / "pelicanconf.py", content_root=small)
    site = load_site(small, settings=settings, build_date=dataset.BUILD_DATE)
    assert [str(p) for p in site.problems] == []
    assert len(site.areas) == 12
    force_wide = len(list((PROJECT / "content/updates").glob("*.md")))
    assert len(site.updates) == 12 * 6 + force_wide + dataset.FORCE_WIDE_UPDATES


def test_areas_have_the_shape_the_issue_asks_for(small: Path) -> None:
    shapes = []
    for folder in sorted((small / "neighbourhoods").iterdir()):
        if not folder.is_dir():
            continue
        area = yaml.safe_load((folder / "area.yaml").read_text())
        assert 3 <= len(area["team"]) <= 6
        assert 3 <= len(yaml.safe_load((folder / "priorities.yaml").read_text())) <= 6
        assert 2 <= len(yaml.safe_load((folder / "patrols.yaml").read_text())) <= 4
        assert 2 <= len(yaml.safe_load((folder / "events.yaml").read_text())) <= 4
        boundary = json.loads((folder / "boundary.geojson").read_text())["geometry"]
        assert len(boundary["coordinates"][0]) == dataset.BOUNDARY_POINTS + 1
        polygon = shape(boundary)
        assert polygon.is_valid
        assert all(-8.7 < x < 1.8 and 49.8 < y < 60.9 for x, y in polygon.exterior.coords)
        shapes.append(polygon)
        updates = sorted((folder / "updates").glob("*.md"))
        assert len(updates) == 6
    assert len(shapes) == 12
    for i, first in enumerate(shapes):
        for second in shapes[i + 1 :]:
            assert not first.intersects(second)


def test_updates_are_about_300_words_with_lists_links_and_tables(small: Path) -> None:
    texts = [p.read_text() for p in sorted(small.glob("neighbourhoods/*/updates/*.md"))]
    for text in texts:
        body = text.split("\n\n", 1)[1]
        assert 260 <= len(body.split()) <= 400
        assert re.search(r"^(-|1\.) ", body, re.MULTILINE)
        assert re.search(r"\]\(https://", body)
    assert sum("| --- |" in t for t in texts) >= 3  # the occasional table
    assert sum("{filename}" in t for t in texts) >= 10  # links to earlier updates


def test_it_builds(small: Path, tmp_path: Path) -> None:
    output = build(small, tmp_path / "out")
    slug = sorted(p.name for p in (small / "neighbourhoods").iterdir() if p.is_dir())[0]
    page = (output / "neighbourhoods" / slug / "index.html").read_text()
    name = yaml.safe_load((small / "neighbourhoods" / slug / "area.yaml").read_text())["name"]
    assert name in page
    assert len(list(output.glob(f"neighbourhoods/{slug}/updates/*/index.html"))) == 6


def test_it_never_writes_into_a_folder_that_holds_something(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="not empty"):
        dataset.generate(tmp_path, 2, 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_compare_trees_names_every_difference(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        (folder / "sub").mkdir(parents=True)
        (folder / "same.html").write_text("same")
    (a / "sub" / "page.html").write_text("new")
    (b / "sub" / "page.html").write_text("old")
    (a / "extra.html").write_text("x")
    (b / "gone.html").write_text("y")
    assert compare_trees(a, b) == [
        "only in the rebuilt output: extra.html",
        "missing from the rebuilt output: gone.html",
        "different bytes: sub/page.html",
    ]
    assert compare_trees(a, a) == []
