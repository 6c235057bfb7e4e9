"""Handing the C heap's free pages back to the system (glibc).

A growing turn is rewritten in Qt's document several times a second: its text buffers and
line layouts are allocated and freed in small pieces all day, and the pages they free lie
between live allocations, where glibc never returns them (it only trims the top of the
heap). `malloc_trim(0)` gives back every whole free page in every arena; it takes well under
a millisecond on this app's heap, so it runs after each full cycle collection.
Elsewhere (macOS, Windows, musl) there is no such call and nothing is done.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


_trim = _malloc_trim()


def release_free_memory() -> None:
    if _trim is not None:
        _trim(0)
