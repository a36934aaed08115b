"""`invoke bench` at a tenth of full size (400 areas, 4,000 updates): every figure is there,
and the incremental build after the four edits equals a cold build.

A smoke test: it asserts what was measured and that the incremental-equals-cold guard
ran, never how fast anything was (speed targets live in benchmarks/, not in tests).
Each single edit is compared with a cold build at small size in
tests/site/test_incremental.py; here the four run one after another and the last
output is compared (``--verify final``), which keeps the test to about four minutes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from support import PROJECT, invoke

REBUILDS = ("edit_update", "edit_area", "add_update", "edit_template")
#: A tenth of the full size (4,000 areas of 10 updates), as the build-speed issue asks.
AREAS, PER_AREA = 400, 10


def test_invoke_bench_reports_every_figure(tmp_path: Path) -> None:
    figures_file = tmp_path / "bench.json"
    work = tmp_path / "work"
    # Seven builds in fresh processes on a shared machine: a longer timeout than
    # support.invoke's, never a timing assertion.
    result = subprocess.run(
        [
            sys.executable, "-m", "invoke", "--search-root", str(PROJECT), "bench",
            "--areas", str(AREAS), "--updates-per-area", str(PER_AREA), "--verify", "final",
            "--json", str(figures_file), "--workdir", str(work),
        ],
        cwd=PROJECT, capture_output=True, encoding="utf-8", env=dict(os.environ),
        check=False, timeout=1800,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(figures_file.read_text())
    assert data["dataset"]["areas"] == AREAS
    assert data["dataset"]["area_updates"] == AREAS * PER_AREA
    figures = data["figures"]
    for name in ("validate", "cold", *REBUILDS, "pelican"):
        assert figures[name]["seconds"] > 0, name
        assert figures[name]["peak_rss_mib"] > 10, name  # a whole Python process
    for name in ("cold", *REBUILDS, "pelican"):
        assert figures[name]["files"] > 100 and figures[name]["bytes"] > 100_000, name
        assert figures[name]["ratio_to_pelican"] > 0, name
    for name in REBUILDS:
        assert figures[name]["share_of_cold"] > 0
    last = figures[REBUILDS[-1]]
    assert last["matches_cold"] is True, last["mismatches"]
    assert last["cold_check_seconds"] > 0
    assert figures["add_update"]["files"] > figures["cold"]["files"]  # the new page
    assert data["incremental_equals_cold"] is True
    assert data["peak_rss_mib"] >= figures["cold"]["peak_rss_mib"]
    assert figures["cold"]["seconds_per_update"] > 0
    if shutil.which("hugo"):
        assert figures["hugo"]["files"] > 100
    else:
        assert figures["hugo"] == {"skipped": "hugo is not installed (Debian package hugo)"}
    assert "| this site, cold full build |" in result.stdout
    assert "| rebuild after changing a template |" in result.stdout
    # The edits reached the output, and the repository's own theme was not touched.
    assert "Help and advice</h2>" in (work / "output" / "index.html").read_text()
    assert "Help and advice" not in (PROJECT / "theme/templates/base.html").read_text()
    plain = work / "pelican-output"
    assert (plain / "feeds" / "all.atom.xml").is_file()
    assert list(plain.glob("feeds/*.atom.xml"))  # category feeds
    assert (plain / "index2.html").is_file()  # pagination of 10


def test_generate_writes_a_content_root_that_builds(tmp_path: Path) -> None:
    root = tmp_path / "data"
    made = invoke("bench", "--generate", str(root), "--areas", "3", "--updates-per-area", "2")
    assert made.returncode == 0, made.stderr
    assert "invoke build --content-root" in made.stdout
    assert len(list(root.glob("neighbourhoods/*/updates/*.md"))) == 6
    assert not (tmp_path / "output").exists()
    built = invoke("build", "--content-root", str(root), "--output", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    assert len(list((tmp_path / "out" / "neighbourhoods").glob("*/index.html"))) == 3
    again = invoke("bench", "--generate", str(root), "--areas", "3")
    assert again.returncode == 2 and "not empty" in again.stderr


def test_the_old_updates_option_says_what_to_use_instead() -> None:
    result = invoke("bench", "--areas", "100", "--updates", "2000")
    assert result.returncode == 2
    assert "--updates-per-area 20" in result.stderr
