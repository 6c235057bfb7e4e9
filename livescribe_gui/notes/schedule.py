"""When the running summary is brought up to date by itself: after `every` minutes of new
speech, and never sooner than `every` minutes after the last request. Pure: the caller
gives the clock, so the rule is checked without waiting."""

from __future__ import annotations


class SummarySchedule:
    def __init__(self, every_minutes: int, *, minute_seconds: float = 60.0):
        self.every_seconds = every_minutes * minute_seconds
        self.new_speech_seconds = 0.0
        self.last_request: float | None = None

    def heard(self, seconds: float) -> None:
        """A final turn this long was added."""
        self.new_speech_seconds += seconds

    def due(self, now: float) -> bool:
        enough_speech = self.new_speech_seconds >= self.every_seconds
        rested = self.last_request is None or now - self.last_request >= self.every_seconds
        return enough_speech and rested

    def requested(self, now: float) -> None:
        """An update was asked for (by itself or on demand): start counting again."""
        self.last_request = now
        self.new_speech_seconds = 0.0
