"""Keeps the session's audio until the server has surely used it, so no speech is lost.

Every 50 ms chunk gets a place on the transcript clock (its capture order x 50 ms). Chunks
wait in `pending` until sent; sent chunks stay `unconfirmed` until there is positive
evidence that the server processed them:

- a final turn that ends after them (`confirmed_until`), or
- a server message saying a stretch was heard and held no speech (`heard_without_speech`:
  `Silence` messages, or `Heartbeat` intervals with a low speech probability).

The absence of a Turn is no evidence: a stalled or black-holed server sends nothing at all.
Evidence only ever releases audio from the front, so what is replayed after a drop is one
contiguous stretch and the transcript clock stays right. When a connection drops, every
unconfirmed chunk goes back in front of pending and is sent to the new server session; only
leading chunks that the app itself measured as quiet are skipped (with a margin before the
first sound), which saves time and money and never skips speech.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from livescribe_gui.audio.session_format import CHUNK_MS

# Sound kept before the first non-quiet chunk when leading quiet audio is skipped.
REPLAY_MARGIN_MS = 300


@dataclass(frozen=True)
class Chunk:
    at_ms: int  # its place on the transcript clock
    pcm: bytes
    quiet: bool  # measured by the app: nothing above the quiet floor


class AudioLedger:
    def __init__(self, *, pending_limit_ms: int = 120_000, replay_limit_ms: int = 120_000):
        self._lock = threading.Lock()
        self._pending: deque[Chunk] = deque()
        self._unconfirmed: deque[Chunk] = deque()
        self._heard: list[tuple[int, int]] = []  # ranges proven heard, ahead of the front
        self._final_until = 0
        self._pending_limit = pending_limit_ms // CHUNK_MS
        self._replay_limit = replay_limit_ms // CHUNK_MS
        self._next_ms = 0
        self.dropped_ms = 0  # audio given up because a bound was reached
        self.replayed_ms = 0  # audio sent again after connections dropped
        self.skipped_quiet_ms = 0  # leading quiet audio not replayed

    @property
    def captured_ms(self) -> int:
        return self._next_ms

    @property
    def unconfirmed_ms(self) -> int:
        return len(self._unconfirmed) * CHUNK_MS

    def add(self, pcm: bytes, *, quiet: bool = False) -> None:
        with self._lock:
            self._pending.append(Chunk(self._next_ms, pcm, quiet))
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
            chunk = self._pending.popleft()
            self._unconfirmed.append(chunk)
            while len(self._unconfirmed) > self._replay_limit:
                self._unconfirmed.popleft()
                self.dropped_ms += CHUNK_MS
            self._trim()
            return chunk.at_ms, chunk.pcm

    def next_pending_ms(self) -> int:
        """Where the next chunk to send sits on the transcript clock."""
        with self._lock:
            return self._pending[0].at_ms if self._pending else self._next_ms

    def confirmed_until(self, at_ms: int) -> None:
        """A final turn ends at `at_ms`: audio before it needs no resending."""
        with self._lock:
            self._final_until = max(self._final_until, at_ms)
            self._trim()

    def heard_without_speech(self, start_ms: int, end_ms: int) -> None:
        """The server says it heard [start_ms, end_ms) and found no speech in it."""
        if end_ms <= start_ms:
            return
        with self._lock:
            self._heard.append((start_ms, end_ms))
            self._trim()

    def _trim(self) -> None:
        """Release chunks from the front while evidence covers them."""
        while self._unconfirmed:
            front = self._unconfirmed[0]
            end = front.at_ms + CHUNK_MS
            if end <= self._final_until or any(
                    start <= front.at_ms and end <= stop for start, stop in self._heard):
                self._unconfirmed.popleft()
            else:
                break
        front_ms = self._unconfirmed[0].at_ms if self._unconfirmed else self._next_ms
        self._heard = [r for r in self._heard if r[1] > front_ms]

    def confirm_all_sent(self) -> None:
        """The server ended the session with Termination: it has used everything sent."""
        with self._lock:
            if self._unconfirmed:
                self._final_until = max(self._final_until,
                                        self._unconfirmed[-1].at_ms + CHUNK_MS)
            self._trim()

    def holds_sound(self) -> bool:
        """Whether any audio with sound still waits for a server to use it."""
        with self._lock:
            return any(not c.quiet for c in self._unconfirmed) or any(
                not c.quiet for c in self._pending)

    def rewind_for_reconnect(self) -> int:
        """After a drop: put unconfirmed audio back in front of pending. Returns the clock
        position the next server session starts at."""
        with self._lock:
            replay = list(self._unconfirmed)
            first_sound = next((i for i, c in enumerate(replay) if not c.quiet), len(replay))
            start = max(0, first_sound - REPLAY_MARGIN_MS // CHUNK_MS)
            self.skipped_quiet_ms += start * CHUNK_MS
            replay = replay[start:]
            self.replayed_ms += len(replay) * CHUNK_MS
            self._unconfirmed.clear()
            self._heard.clear()
            self._pending.extendleft(reversed(replay))
            return self._pending[0].at_ms if self._pending else self._next_ms
