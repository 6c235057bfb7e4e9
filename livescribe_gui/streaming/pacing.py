"""Keeps audio sent from a backlog within what the server accepts (about 1.25x real time)."""

from __future__ import annotations

import time
from collections.abc import Callable

MAX_SPEED = 1.25
BURST_SECONDS = 1.0


class RealTimePacer:
    """A burst, then real time × MAX_SPEED, counted from the first chunk sent: what the server
    sees from its first byte. (Counted from when the session went live, a first send that
    waited for the next captured chunk gave the server up to 60 ms more than the pace.)"""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._started: float | None = None
        self._sent_seconds = 0.0

    def may_send(self, seconds: float) -> bool:
        elapsed = 0.0 if self._started is None else self._clock() - self._started
        return self._sent_seconds + seconds <= BURST_SECONDS + MAX_SPEED * elapsed

    def sent(self, seconds: float) -> None:
        if self._started is None:
            self._started = self._clock()
        self._sent_seconds += seconds
