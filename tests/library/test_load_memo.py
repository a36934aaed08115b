"""The memory of pure answers kept between builds (loading/memo.py): read back as it
was written, written again only when what a build used differs from what it read, and
never met by a build with another stamp."""

from __future__ import annotations

import os
from pathlib import Path

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


def test_a_memory_used_whole_and_nothing_more_is_not_written_again(tmp_path: Path) -> None:
    path = tmp_path / "memo.pickle"
    made: list[str] = []
    memo = LoadMemo(path, "stamp")
    answers(memo, ["a", "b"], made)
    memo.save()
    before = stat(path)
    memo = LoadMemo(path, "stamp")
    answers(memo, ["b", "a", "a"], made)
    memo.save()
    assert stat(path) == before
    assert answers(LoadMemo(path, "stamp"), ["a", "b"], made) == ["A", "B"]
    assert made == ["a", "b"]


def test_a_memory_is_written_again_with_a_new_answer_or_one_fewer(tmp_path: Path) -> None:
    path = tmp_path / "memo.pickle"
    made: list[str] = []
    memo = LoadMemo(path, "stamp")
    answers(memo, ["a", "b"], made)
    memo.save()
    before = stat(path)
    memo = LoadMemo(path, "stamp")
    answers(memo, ["a", "b", "c"], made)
    memo.save()
    assert stat(path) != before
    memo = LoadMemo(path, "stamp")
    answers(memo, ["a"], made)  # b and c are no longer asked for: they are let go
    memo.save()
    memo = LoadMemo(path, "stamp")
    answers(memo, ["a", "b", "c"], made)
    assert made == ["a", "b", "c", "b", "c"]
