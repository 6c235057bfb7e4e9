"""A stand-in for AssemblyAI's Streaming v3 endpoint: a real WebSocket server on 127.0.0.1.

It speaks the wire protocol the real SDK expects (every required field, whole numbers where the
SDK's models want `int`): Begin; growing, final and formatted Turns; Termination after Terminate,
then close 1000; a wrong key gets an Error frame and close 1008. Turns are scripted per test and
paced by the audio received, like the real service. Everything received is recorded.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import numpy as np
from assemblyai.streaming.v3 import SpeechModel
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

SAMPLE_WIDTH = 2


@dataclass(frozen=True)
class Fault:
    """What goes wrong on one connection, once `after_ms` of audio has arrived.

    kind: "drop" (TCP reset, no close frame), "close" (close with `code`, no Termination),
    "error" (Error frame with `code`, then close with it), "stall" (the link goes silent both
    ways, pings included), "garbage" (a non-JSON frame, then one that breaks the SDK's schema),
    "no_termination" / "slow_termination" (on Terminate: never / after `delay` s),
    "http" (the handshake is refused with HTTP `code`), "blackhole" (the link accepts every
    byte and answers nothing, pings included), "drop_on_terminate" (on Terminate the TCP
    connection is cut before any answer).
    """

    kind: str
    after_ms: int = 0
    code: int = 1011
    delay: float = 0.0
    after_words: int = 0  # with a tone recognizer: once this many words were sent
    after_finals: int = 0  # with a tone recognizer: once this many final turns were sent


@dataclass(frozen=True)
class Translations:
    """How the stand-in answers an `llm_gateway` session: each final turn's 'translation'
    (the language named in the prompt, in brackets, then the turn) comes `delay_ms` of audio
    later; turn orders in `missing` get none, in `malformed` one without choices, in `chatty`
    one wrapped in chatter; `after[i] = j` holds turn i's answer until turn j's was sent."""

    delay_ms: int = 300
    missing: frozenset[int] = frozenset()
    malformed: frozenset[int] = frozenset()
    chatty: frozenset[int] = frozenset()
    after: dict[int, int] = field(default_factory=dict)


TRANSLATING_MODELS = {"universal-3-6-pro", "universal-3-5-pro"}


def _language_in(prompt: str) -> str:
    words = prompt.split("into ", 1)[1].split(".", 1)[0] if "into " in prompt else "?"
    return words.strip()


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
    sent_at: list[float] = field(default_factory=list)  # time.monotonic() of each sent message
    terminate_received: bool = False
    closed: bool = False
    close_code: int | None = None
    fault: Fault | None = None
    fault_at: float | None = None
    began_at: float | None = None
    audio_bytes: int = 0
    pending_translations: list[tuple[int, dict]] = field(default_factory=list)
    translated: set[int] = field(default_factory=set)

    @property
    def sample_rate(self) -> int:
        return int(self.query.get("sample_rate", "16000"))

    @property
    def audio_seconds(self) -> float:
        return self.audio_bytes / SAMPLE_WIDTH / self.sample_rate


INJECTED_ON_AUDIO = {"drop", "close", "error", "stall", "garbage", "blackhole"}


class FreezableProxy:
    """A TCP relay in front of the server, so a test can make a link go silent both ways
    (no data, no pings) while both sockets stay open: a stalled network."""

    def __init__(self, port: int, upstream_port: int):
        self._upstream = upstream_port
        self._listener = socket.create_server(("127.0.0.1", port))
        self.port = self._listener.getsockname()[1]
        self._frozen: set[int] = set()
        self._swallowed: set[int] = set()
        self._ended: dict[frozenset[socket.socket], int] = {}
        self._by_local_port: dict[int, list[socket.socket]] = {}
        self._open: list[socket.socket] = []
        self._closed = False
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._spawn(self._accept, "standin-proxy")

    def _spawn(self, target: Callable[..., None], name: str, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def freeze(self, upstream_local_port: int) -> None:
        with self._lock:
            self._frozen.add(upstream_local_port)

    def black_hole(self, upstream_local_port: int) -> None:
        with self._lock:
            self._swallowed.add(upstream_local_port)

    def close(self) -> None:
        """Stop listening (the port refuses connections from now on), cut every relayed
        connection and wait for the relay's threads to end."""
        self._closed = True
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self._listener.close()
        with self._lock:
            self._frozen.clear()
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            threads = list(self._threads)
        for thread in threads:
            thread.join(5)
        with self._lock:
            for sock in self._open:
                sock.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self._upstream))
            except OSError:
                client.close()
                continue
            local_port = upstream.getsockname()[1]
            with self._lock:
                self._open += [client, upstream]
            for src, dst, from_client in ((client, upstream, True), (upstream, client, False)):
                self._spawn(self._pump, "standin-relay", src, dst, local_port, from_client)

    def _pump(self, src: socket.socket, dst: socket.socket, key: int,
              from_client: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if key in self._swallowed or (from_client and key in self._frozen):
                    continue  # accepted and never delivered
                while key in self._frozen:
                    if self._closed:
                        return
                    time.sleep(0.05)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            # The client left (as it does after noticing a stall), or the link ended: both
            # sides go, so the server side's threads end too.
            if from_client or (key not in self._frozen and key not in self._swallowed):
                with self._lock:
                    self._frozen.discard(key)
                    self._swallowed.discard(key)
                for sock in (src, dst):
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
            self._pump_ended(src, dst)

    def _pump_ended(self, src: socket.socket, dst: socket.socket) -> None:
        """The second pump of a connection to end closes its two sockets."""
        pair = frozenset((src, dst))
        with self._lock:
            self._ended[pair] = self._ended.get(pair, 0) + 1
            if self._ended[pair] < 2:
                return
            del self._ended[pair]
            for sock in pair:
                if sock in self._open:
                    self._open.remove(sock)
        for sock in pair:
            sock.close()


def formatted(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:] + ".") if text else text


def _parse_utterance(utterance: str) -> tuple[list[str], str | None, str | None]:
    """'@B #es hola a todos' -> (['hola', 'a', 'todos'], speaker 'B', language 'es')."""
    words, speaker, language = utterance.split(), None, None
    while words and words[0][:1] in "@#" and len(words[0]) > 1:
        tag = words.pop(0)
        if tag[0] == "@":
            speaker = tag[1:]
        else:
            language = tag[1:]
    return words, speaker, language


class ScriptCursor:
    """Which scripted turn comes next, across connections: like the real service, a new
    session transcribes what it hears, so a turn the old one never finished is heard anew.
    An utterance may start with '@A' (its speaker) and '#es' (its language)."""

    def __init__(self, script: list[str]):
        parsed = [_parse_utterance(u) for u in script]
        self.turns = [words for words, _, _ in parsed]
        self.speakers = [speaker for _, speaker, _ in parsed]
        self.languages = [language for _, _, language in parsed]
        self.next_turn = 0
        # Turns being spoken into a session that is still healthy; that session finishes
        # them (a rollover's new session does not hear them again).
        self.claims: dict[int, tuple[SessionRecord, int]] = {}

    def first_turn_for_new_session(self) -> int:
        live = [turn for record, turn in self.claims.values()
                if not record.closed and record.fault_at is None]
        return max([self.next_turn] + [t + 1 for t in live])


KNOWN_MODELS = {m.value for m in SpeechModel}


def is_u3(speech_model: str) -> bool:
    """Universal-3 models speak the U3 dialect: SpeechStarted, few partials, and a final
    turn that arrives formatted, with no second copy."""
    return speech_model.startswith(("u3-", "universal-3"))


class _ScriptedSession:
    """Emits the scripted turns word by word as audio arrives, in the dialect of the model
    asked for: Universal-Streaming (a partial per word; final, then a formatted copy when
    format_turns) or Universal-3 (SpeechStarted, a partial every other word ending in '—',
    one formatted final)."""

    def __init__(self, cursor: ScriptCursor, record: SessionRecord, ms_per_word: int):
        self.cursor = cursor
        self.record = record
        self.turns = cursor.turns
        self.first_turn = cursor.first_turn_for_new_session()
        self.ms_per_word = ms_per_word
        self.u3 = is_u3(record.query.get("speech_model", ""))
        self.format_turns = record.query.get("format_turns") == "True"
        self.languages = record.query.get("language_detection") == "True"
        self.speakers = record.query.get("speaker_labels") == "True"
        self.turn_order = 0
        self.words_shown = 0
        self.turn_started_ms = 0
        self.finals_sent = 0

    @property
    def _script_index(self) -> int:
        return self.first_turn + self.turn_order

    def _speaker(self) -> str:
        return self.cursor.speakers[self._script_index] or "A"

    def _words(self, count: int, final: bool) -> list[dict]:
        words = self.turns[self._script_index][:count]
        start = self.turn_started_ms
        return [
            {
                "text": w,
                "start": start + i * self.ms_per_word,
                "end": start + (i + 1) * self.ms_per_word - 20,
                "confidence": 0.9,
                "word_is_final": final or i < count - 1,
                **({"speaker": self._speaker()} if self.speakers else {}),
            }
            for i, w in enumerate(words)
        ]

    def _turn(self, count: int, *, end: bool, formatted_text: bool) -> dict:
        words = self._words(count, end)
        text = " ".join(w["text"] for w in words)
        if formatted_text:
            text = formatted(text)
        elif self.u3 and not end:
            text += "—"  # a U3 partial may stop mid-phrase
        message = {
            "type": "Turn",
            "turn_order": self.turn_order,
            "turn_is_formatted": formatted_text,
            "end_of_turn": end,
            "transcript": text,
            "end_of_turn_confidence": 0.9 if end else 0.1,
            "words": words,
        }
        if self.speakers:
            message["speaker_label"] = self._speaker()
        if self.languages:
            message["language_code"] = self.cursor.languages[self._script_index] or "en"
            message["language_confidence"] = 0.97
        return message

    def finish_turn(self) -> list[dict]:
        """The final (and formatted) messages of the turn in progress, if it has words."""
        if self._script_index >= len(self.turns) or self.words_shown == 0:
            return []
        if self.u3:
            messages = [self._turn(self.words_shown, end=True, formatted_text=True)]
        else:
            messages = [self._turn(self.words_shown, end=True, formatted_text=False)]
            if self.format_turns:
                messages.append(self._turn(self.words_shown, end=True, formatted_text=True))
        self.finals_sent += 1
        self.turn_order += 1
        self.cursor.next_turn = max(self.cursor.next_turn, self._script_index)
        self.cursor.claims.pop(id(self), None)
        self.words_shown = 0
        return messages

    def advance(self, audio_ms: int) -> list[dict]:
        out: list[dict] = []
        while self._script_index < len(self.turns):
            if self.words_shown == 0:
                self.turn_started_ms = max(self.turn_started_ms, audio_ms - self.ms_per_word)
            due = (audio_ms - self.turn_started_ms) // self.ms_per_word
            total = len(self.turns[self._script_index])
            if due <= self.words_shown:
                break
            if self.words_shown < total:
                self.words_shown += 1
                self.cursor.claims[id(self)] = (self.record, self._script_index)
                if self.u3 and self.words_shown == 1:
                    out.append({"type": "SpeechStarted", "timestamp": self.turn_started_ms})
                if not self.u3 or self.words_shown % 2 == 0:
                    out.append(self._turn(self.words_shown, end=False, formatted_text=False))
            else:
                next_start = self.turn_started_ms + (total + 1) * self.ms_per_word
                out.extend(self.finish_turn())
                self.turn_started_ms = next_start
        return out


TONE_BASE_HZ = 400.0
TONE_STEP_HZ = 100.0
FRAME_MS = 50
LOUD_RMS = 0.05
TURN_END_QUIET_MS = 600


def tone_frequency(word_index: int) -> float:
    """The tone that stands for the vocabulary's word `word_index` (see `_ToneSession`)."""
    return TONE_BASE_HZ + TONE_STEP_HZ * word_index


class _ToneSession:
    """A recogniser whose words depend on the audio it really receives: each tone burst is
    one word, and its pitch says which (`tone_frequency`); a quiet stretch of 600 ms ends
    the turn. So audio that never arrives is never transcribed, and audio sent twice is
    transcribed twice: what a test of replayed audio needs. With `session_heartbeat` it sends
    Heartbeat every second; with `acknowledge_silence`, Silence for each quiet second."""

    def __init__(self, vocabulary: list[str], record: SessionRecord, *, turn_end_ms: int,
                 hold_after_words: int | None):
        self.vocabulary = vocabulary
        self.turn_end_ms = turn_end_ms
        # Once this many words were heard, a turn ends only on Terminate: a speaker who
        # has not finished when Stop is pressed.
        self.hold_after_words = hold_after_words
        self.u3 = is_u3(record.query.get("speech_model", ""))
        self.format_turns = record.query.get("format_turns") == "True"
        self.heartbeat = record.query.get("session_heartbeat") == "True"
        self.silence = record.query.get("acknowledge_silence") == "True"
        self.turn_order = 0
        self.words: list[dict] = []
        self.samples = np.empty(0, dtype=np.float32)
        self.frame_ms = 0  # audio position of the next frame
        self.word_samples: list[np.ndarray] = []
        self.word_start = 0
        self.quiet_since = 0
        self.beat_from = 0
        self.beat_loud = False
        self.silence_from = 0
        self.words_sent = 0
        self.finals_sent = 0

    def feed(self, pcm: bytes) -> list[dict]:
        incoming = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
        self.samples = np.concatenate((self.samples, incoming))
        frame = 16 * FRAME_MS
        out: list[dict] = []
        while self.samples.size >= frame:
            chunk, self.samples = self.samples[:frame], self.samples[frame:]
            out += self._frame(chunk)
        return out

    def _frame(self, chunk: np.ndarray) -> list[dict]:
        out: list[dict] = []
        start, self.frame_ms = self.frame_ms, self.frame_ms + FRAME_MS
        loud = float(np.sqrt(np.mean(chunk * chunk))) > LOUD_RMS
        self.beat_loud |= loud
        if loud:
            if not self.word_samples:
                self.word_start = start
            self.word_samples.append(chunk)
            self.silence_from = self.frame_ms
        else:
            if self.word_samples:
                out += self._end_word(start)
            held = self.hold_after_words is not None and self.words_sent > self.hold_after_words
            if self.words and not held and start + FRAME_MS - self.quiet_since >= self.turn_end_ms:
                out += self.finish_turn()
            if self.silence and not self.words and self.frame_ms - self.silence_from >= 1000:
                out.append({"type": "Silence", "start_ms": self.silence_from,
                            "end_ms": self.frame_ms})
                self.silence_from = self.frame_ms
        if self.heartbeat and self.frame_ms - self.beat_from >= 1000:
            out.append({"type": "Heartbeat", "total_audio_received_ms": self.frame_ms,
                        "total_duration_ms": self.frame_ms, "realtime_factor": 1.0,
                        "max_speech_probability": 0.95 if self.beat_loud else 0.02})
            self.beat_from, self.beat_loud = self.frame_ms, False
        return out

    def _end_word(self, end_ms: int) -> list[dict]:
        samples = np.concatenate(self.word_samples)
        self.word_samples = []
        spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
        freq = float(np.argmax(spectrum[1:]) + 1) * 16000 / samples.size
        index = round((freq - TONE_BASE_HZ) / TONE_STEP_HZ)
        text = self.vocabulary[index] if 0 <= index < len(self.vocabulary) else "?"
        self.words.append({"text": text, "start": self.word_start, "end": end_ms,
                           "confidence": 0.9, "word_is_final": True})
        self.quiet_since = end_ms
        self.words_sent += 1
        return [self._turn(end=False, formatted_text=False)]

    def _turn(self, *, end: bool, formatted_text: bool) -> dict:
        text = " ".join(w["text"] for w in self.words)
        return {
            "type": "Turn", "turn_order": self.turn_order, "turn_is_formatted": formatted_text,
            "end_of_turn": end, "transcript": formatted(text) if formatted_text else text,
            "end_of_turn_confidence": 0.9 if end else 0.1, "words": list(self.words),
        }

    def finish_turn(self) -> list[dict]:
        if self.word_samples:
            self._end_word(self.frame_ms)
        if not self.words:
            return []
        if self.u3:  # one final, formatted
            out = [self._turn(end=True, formatted_text=True)]
        else:
            out = [self._turn(end=True, formatted_text=False)]
            if self.format_turns:
                out.append(self._turn(end=True, formatted_text=True))
        self.turn_order += 1
        self.finals_sent += 1
        self.words = []
        self.silence_from = self.frame_ms
        return out


class StandInServer:
    def __init__(
        self,
        *,
        api_key: str = "test-key",
        script: list[str] | None = None,
        ms_per_word: int = 150,
        on_audio: Callable[[SessionRecord], None] | None = None,
        faults: list[Fault | None] | None = None,
        expires_in: int = 10800,
        port: int = 0,
        warnings: list[tuple[int, int, str]] | None = None,
        translations: Translations | None = None,
        speaker_revisions: list[tuple[int, dict[int, str]]] | None = None,
        tones: list[str] | None = None,
        keep_everything: bool = True,
        tone_turn_end_ms: int = TURN_END_QUIET_MS,
        tone_hold_after_words: int | None = None,
    ):
        self.api_key = api_key
        self.ms_per_word = ms_per_word
        self.on_audio = on_audio
        self.faults = list(faults or [])
        self.expires_in = expires_in
        self.tones = tones  # a vocabulary: recognise tone words instead of the script
        # False for long soaks: audio and Turn messages are counted, not kept (the test
        # process's memory is measured, and 30 minutes of audio is 57 MB).
        self.keep_everything = keep_everything
        # (after this much audio, warning code, text): a Warning message on each session
        self.warnings = list(warnings or [])
        self.translations = translations or Translations()
        # (after this many final turns of a session, or -1 on Terminate, {turn_order: label})
        self.speaker_revisions = list(speaker_revisions or [])
        self._sent: set[tuple[int, object]] = set()
        self.tone_turn_end_ms = tone_turn_end_ms
        self.tone_hold_after_words = tone_hold_after_words
        self.sessions: list[SessionRecord] = []
        self.cursor = ScriptCursor(script or [])
        self._connections = 0
        self._changed = threading.Condition()
        self._live: set[ServerConnection] = set()
        self._handlers: dict[int, threading.Thread] = {}
        self._server = serve(self._handle, "127.0.0.1", 0, process_request=self._handshake,
                             ping_interval=None)
        self._proxy = FreezableProxy(port, self._server.socket.getsockname()[1])
        self.port = self._proxy.port
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="standin-server", daemon=True
        )

    @property
    def script(self) -> list[str]:
        return [" ".join(t) for t in self.cursor.turns]

    @script.setter
    def script(self, utterances: list[str]) -> None:
        self.cursor = ScriptCursor(utterances)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def __enter__(self) -> StandInServer:
        self._thread.start()
        self._proxy.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Nothing outlives the server: the port is closed, every connection ended and
        every thread joined."""
        self._proxy.close()
        self._server.shutdown()
        self._thread.join(5)
        with self._changed:
            connections = list(self._live)
        for conn in connections:
            conn.close()
        for conn in connections:
            handler = self._handlers.get(id(conn))
            if handler is not None:
                handler.join(5)

    def _next_fault(self) -> Fault | None:
        with self._changed:
            index = self._connections
            self._connections += 1
        return self.faults[index] if index < len(self.faults) else None

    def _handshake(self, conn: ServerConnection, request):  # noqa: ANN001, ANN201
        fault = self._next_fault()
        conn.standin_fault = fault  # type: ignore[attr-defined]
        if fault is not None and fault.kind == "http":
            with self._changed:
                self.sessions.append(SessionRecord(path=request.path, query={},
                                                   authorization=None, fault=fault, closed=True))
                self._changed.notify_all()
            return conn.respond(fault.code, "refused by the stand-in\n")
        return None

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
        if self.keep_everything or message.get("type") != "Turn":
            record.sent_at.append(time.monotonic())
            record.sent.append(message)

    def _handle(self, conn: ServerConnection) -> None:
        request = conn.request
        assert request is not None
        parts = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        record = SessionRecord(
            path=parts.path, query=query, authorization=request.headers.get("Authorization"),
            fault=getattr(conn, "standin_fault", None),
        )
        with self._changed:
            self.sessions.append(record)
            self._live.add(conn)
            self._handlers[id(conn)] = threading.current_thread()
            self._changed.notify_all()
        try:
            self._serve_session(conn, record)
        except ConnectionClosed:
            pass
        finally:
            record.closed = True
            record.close_code = conn.close_code
            with self._changed:
                self._live.discard(conn)
            self._notify()

    @staticmethod
    def _refusal(record: SessionRecord) -> str:
        """Why the service would refuse this request ('' when it would not)."""
        query = record.query
        if record.path != "/v3/ws" or "sample_rate" not in query:
            return "Bad request"
        model = query.get("speech_model", "")
        if model and model not in KNOWN_MODELS:
            return f"Invalid speech_model: {model}"
        if not is_u3(model) and "prompt" in query:
            return f"prompt is not supported by {model}"
        if "llm_gateway" in query and model not in TRANSLATING_MODELS:
            return f"llm_gateway is not supported by {model}"
        return ""

    def _serve_session(self, conn: ServerConnection, record: SessionRecord) -> None:
        if record.authorization != self.api_key:
            self._send(conn, record, {"type": "Error", "error_code": 1008, "error": "Unauthorized"})
            conn.close(1008, "Unauthorized")
            return
        refusal = self._refusal(record)
        if refusal:
            self._send(conn, record, {"type": "Error", "error_code": 3006, "error": refusal})
            conn.close(3006, "Invalid request")
            return
        begin = {"type": "Begin", "id": str(uuid.uuid4()),
                 "expires_at": int(time.time()) + self.expires_in}
        fault = record.fault
        if fault is not None and fault.kind == "error" and fault.after_ms == 0:
            self._inject(conn, record, fault)
            return
        self._send(conn, record, begin)
        record.began_at = time.monotonic()
        tones = (_ToneSession(self.tones, record, turn_end_ms=self.tone_turn_end_ms,
                              hold_after_words=self.tone_hold_after_words)
                 if self.tones is not None else None)
        script = _ScriptedSession(self.cursor, record, self.ms_per_word)
        started = time.monotonic()
        for message in conn:
            if isinstance(message, bytes):
                record.audio_bytes += len(message)
                if self.keep_everything:
                    record.audio.extend(message)
                    record.chunk_sizes.append(len(message))
                    record.chunk_arrivals.append(time.monotonic())
                if self.on_audio:
                    self.on_audio(record)
                audio_ms = int(record.audio_seconds * 1000)
                replies = tones.feed(message) if tones else script.advance(audio_ms)
                replies += self._due_warnings(record, audio_ms)
                finals = script.finals_sent
                for reply in replies:
                    self._send(conn, record, reply)
                    self._queue_translation(record, reply, audio_ms)
                for answer in self._due_translations(record, audio_ms):
                    self._send(conn, record, answer)
                if tones is None and finals:
                    for revision in self._due_revisions(record, finals):
                        self._send(conn, record, revision)
                self._notify()
                if (fault is not None and record.fault_at is None
                        and fault.kind in INJECTED_ON_AUDIO and audio_ms >= fault.after_ms
                        and (tones is None or (tones.words_sent >= fault.after_words
                                               and tones.finals_sent >= fault.after_finals))):
                    if self._inject(conn, record, fault):
                        return
                continue
            data = json.loads(message)
            record.messages.append(data)
            self._notify()
            if data.get("type") == "Terminate":
                record.terminate_received = True
                self._notify()
                if fault is not None and fault.kind == "drop_on_terminate":
                    record.fault_at = time.monotonic()
                    conn.socket.shutdown(socket.SHUT_RDWR)
                    conn.socket.close()
                    return
                for turn in (tones.finish_turn() if tones else script.finish_turn()):
                    self._send(conn, record, turn)
                    self._queue_translation(record, turn, 0)
                for answer in self._due_translations(record, None):
                    self._send(conn, record, answer)
                for revision in self._due_revisions(record, -1):
                    self._send(conn, record, revision)
                if fault is not None and fault.kind == "no_termination":
                    self._wait_for_client_to_leave(conn, record)
                    return
                if fault is not None and fault.kind == "slow_termination":
                    time.sleep(fault.delay)
                self._send(conn, record, {
                    "type": "Termination",
                    "audio_duration_seconds": int(record.audio_seconds),
                    "session_duration_seconds": int(time.monotonic() - started),
                })
                conn.close(1000, "")
                return

    def _queue_translation(self, record: SessionRecord, message: dict, audio_ms: int) -> None:
        """An llm_gateway session: a final, formatted turn gets a translation later."""
        gateway = record.query.get("llm_gateway")
        if not gateway or message.get("type") != "Turn" or not message["end_of_turn"]:
            return
        if not message["turn_is_formatted"] or message["turn_order"] in self.translations.missing:
            return
        order = message["turn_order"]
        language = _language_in(json.loads(gateway)["messages"][0]["content"])
        content = f"[{language}] {message['transcript']}"
        if order in self.translations.chatty:
            content = f'Here is the translation:\n"{content}"'
        data = ({"choices": []} if order in self.translations.malformed else
                {"choices": [{"message": {"role": "assistant", "content": content}}]})
        answer = {"type": "LLMGatewayResponse", "turn_order": order,
                  "transcript": message["transcript"], "data": data}
        record.pending_translations.append((audio_ms + self.translations.delay_ms, answer))

    def _due_translations(self, record: SessionRecord, audio_ms: int | None) -> list[dict]:
        """Answers due by `audio_ms` (None: all), each after the one it is held behind."""
        out: list[dict] = []
        progress = True
        while progress:
            progress = False
            for item in list(record.pending_translations):
                due, answer = item
                waits_for = self.translations.after.get(answer["turn_order"])
                held = waits_for is not None and waits_for not in record.translated
                if (audio_ms is None or due <= audio_ms) and not held:
                    record.pending_translations.remove(item)
                    record.translated.add(answer["turn_order"])
                    out.append(answer)
                    progress = True
        return out

    def _due_warnings(self, record: SessionRecord, audio_ms: int) -> list[dict]:
        due = [w for w in self.warnings if w[0] <= audio_ms and (id(record), w) not in self._sent]
        self._sent.update((id(record), w) for w in due)
        return [{"type": "Warning", "warning_code": code, "warning": text}
                for _, code, text in due]

    def _due_revisions(self, record: SessionRecord, finals: int) -> list[dict]:
        """SpeakerRevision messages due once `finals` final turns were sent (-1: on Terminate)."""
        out = []
        for when, labels in self.speaker_revisions:
            if when != finals or (id(record), when) in self._sent:
                continue
            self._sent.add((id(record), when))
            revisions = []
            for turn_order, label in labels.items():
                sent = [m for m in record.sent if m.get("type") == "Turn" and m["end_of_turn"]
                        and m["turn_order"] == turn_order]
                if sent:
                    words = [{**w, "speaker": label} for w in sent[-1]["words"]]
                    revisions.append({"turn_order": turn_order, "speaker_label": label,
                                      "words": words})
            out.append({"type": "SpeakerRevision", "revisions": revisions})
        return out

    def _inject(self, conn: ServerConnection, record: SessionRecord, fault: Fault) -> bool:
        """Make the fault happen; True when the connection is over for this handler."""
        record.fault_at = time.monotonic()
        self._notify()
        if fault.kind == "drop":
            conn.socket.shutdown(socket.SHUT_RDWR)
            conn.socket.close()
            return True
        if fault.kind == "close":
            conn.close(fault.code, "")
            return True
        if fault.kind == "error":
            self._send(conn, record, {"type": "Error", "error_code": fault.code,
                                      "error": f"stand-in error {fault.code}"})
            conn.close(fault.code, "")
            return True
        if fault.kind == "stall":
            self._proxy.freeze(conn.remote_address[1])
            self._wait_for_client_to_leave(conn, record)
            return True
        if fault.kind == "blackhole":
            self._proxy.black_hole(conn.remote_address[1])
            self._wait_for_client_to_leave(conn, record)
            return True
        if fault.kind == "garbage":
            conn.send("this is not JSON {")
            conn.send(json.dumps({"type": "Turn", "turn_order": "not a number"}))
            self._wait_for_client_to_leave(conn, record)
            return True
        return False

    def _wait_for_client_to_leave(self, conn: ServerConnection, record: SessionRecord) -> None:
        """Read (and record Terminate) until the client goes."""
        try:
            for message in conn:
                if isinstance(message, str) and '"Terminate"' in message:
                    record.terminate_received = True
                    self._notify()
        except ConnectionClosed:
            pass
