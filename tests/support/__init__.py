"""What the tests share: where things are, the browser's path and flags, and how to run a
task or build a site for real. Import from here (``from support import build``); the
fixtures that use these live in tests/conftest.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from neighbourhood_policing.settings import PROJECT
from neighbourhood_policing.tools.build import build_site

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINI = FIXTURES / "mini"
#: Debian's Chromium, driven by Playwright; never a downloaded browser build.
CHROMIUM = "/usr/bin/chromium"
#: Flags for a headless run on a machine with no network beyond the package registries.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
]
#: 2026-11-24 00:00 UTC: the sample site's "today", so upcoming events stay upcoming.
SOURCE_DATE_EPOCH = "1795478400"

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "FIXTURES",
    "MINI",
    "PROJECT",
    "SOURCE_DATE_EPOCH",
    "build",
    "free_port",
    "invoke",
]

def invoke(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run an invoke task as a user would, from the project folder; never raises."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", "--search-root", str(PROJECT), *args],
        cwd=PROJECT,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        env={**os.environ, **(env or {})},
        check=False,
        timeout=300,
    )


def build(content_root: Path, output: Path, config: Path | None = None, **overrides) -> Path:
    """Build a site for real into ``output`` and return it."""
    build_site(
        config or PROJECT / "pelicanconf.py",
        content_root=content_root,
        output=output,
        overrides=overrides or None,
    )
    return output


def free_port() -> int:
    """A port on 127.0.0.1 nobody is listening on (bound to port 0, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
