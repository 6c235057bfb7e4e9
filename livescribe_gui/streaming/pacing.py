"""Keeps audio sent from a backlog within what the server accepts (about 1.25x real time)."""

from __future__ import annotations

import time
from collections.abc import Callable

MAX_SPEED = 1.25
BURST_SECONDS = 1.0


class RealTimePacer:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._started = clock()
        self._sent_seconds = 0.0

    def may_send(self, seconds: float) -> bool:
        allowed = BURST_SECONDS + MAX_SPEED * (self._clock() - self._started)
        return self._sent_seconds + seconds <= allowed

    def sent(self, seconds: float) -> None:
        self._sent_seconds += seconds
