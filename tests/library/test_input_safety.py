"""Broken input: each case gives a clear message naming the file (and line), a non-zero
exit and no traceback, through the real command line (`invoke validate` and `invoke build`
as subprocesses); a failed build leaves the last good output exactly as it was.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from support import MINI, SOURCE_DATE_EPOCH, build, invoke

from neighbourhood_policing.tools.build import run_validate
from neighbourhood_policing.yamlfile import ContentFileError, parse_yaml

ALPHA = "neighbourhoods/alpha"
UPDATE = f"{ALPHA}/updates/2026-11-20-market-patrols.md"

# A "billion laughs": nine levels of nine aliases expand to 9**9 strings.
ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(8)
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return invoke(*args, env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def good_output(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The last good build of the mini site, which broken builds must leave alone."""
    output = build(MINI, tmp_path_factory.mktemp("good") / "output")
    return output, tree_digest(output)


# -- the cases: (id, how to break a copy of the mini site, expected file:line, message) ----


def _write(rel: str, data: bytes | str) -> Callable[[Path], None]:
    def breaker(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)

    return breaker


def _append(rel: str, text: str) -> Callable[[Path], None]:
    def breaker(root: Path) -> None:
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return breaker


def _symlink(rel: str, target: Callable[[Path], Path], *, folder: bool = False):
    def breaker(root: Path) -> None:
        outside = target(root)
        link = root / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(outside, target_is_directory=folder)

    return breaker


def _outside_file(root: Path) -> Path:
    secret = root.parent / "secret.md"
    secret.write_text("Title: Secret\nDate: 2026-11-01 10:00\nCategory: News\n\nPrivate.\n")
    return secret


def _outside_folder(root: Path) -> Path:
    folder = root.parent / "home-folder"
    folder.mkdir(exist_ok=True)
    (folder / "id_rsa.jpg").write_bytes(b"not really a photo")
    return folder


UPDATE_HEAD = "Title: A test\nDate: 2026-11-21 10:00\nCategory: News\n\n"

CASES = [
    (
        "update-not-utf8",
        _write(
            f"{ALPHA}/updates/latin1.md", (UPDATE_HEAD + "Café on Mill Lane\n").encode("cp1252")
        ),
        f"{ALPHA}/updates/latin1.md:5",
        "is not UTF-8 text",
    ),
    (
        "yaml-not-utf8",
        _write(f"{ALPHA}/area.yaml", "name: Alpha\ndistrict: Caf\xe9\n".encode("latin-1")),
        f"{ALPHA}/area.yaml:2",
        "is not UTF-8 text",
    ),
    (
        "page-not-utf8",
        _write("content/pages/about.md", "Title: About\n\nCaf\xe9\n".encode("latin-1")),
        "content/pages/about.md:3",
        "is not UTF-8 text",
    ),
    (
        "binary-update",
        _write(f"{ALPHA}/updates/photo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)),
        f"{ALPHA}/updates/photo.md",
        "is a binary file",
    ),
    (
        "binary-yaml",
        _write(f"{ALPHA}/events.yaml", bytes(range(256))),
        f"{ALPHA}/events.yaml",
        "is a binary file",
    ),
    (
        "huge-update",
        _write(
            f"{ALPHA}/updates/huge.md",
            UPDATE_HEAD + ("All quiet on Mill Lane. " * 40 + "\n") * 5200,
        ),
        f"{ALPHA}/updates/huge.md",
        "MB, larger than the 1 MB limit",
    ),
    (
        "huge-yaml",
        _write(f"{ALPHA}/patrols.yaml", "# padding\n" * 600_000),
        f"{ALPHA}/patrols.yaml",
        "MB, larger than the 1 MB limit",
    ),
    (
        "alias-bomb",
        _write(f"{ALPHA}/priorities.yaml", ALIAS_BOMB),
        f"{ALPHA}/priorities.yaml:1",
        "anchor",
    ),
    (
        "alias",
        _append(f"{ALPHA}/area.yaml", "councils: *alpha\n"),
        f"{ALPHA}/area.yaml:31",
        "uses a YAML alias",
    ),
    (
        "merge-key",
        _write(f"{ALPHA}/events.yaml", "- <<: {id: x}\n  title: y\n"),
        f"{ALPHA}/events.yaml:1",
        "merge key",
    ),
    (
        "duplicate-key",
        _append(f"{ALPHA}/area.yaml", "name: Alpha Again\n"),
        f"{ALPHA}/area.yaml:31",
        "has 'name' twice in the same block (first on line 1)",
    ),
    (
        "duplicate-key-nested",
        _write(
            f"{ALPHA}/patrols.yaml",
            "- id: a\n  name: A\n  why: B\n  name: C\n  when: []\n"
            "  where: {type: Point, coordinates: [-2.7, 52.3]}\n",
        ),
        f"{ALPHA}/patrols.yaml:4",
        "has 'name' twice",
    ),
    (
        "duplicate-metadata",
        _write(
            f"{ALPHA}/updates/twice.md",
            "Title: One\nTitle: Two\nDate: 2026-11-21 10:00\nCategory: News\n\nx\n",
        ),
        f"{ALPHA}/updates/twice.md:2",
        "has 'Title:' twice",
    ),
    (
        "python-tag",
        _write(f"{ALPHA}/area.yaml", 'name: !!python/object/apply:os.system ["touch pwned"]\n'),
        f"{ALPHA}/area.yaml:1",
        "tags are not allowed",
    ),
    (
        "deep-nesting",
        _write(f"{ALPHA}/events.yaml", "[" * 10_000),
        f"{ALPHA}/events.yaml:1",
        "nested more than",
    ),
    (
        "control-character",
        _append(f"{ALPHA}/area.yaml", 'links2: "bell \x07"\n'),
        f"{ALPHA}/area.yaml:31",
        "control character",
    ),
    (
        "deep-geojson",
        _write(f"{ALPHA}/boundary.geojson", "[" * 100_000),
        f"{ALPHA}/boundary.geojson",
        "is not a GeoJSON Polygon we can read",
    ),
    (
        "missing-image-static",
        _append(UPDATE, "\n![The square]({static}square.jpg)\n"),
        f"{UPDATE}:9",
        "there is no file neighbourhoods/alpha/updates/square.jpg",
    ),
    (
        "missing-image-relative",
        _append(UPDATE, "\n![The square](images/square.png)\n"),
        f"{UPDATE}:9",
        "there is no file neighbourhoods/alpha/updates/images/square.png",
    ),
    (
        "image-without-static",
        lambda root: (
            (root / ALPHA / "updates" / "square.jpg").write_bytes(b"jpeg"),
            _append(UPDATE, "\n![The square](square.jpg)\n")(root),
        ),
        f"{UPDATE}:9",
        "write {static}square.jpg instead",
    ),
    (
        "offsite-image",
        _append(UPDATE, "\n![Tracker](https://tracker.example/pixel.gif)\n"),
        f"{UPDATE}:9",
        "from another website",
    ),
    (
        "offsite-iframe",
        _append(UPDATE, '\n<iframe src="//video.example/embed/1"></iframe>\n'),
        f"{UPDATE}:9",
        "from another website",
    ),
    (
        "missing-link-filename",
        _append(UPDATE, "\nSee [the appeal]({filename}2026-06-15-no-such-appeal.md).\n"),
        f"{UPDATE}:9",
        "there is no file neighbourhoods/alpha/updates/2026-06-15-no-such-appeal.md",
    ),
    (
        "missing-link-html",
        _append(UPDATE, '\n<a href="{static}/content/leaflet.pdf">Leaflet</a>\n'),
        f"{UPDATE}:9",
        "there is no file content/leaflet.pdf",
    ),
    (
        "missing-image-page",
        _append("content/pages/about.md", "\n![Logo]({static}/content/images/logo.png)\n"),
        "content/pages/about.md:6",
        "there is no file content/images/logo.png",
    ),
    (
        "symlink-update-outside",
        _symlink(f"{ALPHA}/updates/2026-11-22-secret.md", _outside_file),
        f"{ALPHA}/updates/2026-11-22-secret.md",
        "is a symbolic link to a place outside the repository",
    ),
    (
        "symlink-folder-outside",
        _symlink(f"{ALPHA}/photos", _outside_folder, folder=True),
        f"{ALPHA}/photos",
        "is a symbolic link to a place outside the repository",
    ),
    (
        "symlink-system-file",
        _symlink("content/pages/passwd.md", lambda root: Path("/etc/passwd")),
        "content/pages/passwd.md",
        "is a symbolic link to a place outside the repository",
    ),
    (
        "javascript-url",
        lambda root: (root / ALPHA / "area.yaml").write_text(
            (root / ALPHA / "area.yaml")
            .read_text(encoding="utf-8")
            .replace("https://council.example.gov.uk/", "javascript:alert(1)")
        ),
        f"{ALPHA}/area.yaml:29",
        "is not a full web address",
    ),
    (
        "empty-update",
        _write(f"{ALPHA}/updates/empty.md", ""),
        f"{ALPHA}/updates/empty.md:1",
        "has no metadata block",
    ),
    (
        "invalid-yaml",
        _write(f"{ALPHA}/events.yaml", "- id: x\n  title: Meeting: all welcome\n"),
        f"{ALPHA}/events.yaml:2",
        "is not valid YAML",
    ),
]


@pytest.mark.parametrize(
    ("breaker", "where", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_broken_input_is_refused_clearly(
    mini_copy: Path,
    good_output: tuple[Path, dict[str, str]],
    breaker: Callable[[Path], None],
    where: str,
    message: str,
) -> None:
    breaker(mini_copy)
    # invoke validate, in-process (the same function the task calls) ...
    stream = io.StringIO()
    assert run_validate(mini_copy, stream=stream) == 2
    assert _reported(stream.getvalue(), where, message), stream.getvalue()
    # ... and invoke build, as a user runs it, over the last good output.
    output, digest = good_output
    result = run("build", "--content-root", str(mini_copy), "--output", str(output))
    text = result.stdout + result.stderr
    assert result.returncode == 2, text
    assert "Traceback" not in text
    assert _reported(text, where, message), text
    assert "The site was not built" in text
    assert tree_digest(output) == digest, "a failed build changed the last good output"
    assert not list(output.parent.glob(".output.building-*")), "a failed build left its temp folder"


def _reported(text: str, where: str, message: str) -> bool:
    return any(line.startswith(where + ":") and message in line for line in text.splitlines())


def test_invoke_validate_reports_every_case_at_once(mini_copy: Path) -> None:
    """`invoke validate` as a subprocess, with every case that breaks a different file."""
    files = [c[2].split(":")[0] for c in CASES]
    separate = [c for c in CASES if files.count(c[2].split(":")[0]) == 1]
    assert len(separate) >= 8
    for _, breaker, _, _ in separate:
        breaker(mini_copy)
    result = run("validate", "--content-root", str(mini_copy))
    text = result.stdout + result.stderr
    assert result.returncode == 2, text
    assert "Traceback" not in text
    missing = [c[0] for c in separate if not _reported(text, c[2], c[3])]
    assert not missing, f"not reported: {missing}\n{text}"


def test_bom_and_crlf_are_accepted(mini_copy: Path, tmp_path: Path) -> None:
    for rel in (f"{ALPHA}/area.yaml", f"{ALPHA}/priorities.yaml", UPDATE, "content/pages/about.md"):
        path = mini_copy / rel
        text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (mini_copy / f"{ALPHA}/area.yaml").write_bytes(
        (mini_copy / f"{ALPHA}/area.yaml").read_bytes().replace(b"Sam Taylor", b"Sam Ta\xc3\xbflor")
    )
    result = run("build", "--content-root", str(mini_copy), "--output", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    area = (tmp_path / "out/neighbourhoods/alpha/index.html").read_text(encoding="utf-8")
    assert "Alpha Town neighbourhood team" in area
    assert "Sam Taÿlor" in area
    assert "\ufeff" not in area and "\r" not in area
    update = tmp_path / "out/neighbourhoods/alpha/updates/2026-11-20-market-patrols/index.html"
    assert "Evening patrols in the market square</h1>" in update.read_text(encoding="utf-8")


def test_alias_bomb_is_refused_fast_without_expanding() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ContentFileError) as refused:
        parse_yaml(ALIAS_BOMB)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert refused.value.line == 1 and "anchor" in refused.value.message
    # Expanded, the bomb is 387 million strings; refused, it is a few kilobytes of work.
    assert peak < 2_000_000, f"refusing the bomb used {peak} bytes"
    assert elapsed < 1.0


def test_output_folder_that_holds_the_content_is_refused(mini_copy: Path) -> None:
    before = sorted(p.relative_to(mini_copy) for p in mini_copy.rglob("*"))
    result = run("build", "--content-root", str(mini_copy), "--output", str(mini_copy))
    assert result.returncode == 2
    assert "holds the content itself" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.relative_to(mini_copy) for p in mini_copy.rglob("*")) == before
    shutil.rmtree(mini_copy)


def test_a_link_from_the_servers_root_is_a_warning_that_strict_validation_refuses(
    mini_copy: Path,
) -> None:
    """/updates/ works on the live site but not on a preview served from a folder: the
    editor is told (file, line, what to write instead); the page still builds."""
    _append(UPDATE, "\nSee [all updates](/updates/) for more.\n")(mini_copy)
    stream = io.StringIO()
    assert run_validate(mini_copy, stream=stream) == 0, stream.getvalue()
    said = stream.getvalue()
    assert _reported(said, f"{UPDATE}:9", "breaks when the site is served from a folder"), said
    assert "{filename}" in stream.getvalue()
    strict = io.StringIO()
    assert run_validate(mini_copy, stream=strict, strict=True) == 2
