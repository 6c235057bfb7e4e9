"""A stand-in for AssemblyAI's Streaming v3 endpoint: a real WebSocket server on 127.0.0.1.

It speaks the wire protocol the real SDK expects (every required field, whole numbers where the
SDK's models want `int`): Begin; growing, final and formatted Turns; Termination after Terminate,
then close 1000; a wrong key gets an Error frame and close 1008. Turns are scripted per test and
paced by the audio received, like the real service. Everything received is recorded.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

SAMPLE_WIDTH = 2


@dataclass
class SessionRecord:
    """What one client connection sent and got."""

    path: str
    query: dict[str, str]
    authorization: str | None
    audio: bytearray = field(default_factory=bytearray)
    chunk_sizes: list[int] = field(default_factory=list)
    chunk_arrivals: list[float] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    sent: list[dict] = field(default_factory=list)
    terminate_received: bool = False
    closed: bool = False
    close_code: int | None = None

    @property
    def sample_rate(self) -> int:
        return int(self.query.get("sample_rate", "16000"))

    @property
    def audio_seconds(self) -> float:
        return len(self.audio) / SAMPLE_WIDTH / self.sample_rate


def formatted(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:] + ".") if text else text


class _ScriptedSession:
    """Emits the scripted turns word by word as audio arrives."""

    def __init__(self, script: list[str], ms_per_word: int, format_turns: bool):
        self.turns = [u.split() for u in script]
        self.ms_per_word = ms_per_word
        self.format_turns = format_turns
        self.turn_order = 0
        self.words_shown = 0
        self.turn_started_ms = 0

    def _words(self, count: int, final: bool) -> list[dict]:
        words = self.turns[self.turn_order][:count]
        start = self.turn_started_ms
        return [
            {
                "text": w,
                "start": start + i * self.ms_per_word,
                "end": start + (i + 1) * self.ms_per_word - 20,
                "confidence": 0.9,
                "word_is_final": final or i < count - 1,
            }
            for i, w in enumerate(words)
        ]

    def _turn(self, count: int, *, end: bool, formatted_text: bool) -> dict:
        words = self._words(count, end)
        text = " ".join(w["text"] for w in words)
        return {
            "type": "Turn",
            "turn_order": self.turn_order,
            "turn_is_formatted": formatted_text,
            "end_of_turn": end,
            "transcript": formatted(text) if formatted_text else text,
            "end_of_turn_confidence": 0.9 if end else 0.1,
            "words": words,
        }

    def finish_turn(self) -> list[dict]:
        """The final (and formatted) messages of the turn in progress, if it has words."""
        if self.turn_order >= len(self.turns) or self.words_shown == 0:
            return []
        messages = [self._turn(self.words_shown, end=True, formatted_text=False)]
        if self.format_turns:
            messages.append(self._turn(self.words_shown, end=True, formatted_text=True))
        self.turn_order += 1
        self.words_shown = 0
        return messages

    def advance(self, audio_ms: int) -> list[dict]:
        out: list[dict] = []
        while self.turn_order < len(self.turns):
            if self.words_shown == 0:
                self.turn_started_ms = max(self.turn_started_ms, audio_ms - self.ms_per_word)
            due = (audio_ms - self.turn_started_ms) // self.ms_per_word
            total = len(self.turns[self.turn_order])
            if due <= self.words_shown:
                break
            if self.words_shown < total:
                self.words_shown += 1
                out.append(self._turn(self.words_shown, end=False, formatted_text=False))
            else:
                next_start = self.turn_started_ms + (total + 1) * self.ms_per_word
                out.extend(self.finish_turn())
                self.turn_started_ms = next_start
        return out


class StandInServer:
    def __init__(
        self,
        *,
        api_key: str = "test-key",
        script: list[str] | None = None,
        ms_per_word: int = 150,
        on_audio: Callable[[SessionRecord], None] | None = None,
    ):
        self.api_key = api_key
        self.script = script or []
        self.ms_per_word = ms_per_word
        self.on_audio = on_audio
        self.sessions: list[SessionRecord] = []
        self._changed = threading.Condition()
        self._server = serve(self._handle, "127.0.0.1", 0)
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="standin-server", daemon=True
        )

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def __enter__(self) -> StandInServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join(5)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
        return True

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def _send(self, conn: ServerConnection, record: SessionRecord, message: dict) -> None:
        conn.send(json.dumps(message))
        record.sent.append(message)

    def _handle(self, conn: ServerConnection) -> None:
        request = conn.request
        assert request is not None
        parts = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        record = SessionRecord(
            path=parts.path, query=query, authorization=request.headers.get("Authorization")
        )
        with self._changed:
            self.sessions.append(record)
            self._changed.notify_all()
        try:
            self._serve_session(conn, record)
        except ConnectionClosed:
            pass
        finally:
            record.closed = True
            record.close_code = conn.close_code
            self._notify()

    def _serve_session(self, conn: ServerConnection, record: SessionRecord) -> None:
        if record.authorization != self.api_key:
            self._send(conn, record, {"type": "Error", "error_code": 1008, "error": "Unauthorized"})
            conn.close(1008, "Unauthorized")
            return
        if record.path != "/v3/ws" or "sample_rate" not in record.query:
            self._send(conn, record, {"type": "Error", "error_code": 3006, "error": "Bad request"})
            conn.close(3006, "Invalid request")
            return
        begin = {"type": "Begin", "id": str(uuid.uuid4()), "expires_at": int(time.time()) + 10800}
        self._send(conn, record, begin)
        script = _ScriptedSession(
            self.script, self.ms_per_word, record.query.get("format_turns") == "True"
        )
        started = time.monotonic()
        for message in conn:
            if isinstance(message, bytes):
                record.audio.extend(message)
                record.chunk_sizes.append(len(message))
                record.chunk_arrivals.append(time.monotonic())
                if self.on_audio:
                    self.on_audio(record)
                audio_ms = int(record.audio_seconds * 1000)
                for turn in script.advance(audio_ms):
                    self._send(conn, record, turn)
                self._notify()
                continue
            data = json.loads(message)
            record.messages.append(data)
            self._notify()
            if data.get("type") == "Terminate":
                record.terminate_received = True
                for turn in script.finish_turn():
                    self._send(conn, record, turn)
                self._send(conn, record, {
                    "type": "Termination",
                    "audio_duration_seconds": int(record.audio_seconds),
                    "session_duration_seconds": int(time.monotonic() - started),
                })
                conn.close(1000, "")
                return
