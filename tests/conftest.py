"""Shared fixtures: real builds of the sample site and of small test sites."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from neighbourhood_policing.tools.build import build_site

PROJECT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
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


@pytest.fixture(autouse=True, scope="session")
def _pinned_build_date() -> Iterator[None]:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    yield
    if old is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = old


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


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site (this repository's content), built once per test session."""
    return build(PROJECT, tmp_path_factory.mktemp("sample") / "output")


@pytest.fixture(scope="session")
def mini_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny test site in tests/fixtures/mini, built once per test session."""
    return build(MINI, tmp_path_factory.mktemp("mini") / "output")


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A private copy of the tiny test site, for tests that change or break content."""
    target = tmp_path / "site"
    shutil.copytree(MINI, target)
    return target
