"""`invoke publish`: pre-compressed copies, and deployment to a folder, rsync or gh-pages."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import brotli
import pytest
from support import MINI, invoke

from neighbourhood_policing.tools.common import EditingError
from neighbourhood_policing.tools.publish import (
    PUBLISH_MARKER,
    Target,
    compress_site,
    deploy_folder,
    deploy_github_pages,
    deploy_rsync,
    parse_target,
)

TEXT = ["index.html", "theme/site.css", "js/app.js", "feed.xml", "data.json", "map.svg",
        "events.ics", "feed.rss", "feed.atom", "robots.txt"]  # fmt: skip


def make_site(root: Path) -> Path:
    for number, name in enumerate(TEXT):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<p>{name}</p>\n" * (50 + number), encoding="utf-8")
    (root / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    return root


def test_text_files_get_gz_and_br_copies_that_decompress_to_the_same_bytes(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site")
    written = compress_site(site)
    assert len(written) == 2 * len(TEXT)
    for name in TEXT:
        original = (site / name).read_bytes()
        packed = (site / f"{name}.gz").read_bytes()
        assert gzip.decompress(packed) == original
        assert packed[4:8] == b"\0\0\0\0"  # mtime 0: the same input gives the same bytes
        assert brotli.decompress((site / f"{name}.br").read_bytes()) == original
    assert not (site / "photo.png.gz").exists() and not (site / "photo.png.br").exists()
    assert not list(site.rglob("*.gz.gz")) and not list(site.rglob("*.tmp"))


def test_compression_is_deterministic(tmp_path: Path) -> None:
    one, two = make_site(tmp_path / "one"), make_site(tmp_path / "two")
    compress_site(one)
    compress_site(two)
    for path in sorted(one.rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (two / path.relative_to(one)).read_bytes(), path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/var/www/site", Target("folder", "/var/www/site")),
        ("../public", Target("folder", "../public")),
        ("deploy@web1.example.org:/srv/site", Target("rsync", "deploy@web1.example.org:/srv/site")),
        ("web1:site/", Target("rsync", "web1:site/")),
        ("rsync://mirror.example.org/site/", Target("rsync", "rsync://mirror.example.org/site/")),
        ("github-pages", Target("github-pages", "gh-pages")),
    ],
)
def test_targets(text: str, expected: Target) -> None:
    assert parse_target(text) == expected


def test_no_target_explains_how_to_set_one() -> None:
    with pytest.raises(EditingError, match=r"set PUBLISH_TARGET in publishconf\.py"):
        parse_target("  ")


def test_invoke_publish_to_a_folder(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(MINI, root)
    # A page nothing links to, so that removing it leaves no broken link behind.
    (root / "content/pages/extra.md").write_text("Title: Extra\n\nFor a while.\n", "utf-8")
    output, target = tmp_path / "output", tmp_path / "www"
    args = [
        "publish",
        "--content-root",
        str(root),
        "--output",
        str(output),
        "--target",
        str(target),
    ]
    result = invoke(*args)
    assert result.returncode == 0, result.stderr
    home = (target / "index.html").read_text("utf-8")
    assert "https://neighbourhoods.westmercia.police.uk/" in home  # publishconf.py's SITEURL
    assert "http://localhost:8000" not in home
    assert gzip.decompress((target / "index.html.gz").read_bytes()) == home.encode()
    area = target / "neighbourhoods/alpha/index.html"
    assert brotli.decompress(area.with_name("index.html.br").read_bytes()) == area.read_bytes()
    assert (target / PUBLISH_MARKER).is_file()
    # A page that is no longer built is removed from the target at the next publish.
    (target / "old-page").mkdir()
    (target / "old-page/index.html").write_text("gone", "utf-8")
    (root / "content/pages/extra.md").unlink()
    assert invoke(*args).returncode == 0
    assert not (target / "old-page").exists() and not (target / "extra").exists()
    assert (target / "index.html").is_file()


def test_invoke_publish_without_a_target_builds_nothing(tmp_path: Path) -> None:
    result = invoke("publish", "--output", str(tmp_path / "out"), env={"PUBLISH_TARGET": ""})
    assert result.returncode == 1
    assert "No publish target: set PUBLISH_TARGET" in result.stderr
    assert not (tmp_path / "out").exists()


def test_folder_target_safety(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    home = tmp_path / "someones-home"
    home.mkdir()
    (home / "thesis.docx").write_text("precious", "utf-8")
    with pytest.raises(EditingError, match="not empty and was not published to before"):
        deploy_folder(site, home)
    assert (home / "thesis.docx").read_text("utf-8") == "precious"
    with pytest.raises(EditingError, match="overlaps the build folder"):
        deploy_folder(site, site / "copy")
    assert deploy_folder(site, tmp_path / "new" / "www") == len(TEXT) + 1
    assert deploy_folder(site, tmp_path / "new" / "www") == 0  # nothing changed


def test_rsync_target(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    target = tmp_path / "mirror"
    target.mkdir()
    (target / "stale.html").write_text("old", "utf-8")
    deploy_rsync(site, f"{target}/")
    assert (target / "index.html").read_bytes() == (site / "index.html").read_bytes()
    assert not (target / "stale.html").exists()
    with pytest.raises(EditingError, match=r"rsync to .* failed"):
        deploy_rsync(site, str(tmp_path / "no" / "such" / "parent" / "dir"))


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_github_pages_branch(tmp_path: Path) -> None:
    remote, repo = tmp_path / "remote.git", tmp_path / "repo"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    git(tmp_path, "init", "--quiet", "-b", "main", str(repo))
    git(repo, "config", "user.email", "dev@example.org")
    git(repo, "config", "user.name", "Dev")
    (repo / "README.md").write_text("source\n", "utf-8")
    git(repo, "add", "README.md")
    git(repo, "commit", "--quiet", "-m", "source")
    git(repo, "remote", "add", "origin", str(remote))
    site = make_site(tmp_path / "site")

    first = deploy_github_pages(site, repo)
    assert first and git(repo, "rev-parse", "gh-pages") == first
    assert git(remote, "rev-parse", "gh-pages") == first  # pushed
    files = git(repo, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert sorted(files) == sorted([*TEXT, "photo.png", ".nojekyll"])
    # The branch being worked on and its files are untouched.
    assert git(repo, "branch", "--show-current") == "main"
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "ls-files").splitlines() == ["README.md"]

    assert deploy_github_pages(site, repo) is None  # nothing changed, no empty commit
    (site / "robots.txt").write_text("User-agent: *\n", "utf-8")
    second = deploy_github_pages(site, repo)
    assert second and git(repo, "rev-parse", "gh-pages^") == first
    assert git(repo, "show", "gh-pages:robots.txt") == "User-agent: *"
