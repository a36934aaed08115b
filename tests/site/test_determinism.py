"""Deterministic output: the same content builds to a byte-identical tree, and the build's
idea of today comes from SOURCE_DATE_EPOCH."""

from __future__ import annotations

import filecmp
import os
from pathlib import Path

from support import MINI, PROJECT, build


def tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def differences(one: Path, two: Path) -> list[str]:
    files = tree(one)
    assert files == tree(two), "the two builds wrote different files"
    return [
        name
        for name in files
        if (one / name).is_file() and not filecmp.cmp(one / name, two / name, shallow=False)
    ]


def test_the_sample_site_builds_byte_identical(sample_output: Path, tmp_path: Path) -> None:
    again = build(PROJECT, tmp_path / "elsewhere" / "second-output")
    assert len(tree(again)) > 20
    assert differences(sample_output, again) == []


def test_no_build_path_leaks_into_the_output(mini_output: Path, tmp_path: Path) -> None:
    again = build(MINI, tmp_path / "another-name")
    assert differences(mini_output, again) == []
    for path in again.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert str(tmp_path).encode() not in data, path
            assert b".building-" not in data, path


def test_source_date_epoch_is_the_build_date(mini_copy: Path, tmp_path: Path) -> None:
    area = "neighbourhoods/alpha/index.html"
    before = build(mini_copy, tmp_path / "before")
    assert 'id="event-december-surgery"' in (before / area).read_text(encoding="utf-8")
    old = os.environ["SOURCE_DATE_EPOCH"]
    os.environ["SOURCE_DATE_EPOCH"] = "1798761600"  # 2027-01-01: the surgery is over
    try:
        after = build(mini_copy, tmp_path / "after")
    finally:
        os.environ["SOURCE_DATE_EPOCH"] = old
    assert 'id="event-december-surgery"' not in (after / area).read_text(encoding="utf-8")
