"""Watches the GUI thread's event loop: a repeating timer notes the longest time between
its ticks. A gap means the GUI thread was busy (or blocked) that long and the window froze."""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QTimer

STALL_LIMIT_SECONDS = 0.1


class EventLoopWatch:
    def __init__(self, interval_ms: int = 5):
        self.longest = 0.0
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def __enter__(self) -> EventLoopWatch:
        # What earlier tests left is not the app's: collected and set aside first, as the app
        # freezes what start-up loaded. A collection that met it on the GUI thread mid-watch
        # took 117 ms (their windows destroyed), failing a test whose own gap was 26 ms.
        gc.collect()
        gc.freeze()
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.stop()
        gc.unfreeze()
        self._tick()
        print(f"longest GUI-thread gap: {self.longest * 1000:.1f} ms")

    def assert_no_stall(self, limit: float = STALL_LIMIT_SECONDS) -> None:
        assert self.longest < limit, (
            f"the GUI thread stalled for {self.longest * 1000:.0f} ms (limit {limit * 1000:.0f})"
        )
