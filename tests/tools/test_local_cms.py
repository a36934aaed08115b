"""`invoke cms`: the site with the CMS, decap-server on the content, both stopped by Ctrl+C.

The task runs for real, as a user starts it, against a copy of the sample content on
free ports; the tests read what it serves, save a file as decap-server would, and stop
it with SIGINT (what Ctrl+C sends).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from support import PROJECT, free_port

from neighbourhood_policing.cms import CONFIG_PATH
from neighbourhood_policing.tools.local_cms import (
    allow_connection,
    headers_for,
    read_headers_file,
)


def test_headers_follow_the_hosts_rules_the_last_match_winning(tmp_path: Path) -> None:
    headers = tmp_path / "_headers"
    headers.write_text(
        "# comment\n/*\n  Content-Security-Policy: default-src 'self'\n  X-Frame-Options: DENY\n"
        "\n/admin/*\n  Content-Security-Policy: default-src 'self'; connect-src 'self'\n",
        encoding="utf-8",
    )
    rules = read_headers_file(headers)
    assert headers_for(rules, "/neighbourhoods/")["Content-Security-Policy"] == (
        "default-src 'self'"
    )
    admin = headers_for(rules, "/admin/index.html")
    assert admin == {
        "Content-Security-Policy": "default-src 'self'; connect-src 'self'",
        "X-Frame-Options": "DENY",
    }
    assert allow_connection(admin["Content-Security-Policy"], "http://127.0.0.1:9") == (
        "default-src 'self'; connect-src 'self' http://127.0.0.1:9"
    )
    assert allow_connection("default-src 'none'", "http://127.0.0.1:9") == (
        "default-src 'none'; connect-src 'self' http://127.0.0.1:9"
    )


@dataclass
class Running:
    process: subprocess.Popen[str]
    content: Path
    output: Path
    port: int
    proxy_port: int
    log: Path

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def _wait(condition, what: str, running: Running, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            pytest.fail(f"invoke cms stopped before {what}:\n{running.text()}")
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} did not happen within {seconds:.0f} s:\n{running.text()}")


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("invoke-cms")
    content = root / "site"
    for folder in ("content", "neighbourhoods"):
        shutil.copytree(PROJECT / folder, content / folder)
    port = free_port()
    proxy_port = free_port()
    while proxy_port == port:
        proxy_port = free_port()
    log = root / "invoke-cms.log"
    command = [sys.executable, "-m", "invoke", "--search-root", str(PROJECT), "cms"]
    command += ["--port", str(port), "--proxy-port", str(proxy_port)]
    command += ["--content-root", str(content), "--output", str(root / "output")]
    with log.open("w", encoding="utf-8") as stream:
        process = subprocess.Popen(
            command,
            cwd=PROJECT,
            stdout=stream,
            stderr=subprocess.STDOUT,
            text=True,
            # A task that does not stop can be asked where it is (SIGABRT: every thread's
            # traceback into the log), so a failure says where it hung.
            env={**os.environ, "PYTHONFAULTHANDLER": "1"},
        )
    state = Running(process, content, root / "output", port, proxy_port, log)
    try:
        _wait(lambda: "Press Ctrl+C" in state.text(), "the task saying it is ready", state)
        yield state
    finally:
        if process.poll() is None:  # a test failed before Ctrl+C: stop it the same way
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def test_it_prints_both_addresses(running: Running) -> None:
    text = running.text()
    assert f"http://localhost:{running.port}/admin/" in text
    assert f"http://127.0.0.1:{running.proxy_port}/api/v1" in text


def test_it_serves_the_admin_with_a_config_pointing_at_its_proxy(running: Running) -> None:
    committed = (PROJECT / CONFIG_PATH).read_bytes()
    status, headers, body = _get(f"http://127.0.0.1:{running.port}/admin/config.yml")
    assert status == 200
    config = yaml.safe_load(body)
    assert config["local_backend"]["url"] == f"http://127.0.0.1:{running.proxy_port}/api/v1"
    assert config["publish_mode"] == "simple"
    assert {c["name"] for c in config["collections"]} >= {"ludlow", "ludlow-updates"}
    assert (PROJECT / CONFIG_PATH).read_bytes() == committed  # only the served copy
    _, headers, page = _get(f"http://127.0.0.1:{running.port}/admin/")
    assert b"decap-cms.js" in page
    policy = headers["Content-Security-Policy"]
    assert f"http://127.0.0.1:{running.proxy_port}" in policy and "'unsafe-eval'" in policy
    _, public, _ = _get(f"http://127.0.0.1:{running.port}/neighbourhoods/ludlow/")
    assert "unsafe" not in public["Content-Security-Policy"]
    assert str(running.proxy_port) not in public["Content-Security-Policy"]


def test_decap_server_writes_into_the_content_root_and_the_site_is_rebuilt(
    running: Running,
) -> None:
    path = "neighbourhoods/ludlow/updates/2026-11-23-cms-proxy-check.md"
    text = (
        "---\ntitle: Written through the proxy\ndate: 2026-11-23 09:00\n"
        "category: News\n---\n\nA check that a save reaches the working copy.\n"
    )
    request = {
        "action": "persistEntry",
        "params": {
            "branch": "main",
            "entry": {"slug": "2026-11-23-cms-proxy-check", "path": path, "raw": text},
            "assets": [],
            "options": {
                "collectionName": "ludlow-updates",
                "commitMessage": "Create update",
                "useWorkflow": False,
                "status": "draft",
            },
        },
    }
    post = urllib.request.Request(
        f"http://127.0.0.1:{running.proxy_port}/api/v1",
        data=json.dumps(request).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(post, timeout=10) as response:
        assert response.status == 200
    assert (running.content / path).read_text(encoding="utf-8") == text
    assert not (PROJECT / path).exists()

    def rebuilt() -> bool:
        try:
            _, _, page = _get(f"http://127.0.0.1:{running.port}/neighbourhoods/ludlow/")
        except OSError:
            return False
        return b"Written through the proxy" in page

    _wait(rebuilt, "the rebuilt area page showing the new update", running)
    _wait(lambda: "Rebuilt in" in running.text(), "the task reporting the rebuild", running)
    config = yaml.safe_load((running.output / CONFIG_PATH).read_text(encoding="utf-8"))
    assert str(running.proxy_port) in config["local_backend"]["url"]  # kept after rebuild


def test_ctrl_c_stops_the_site_and_decap_server(running: Running) -> None:
    running.process.send_signal(signal.SIGINT)
    try:
        code = running.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        running.process.send_signal(signal.SIGABRT)  # the tracebacks of where it hung
        running.process.wait(timeout=30)
        pytest.fail(f"invoke cms did not stop within 60 s of Ctrl+C:\n{running.text()}")
    assert code == 0, running.text()
    assert "Stopped." in running.text()
    for port in (running.port, running.proxy_port):
        with pytest.raises(OSError):
            _get(f"http://127.0.0.1:{port}/")


def test_a_killed_task_leaves_no_decap_server_behind(tmp_path: Path) -> None:
    """Even SIGKILL, which the task cannot catch, stops its proxy (Linux)."""
    port = free_port()
    script = (
        "import sys, time\n"
        "from neighbourhood_policing.tools.local_cms import LocalCMS\n"
        f"cms = LocalCMS(content_root=sys.argv[1], proxy_port={port})\n"
        "cms.start_proxy()\n"
        "print('ready', flush=True)\n"
        "time.sleep(600)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        status, _, _ = _post_info(port)
        assert status == 200
    finally:
        child.kill()
        child.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _post_info(port)
        except OSError:
            return
        time.sleep(0.2)
    pytest.fail(f"decap-server on port {port} outlived the killed task")


def _post_info(port: int) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1",
        data=json.dumps({"action": "info"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, dict(response.headers), response.read()
