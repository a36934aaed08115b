"""The memory of pure answers kept between builds (loading/memo.py): read back as it
was written, written again only when what a build used differs from what it read, and
never met by a build with another stamp."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from neighbourhood_policing.loading.memo import LoadMemo


def answers(memo: LoadMemo, texts: list[str], made: list[str]) -> list[str]:
    return [
        memo.remember("upper", text, lambda t=text: made.append(t) or t.upper()) for text in texts
    ]


def stat(path: Path) -> tuple[int, int]:
    found = os.stat(path)
    return found.st_ino, found.st_mtime_ns


def test_answers_come_back_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "memo.pickle"
    made: list[str] = []
    first = LoadMemo(path, "stamp")
    assert answers(first, ["a", "b"], made) == ["A", "B"]
    first.save()
    again = LoadMemo(path, "stamp")
    assert answers(again, ["a", "b"], made) == ["A", "B"]
    assert made == ["a", "b"] and again.hits == 2
    other = LoadMemo(path, "another stamp")
    answers(other, ["a"], made)
    assert made == ["a", "b", "a"], "a memory of another build is not used"


def a_build(path: Path, texts: list[str], made: list[str]) -> None:
    """What one build does with the memory: asks for ``texts``, then keeps what it used."""
    memo = LoadMemo(path, "stamp")
    answers(memo, texts, made)
    memo.save()


@pytest.mark.parametrize(
    ("asked", "written"),
    [
        (["b", "a", "a"], False),  # every answer in it, and no other: it is as it was
        (["a", "b", "c"], True),  # one answer more
        (["a"], True),  # one fewer: b is no longer asked for, so it is let go
    ],
)
def test_a_memory_is_written_again_only_when_a_build_used_other_answers(
    tmp_path: Path, asked: list[str], written: bool
) -> None:
    path = tmp_path / "memo.pickle"
    made: list[str] = []
    a_build(path, ["a", "b"], made)
    before = stat(path)
    a_build(path, asked, made)
    assert (stat(path) != before) is written
    made.clear()
    answers(LoadMemo(path, "stamp"), ["a", "b", "c"], made)
    assert made == [text for text in ["a", "b", "c"] if text not in asked]
