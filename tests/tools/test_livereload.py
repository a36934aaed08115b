"""`invoke livereload` serves the site and rebuilds it after a change."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from support import PROJECT, free_port

from neighbourhood_policing.tools.livereload import Rebuilder, watch_paths

UPDATE = "neighbourhoods/alpha/updates/2026-11-20-market-patrols.md"
PAGE = "neighbourhoods/alpha/updates/2026-11-20-market-patrols/index.html"



def wait_for(check, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def test_rebuilder_keeps_the_last_good_build(mini_copy: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    messages: list[str] = []
    rebuild = Rebuilder(content_root=mini_copy, output=output, log=messages.append)
    assert rebuild() is True and (output / PAGE).is_file()
    source = mini_copy / UPDATE
    source.write_text(source.read_text("utf-8").replace("Category: You said", "Category: Yu"))
    assert rebuild() is False
    assert messages[-1] == "The site was not rebuilt; the page shows the last good build."
    assert (output / PAGE).is_file()
    assert {p.name for p in watch_paths(mini_copy)} == {
        "content", "neighbourhoods", "theme", "plugins", "src", "pelicanconf.py"
    }  # fmt: skip


def test_a_code_change_rebuilds_in_a_fresh_process(mini_copy: Path, tmp_path: Path) -> None:
    messages: list[str] = []
    rebuild = Rebuilder(content_root=mini_copy, output=tmp_path / "out", log=messages.append)
    rebuild.code_mtime = 0.0  # as if a plugin had just been saved
    assert rebuild() is True
    assert (tmp_path / "out" / PAGE).is_file()
    assert rebuild.code_mtime > 0 and messages[-1].startswith("Rebuilt in")


def test_livereload_serves_and_rebuilds_after_an_edit(mini_copy: Path, tmp_path: Path) -> None:
    port, output = free_port(), tmp_path / "out"
    command = [sys.executable, "-m", "invoke", "--search-root", str(PROJECT), "livereload",
               "--port", str(port), "--content-root", str(mini_copy),
               "--output", str(output)]  # fmt: skip
    log = (tmp_path / "log.txt").open("w")
    server = subprocess.Popen(command, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://localhost:{port}/{PAGE.removesuffix('index.html')}"
        wait_for(lambda: "Evening patrols in the market square" in (fetch(url) or ""))
        assert "livereload.js" in (fetch(url) or "")  # the page reloads itself
        source = mini_copy / UPDATE
        text = source.read_text("utf-8").replace("Evening patrols", "Night-time patrols")
        time.sleep(1.1)  # a new modification time, even on file systems with 1 s resolution
        source.write_text(text, "utf-8")
        wait_for(lambda: "Night-time patrols in the market square" in (fetch(url) or ""))
    finally:
        os.kill(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    assert "Rebuilt in" in (tmp_path / "log.txt").read_text("utf-8")
