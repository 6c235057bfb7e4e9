"""Keeps the session's audio until the server has surely used it, so no speech is lost.

Every 50 ms chunk gets a place on the transcript clock (its capture order x 50 ms). Chunks
wait in `pending` until sent; sent chunks stay `unconfirmed` until a final turn covers them.
When a connection drops, what the old server session had not finalised is sent again to the
new one, together with everything captured meanwhile (bounded, oldest dropped first).
"""

from __future__ import annotations

import threading
from collections import deque

from livescribe_gui.audio.converter import CHUNK_MS

# How far back to resend when a connection drops in silence (no turn in progress).
SILENT_REPLAY_MS = 500
# A little before the first word of the unfinished turn, so it is heard whole again.
SPEECH_REPLAY_MARGIN_MS = 300


class AudioLedger:
    def __init__(self, *, pending_limit_ms: int = 120_000, replay_limit_ms: int = 30_000):
        self._lock = threading.Lock()
        self._pending: deque[tuple[int, bytes]] = deque()
        self._unconfirmed: deque[tuple[int, bytes]] = deque()
        self._pending_limit = pending_limit_ms // CHUNK_MS
        self._replay_limit = replay_limit_ms // CHUNK_MS
        self._next_ms = 0
        self._speech_since_ms: int | None = None
        self.dropped_ms = 0

    @property
    def captured_ms(self) -> int:
        return self._next_ms

    def add(self, chunk: bytes) -> None:
        with self._lock:
            self._pending.append((self._next_ms, chunk))
            self._next_ms += CHUNK_MS
            while len(self._pending) > self._pending_limit:
                self._pending.popleft()
                self.dropped_ms += CHUNK_MS

    def has_pending(self) -> bool:
        return bool(self._pending)

    def next_to_send(self) -> tuple[int, bytes] | None:
        """Move the oldest pending chunk to unconfirmed and return it with its time."""
        with self._lock:
            if not self._pending:
                return None
            item = self._pending.popleft()
            self._unconfirmed.append(item)
            while len(self._unconfirmed) > self._replay_limit:
                self._unconfirmed.popleft()
            return item

    def next_pending_ms(self) -> int:
        """Where the next chunk to send sits on the transcript clock."""
        with self._lock:
            return self._pending[0][0] if self._pending else self._next_ms

    def speech_started(self, at_ms: int) -> None:
        """A turn is in progress from `at_ms` (transcript clock)."""
        with self._lock:
            if self._speech_since_ms is None:
                self._speech_since_ms = at_ms

    def confirmed_until(self, at_ms: int) -> None:
        """A final turn ends at `at_ms`: audio before it needs no resending."""
        with self._lock:
            self._speech_since_ms = None
            while self._unconfirmed and self._unconfirmed[0][0] + CHUNK_MS <= at_ms:
                self._unconfirmed.popleft()

    def rewind_for_reconnect(self) -> int:
        """After a drop: put unconfirmed audio back in front of pending. Returns the clock
        position the next server session starts at."""
        with self._lock:
            if self._speech_since_ms is not None:
                keep_from = self._speech_since_ms - SPEECH_REPLAY_MARGIN_MS
            else:
                last = self._unconfirmed[-1][0] + CHUNK_MS if self._unconfirmed else 0
                keep_from = last - SILENT_REPLAY_MS
            replay = [item for item in self._unconfirmed if item[0] + CHUNK_MS > keep_from]
            self._unconfirmed.clear()
            self._speech_since_ms = None
            self._pending.extendleft(reversed(replay))
            return self._pending[0][0] if self._pending else self._next_ms
