"""Python's collector during a build: what the build keeps is set aside once made.

A build makes the model, then Pelican's pages, then the checks' memory, and keeps each
for most of the build. Python's collector went through all of it again at every full
collection (one after every quarter more objects), so the time it took grew faster than
the site. Inside ``tenured()`` (the build runner's), ``long_lived()`` freezes what exists
at that moment (``gc.freeze``): later full collections do not look at it again. A frozen
object is still freed when nothing refers to it; only the cycles among frozen objects
wait for ``gc.unfreeze``, called when Pelican's pages are let go and when the build ends.

The freezing is done at fixed points (once the model is loaded, once Pelican has read
every update, before the checks), not from a collector callback: Python runs a signal
handler wherever the main thread is, and a Ctrl+C raised inside a collector callback is
lost (about one press in twenty, measured on the live preview).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_depth = 0


@contextlib.contextmanager
def tenured() -> Iterator[None]:
    """For the length of a build: ``long_lived()`` freezes; at the end, all is unfrozen."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            gc.unfreeze()


def long_lived() -> None:
    """Everything that exists now lives for most of the build: set it aside from the
    collector (nothing outside a build's ``tenured()``)."""
    if _depth:
        gc.freeze()
