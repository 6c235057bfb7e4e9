"""Input level for the meter, and noticing an input that has gone quiet."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

SILENCE_DBFS = -65.0
DIGITAL_SILENCE_DBFS = -100.0  # all zeros (a level has no lower end)
METER_FLOOR_DBFS = -60.0  # the meter's empty end: anything quieter looks the same


def level_dbfs(chunk: bytes) -> float:
    """RMS level of an int16 chunk in dBFS (-100 for digital silence). No NumPy: audio the
    sound server already delivers as 16 kHz int16 never needs it. `math.hypot` sums the
    squares in C (17 µs a 50 ms chunk, against 40 µs for a sum in Python), on the capture
    thread for every chunk."""
    samples = memoryview(chunk).cast("h")
    if not samples:
        return DIGITAL_SILENCE_DBFS
    rms = math.hypot(*samples) / math.sqrt(len(samples)) / 32768.0
    return max(DIGITAL_SILENCE_DBFS, 20.0 * math.log10(rms)) if rms > 0 else DIGITAL_SILENCE_DBFS


class MeterPace:
    """The level meter's pace: the loudest chunk since the last report, at most ten times a
    second. A calm meter that still shows a short sound, at half the repaints of a report
    per 50 ms chunk (and what the GUI thread does while only the meter moves). A quiet input
    is reported once: until there is sound again the meter would not move, so the GUI
    thread is not woken for it (hours of a silent meeting or a paused film)."""

    INTERVAL_SECONDS = 0.095

    def __init__(self, *, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._last_report = float("-inf")
        self._quiet_shown = False  # the last report shown was at the meter's floor
        self._peak = DIGITAL_SILENCE_DBFS

    def due(self, level: float) -> float | None:
        """Take a chunk's level; the level to show now, or None until it is time."""
        self._peak = max(self._peak, level)
        now = self._clock()
        if now - self._last_report < self.INTERVAL_SECONDS:
            return None
        self._last_report, peak, self._peak = now, self._peak, DIGITAL_SILENCE_DBFS
        quiet = peak <= METER_FLOOR_DBFS
        if quiet and self._quiet_shown:
            return None
        self._quiet_shown = quiet
        return peak


class SilenceTracker:
    """Says how long the input has been quiet, and whether it was exact zeros all along
    (what a muted driver or a refused microphone permission delivers)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._quiet_since: float | None = clock()
        self.all_zero = True

    def feed(self, chunk: bytes, level: float) -> None:
        if level > SILENCE_DBFS:
            self._quiet_since = None
            self.all_zero = True
            return
        if self._quiet_since is None:
            self._quiet_since = self._clock()
            self.all_zero = True
        if self.all_zero and any(chunk):
            self.all_zero = False

    @property
    def quiet_seconds(self) -> float:
        return 0.0 if self._quiet_since is None else self._clock() - self._quiet_since
