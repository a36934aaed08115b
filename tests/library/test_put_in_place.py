"""Putting a new site in place: only what changed moves, and what is gone goes."""

from __future__ import annotations

import os
from pathlib import Path

from neighbourhood_policing.files import write_staged
from neighbourhood_policing.outputs import NewSite, put_in_place, walk


def write(folder: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def folders(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir())


LAST = {
    "index.html": "home",
    "a/index.html": "a",
    "b/index.html": "b",
    "b/old/index.html": "an old page",
    "c/index.html": "c",
}


def test_only_changed_files_move_and_gone_ones_are_deleted(tmp_path: Path) -> None:
    output, staging = tmp_path / "output", tmp_path / "staging"
    write(output, LAST)
    write(output, {".git/HEAD": "retained", "notes.txt": "left by hand"})
    write(staging, {"index.html": "home, changed", "d/new/index.html": "new"})
    untouched = os.stat(output / "a/index.html").st_ino
    site = NewSite(staging, output, {"a/index.html", "b/index.html", "c/index.html"})

    said = put_in_place(site, output, retention=[".git"])

    assert said == "2 file(s) moved in, 2 deleted, 3 kept"
    assert tree(output) == {
        ".git/HEAD": "retained",  # kept by OUTPUT_RETENTION
        "a/index.html": "a",
        "b/index.html": "b",
        "c/index.html": "c",
        "d/new/index.html": "new",
        "index.html": "home, changed",
    }
    assert "b/old" not in folders(output), "a folder left empty is removed"
    assert os.stat(output / "a/index.html").st_ino == untouched, "a kept file is not touched"
    assert not staging.exists()


def test_a_page_become_a_folder_replaces_the_output_whole(tmp_path: Path) -> None:
    output, staging = tmp_path / "output", tmp_path / "staging"
    write(output, {"index.html": "home", "page": "a file", "a/index.html": "a"})
    write(staging, {"page/index.html": "now a folder"})
    site = NewSite(staging, output, {"index.html", "a/index.html"})

    said = put_in_place(site, output)

    assert said == "the whole output replaced"
    assert tree(output) == {
        "a/index.html": "a",
        "index.html": "home",
        "page/index.html": "now a folder",
    }


def test_a_new_site_reads_written_files_over_kept_ones(tmp_path: Path) -> None:
    output, staging = tmp_path / "output", tmp_path / "staging"
    write(output, {"a.html": "old a", "b.html": "old b", "gone.html": "gone"})
    write(staging, {"a.html": "new a", "c.html": "new c"})
    site = NewSite(staging, output, {"a.html", "b.html"})

    assert site.files() == ["a.html", "b.html", "c.html"]
    assert {rel: site.path(rel).read_text() for rel in site.files()} == {
        "a.html": "new a",
        "b.html": "old b",
        "c.html": "new c",
    }
    assert site.kept_only() == ["b.html"]


def test_a_new_site_selects_files_without_listing_them_all(tmp_path: Path) -> None:
    """Search asks for the pages alone, before the checks list every file."""
    output, staging = tmp_path / "output", tmp_path / "staging"
    write(output, {"a.html": "old a", "b.html": "old b", "b.css": "kept style"})
    write(staging, {"a.html": "new a", "c.html": "new c", "c.css": "style"})
    site = NewSite(staging, output, {"a.html", "b.html", "b.css"})

    pages = site.files_where(lambda rel: rel.endswith(".html"))

    assert pages == ["a.html", "b.html", "c.html"]
    assert [site.path(rel).read_text() for rel in pages] == ["new a", "old b", "new c"]
    assert site._written is None, "nothing kept a list of every file"


def test_walk_lists_every_file_as_os_walk_does(tmp_path: Path) -> None:
    """Every file at any depth, by its path with ``/``; a link to a folder is neither
    followed nor listed (as ``os.walk`` has it), a link to a file is a file."""
    site = tmp_path / "site"
    write(site, {"index.html": "", "a/index.html": "", "a/b/c/feed.rss": "", "d/.hidden": ""})
    (site / "empty").mkdir()
    (tmp_path / "elsewhere").mkdir()
    write(tmp_path / "elsewhere", {"secret.html": ""})
    (site / "linked-folder").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (site / "linked-file.html").symlink_to(site / "index.html")
    expected = set()
    for current, _dirs, names in os.walk(site):
        prefix = Path(current).relative_to(site).as_posix()
        expected |= {name if prefix == "." else f"{prefix}/{name}" for name in names}
    listed = list(walk(site))
    assert len(listed) == len(set(listed))
    assert set(listed) == expected == {
        "index.html", "a/index.html", "a/b/c/feed.rss", "d/.hidden", "linked-file.html",
    }  # fmt: skip
    assert list(walk(tmp_path / "missing")) == []


def test_a_staged_page_is_written_in_place_with_the_usual_mode(tmp_path: Path) -> None:
    page = tmp_path / "page" / "index.html"
    page.parent.mkdir()
    page.write_text("")  # as Pelican's writer leaves a page it defers
    inode = page.stat().st_ino
    old = os.umask(0o077)
    try:
        write_staged(page, b"<p>The page</p>")
        write_staged(tmp_path / "new.html", b"new")
    finally:
        os.umask(old)
    assert page.read_bytes() == b"<p>The page</p>"
    assert page.stat().st_ino == inode  # no temporary file renamed over it
    assert page.stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "new.html").stat().st_mode & 0o777 == 0o644


def test_a_staged_page_replaces_a_link_rather_than_writing_through_it(tmp_path: Path) -> None:
    source = tmp_path / "theme.html"
    source.write_text("the source")
    page = tmp_path / "index.html"
    page.symlink_to(source)
    write_staged(page, b"the page")
    assert not page.is_symlink()
    assert page.read_bytes() == b"the page"
    assert source.read_text() == "the source"
