"""Shared fixtures: real builds of the sample site and of small test sites.

Helpers (paths, ``build``, ``invoke``, the browser's flags) are in ``tests/support``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import MINI, PROJECT, SOURCE_DATE_EPOCH, build


@pytest.fixture(autouse=True, scope="session")
def _pinned_build_date() -> Iterator[None]:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    yield
    if old is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = old


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
