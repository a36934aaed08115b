"""Work shared among forked processes: rendering the waiting pages, reading the output.

A forked child sees everything the build has made so far (the model, the templates, the
checks' memory) without its being pickled; only what it sends back is. Each child's
answer comes back through a pipe, pickled; a child that fails sends its traceback, and
the work fails with every child's.
"""

from __future__ import annotations

import os
import pickle
import traceback
from collections.abc import Callable, Sequence
from typing import TypeVar

Share = TypeVar("Share")
Answer = TypeVar("Answer")
Item = TypeVar("Item")


def shares(items: Sequence[Item], workers: int, at_least: int) -> list[list[Item]]:
    """``items`` dealt in turn into up to ``workers`` shares of at least ``at_least``
    items each: one share when there are too few for a fork to be worth it."""
    count = max(1, min(workers, len(items) // at_least))
    return [list(items[i::count]) for i in range(count)]


class WorkFailed(RuntimeError):
    """A share of the work failed: the message holds each failure's traceback."""


def _in_child(work: Callable[[Share], Answer], share: Share, stream: int) -> None:
    try:
        payload = pickle.dumps(("ok", work(share)), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        payload = pickle.dumps(("error", traceback.format_exc()))
    with os.fdopen(stream, "wb") as pipe:
        pipe.write(payload)


def in_forks(work: Callable[[Share], Answer], shares: Sequence[Share]) -> list[Answer]:
    """``work(share)`` for each share, in order: the first share in this process, each
    other in a forked child, all at once (all here where there is no ``fork``)."""
    if len(shares) <= 1 or not hasattr(os, "fork"):
        return [work(share) for share in shares]
    children: list[tuple[int, int]] = []
    for share in shares[1:]:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do its share, answer, and leave without cleanup
            os.close(read)
            code = 0
            try:
                _in_child(work, share, write)
            except BaseException:
                code = 1
            os._exit(code)
        os.close(write)
        children.append((pid, read))
    answers: list[Answer] = []
    failures: list[str] = []
    try:
        answers.append(work(shares[0]))
    except BaseException:
        failures.append(traceback.format_exc())
    for pid, read in children:
        try:  # unpickled as it arrives: the answer's bytes are never all held at once
            with os.fdopen(read, "rb") as pipe:
                status, value = pickle.load(pipe)
        except Exception:
            failures.append(f"a worker process stopped without a word (pid {pid})")
            continue
        finally:
            os.waitpid(pid, 0)
        if status != "ok":
            failures.append(value)
            continue
        answers.append(value)
    if failures:
        raise WorkFailed("\n".join(failures))
    return answers
