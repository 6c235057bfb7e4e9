"""The worker that runs one transcription session on its own QThread.

It owns the input stream and a fresh SDK `StreamingClient`. SDK events arrive on the SDK's read
thread and leave as Qt signals carrying frozen payloads; connect them with `Qt.QueuedConnection`.
Everything that can block (opening the device, connect, Terminate and its wait) happens here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

from assemblyai.streaming.v3 import (
    BeginEvent,
    Encoding,
    SpeechModel,
    StreamingClient,
    StreamingClientOptions,
    StreamingError,
    StreamingEvents,
    StreamingParameters,
    TerminationEvent,
    TurnEvent,
)
from PySide6.QtCore import QObject, Signal, Slot

from livescribe_gui.audio.capture import AudioCapture, DeviceError
from livescribe_gui.audio.converter import CHUNK_MS, SESSION_RATE
from livescribe_gui.audio.level import SilenceTracker, level_dbfs
from livescribe_gui.streaming.errors import classify
from livescribe_gui.streaming.events import (
    FailureKind,
    InputSilence,
    SessionConfig,
    SessionEnded,
    SessionStarted,
    StreamFailure,
    TurnUpdate,
    WordTiming,
)
from livescribe_gui.streaming.pacing import RealTimePacer
from livescribe_gui.transcript.model import final_turn
from livescribe_gui.transcript.store import StoreWriter

log = logging.getLogger(__name__)

CHUNK_SECONDS = CHUNK_MS / 1000
BACKLOG_LIMIT_SECONDS = 120
LEVEL_INTERVAL_SECONDS = 0.045


def turn_from_sdk(event: TurnEvent) -> TurnUpdate:
    return TurnUpdate(
        turn_order=event.turn_order,
        transcript=event.transcript,
        end_of_turn=event.end_of_turn,
        is_formatted=event.turn_is_formatted,
        words=tuple(
            WordTiming(w.text, w.start, w.end, w.confidence, w.word_is_final, w.speaker)
            for w in event.words
        ),
        speaker=event.speaker_label,
    )


class TranscriptionWorker(QObject):
    connecting = Signal()
    session_started = Signal(object)  # SessionStarted
    turn_received = Signal(object)  # TurnUpdate
    failed = Signal(object)  # StreamFailure
    session_ended = Signal(object)  # SessionEnded
    level_measured = Signal(float)  # dBFS
    input_silence = Signal(object)  # InputSilence, or None when sound is back
    overflows_changed = Signal(int)  # input overflows so far (audio the computer dropped)
    recording_started = Signal(int)  # the session's id in the transcript store
    store_failed = Signal(str)  # a sentence: saving did not work
    finished = Signal()

    def __init__(
        self,
        config: SessionConfig,
        *,
        store: StoreWriter | None = None,
        begin_timeout: float = 15.0,
        terminate_timeout: float = 5.0,
    ):
        super().__init__()
        self._config = config
        self._store = store
        self._recording_id: int | None = None
        self._segment = 0
        self._offset_ms = 0
        self._audio_sent_ms = 0
        self._begin_timeout = begin_timeout
        self._terminate_timeout = terminate_timeout
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._began: BeginEvent | None = None
        self._termination: TerminationEvent | None = None
        self._failure: StreamFailure | None = None
        self._last_level_at = 0.0

    def request_stop(self) -> None:
        """Thread-safe: the session ends with Terminate as soon as the worker sees this."""
        self._stop.set()
        self._wake.set()

    @Slot()
    def run(self) -> None:
        try:
            self._run()
        except Exception:
            log.exception("transcription worker failed")
            self.failed.emit(
                StreamFailure(
                    FailureKind.SERVER,
                    "Something unexpected went wrong; the session was ended. "
                    "Details are in the log file.",
                )
            )
        finally:
            self.finished.emit()

    def _run(self) -> None:
        try:
            capture = AudioCapture(self._config.device)
        except DeviceError as exc:
            self.failed.emit(StreamFailure(FailureKind.DEVICE, str(exc)))
            return
        try:
            self._stream(capture)
        finally:
            capture.close()

    # SDK handlers: these run on the SDK's threads.
    def _on_begin(self, _client: StreamingClient, event: BeginEvent) -> None:
        self._began = event
        self._wake.set()

    def _on_turn(self, _client: StreamingClient, event: TurnEvent) -> None:
        update = turn_from_sdk(event)
        self._save(update)
        self.turn_received.emit(update)

    def _save(self, update: TurnUpdate) -> None:
        """A final turn is committed before it is shown; a growing one is saved lazily."""
        if self._store is None or self._recording_id is None:
            return
        if not update.end_of_turn:
            self._store.save_partial(
                self._recording_id, update.start_ms + self._offset_ms, update.transcript
            )
            return
        try:
            self._store.save_final(
                self._recording_id,
                final_turn(update, segment=self._segment, offset_ms=self._offset_ms),
            )
        except Exception:
            log.exception("could not save a turn")
            self.store_failed.emit(
                "Could not save the transcript to disk (is it full?). "
                "Copy or export what you see to keep it."
            )

    def _on_termination(self, _client: StreamingClient, event: TerminationEvent) -> None:
        self._termination = event

    def _on_error(self, _client: StreamingClient, error: StreamingError) -> None:
        log.warning("streaming error (code %s): %s", getattr(error, "code", None), error)
        if self._failure is None:
            self._failure = classify(error, host=self._config.host)
        self._wake.set()

    def _stream(self, capture: AudioCapture) -> None:
        client = StreamingClient(
            StreamingClientOptions(
                api_key=self._config.api_key,
                api_host=self._config.host,
                connect_timeout=5.0,
                max_connection_retries=1,
                terminate_timeout=self._terminate_timeout,
            )
        )
        client.on(StreamingEvents.Begin, self._on_begin)
        client.on(StreamingEvents.Turn, self._on_turn)
        client.on(StreamingEvents.Termination, self._on_termination)
        client.on(StreamingEvents.Error, self._on_error)
        self.connecting.emit()
        client.connect(
            StreamingParameters(
                sample_rate=SESSION_RATE,
                encoding=Encoding.pcm_s16le,
                speech_model=SpeechModel(self._config.speech_model),
                format_turns=self._config.format_turns,
            )
        )
        try:
            if self._wait_for_begin():
                assert self._began is not None
                self._open_recording(capture)
                self.session_started.emit(
                    SessionStarted(
                        session_id=self._began.id,
                        expires_at=self._began.expires_at,
                        sample_rate=SESSION_RATE,
                        capture_rate=capture.format.rate,
                        capture_channels=capture.format.channels,
                    )
                )
                self._pump_audio(client, capture)
        finally:
            self._end_session(client)

    def _open_recording(self, capture: AudioCapture) -> None:
        if self._store is None:
            return
        try:
            self._recording_id = int(
                self._store.begin_session(
                    device=capture.device.name, speech_model=self._config.speech_model
                ).result(10)
            )
        except Exception:
            log.exception("could not start a saved session")
            self.store_failed.emit(
                "This session cannot be saved to disk; copy or export it before closing."
            )
            return
        self.recording_started.emit(self._recording_id)

    def _wait_for_begin(self) -> bool:
        deadline = time.monotonic() + self._begin_timeout
        while self._began is None and self._failure is None and not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._failure = StreamFailure(
                    FailureKind.UNREACHABLE,
                    f"The transcription service at {self._config.host} did not answer. "
                    "Check the internet connection and press Start to try again.",
                )
                return False
            self._wake.wait(remaining)
            self._wake.clear()
        return self._began is not None and self._failure is None

    def _pump_audio(self, client: StreamingClient, capture: AudioCapture) -> None:
        pacer = RealTimePacer()
        backlog: deque[bytes] = deque(maxlen=int(BACKLOG_LIMIT_SECONDS / CHUNK_SECONDS))
        silence = SilenceTracker()
        silence_reported = False
        overflows = 0
        while not self._stop.is_set() and self._failure is None:
            chunks = capture.read(timeout=CHUNK_SECONDS)
            backlog.extend(chunks)
            for chunk in chunks:
                level = level_dbfs(chunk)
                silence.feed(chunk, level)
                self._report_level(level)
            while backlog and pacer.may_send(CHUNK_SECONDS):
                client.stream(backlog.popleft())
                pacer.sent(CHUNK_SECONDS)
                self._audio_sent_ms += CHUNK_MS
            quiet = silence.quiet_seconds >= self._config.silence_hint_seconds
            if quiet != silence_reported:
                silence_reported = quiet
                self.input_silence.emit(
                    InputSilence(capture.device.name, silence.quiet_seconds, silence.all_zero)
                    if quiet else None
                )
            if capture.overflows != overflows:
                overflows = capture.overflows
                self.overflows_changed.emit(overflows)
            if capture.lost:
                self._failure = StreamFailure(
                    FailureKind.DEVICE,
                    f"“{capture.device.name}” was disconnected or stopped delivering audio. "
                    "The session was ended and the transcript is kept: "
                    "choose an input and press Start.",
                )
        if self._failure is None:
            backlog.extend(capture.read(timeout=0))
            for chunk in backlog:
                client.stream(chunk)
                self._audio_sent_ms += CHUNK_MS

    def _report_level(self, level: float) -> None:
        now = time.monotonic()
        if now - self._last_level_at >= LEVEL_INTERVAL_SECONDS:
            self._last_level_at = now
            self.level_measured.emit(level)

    def _end_session(self, client: StreamingClient) -> None:
        """Terminate (when a session is open) and wait a bounded time for the SDK to let go."""
        terminate = self._began is not None
        closer = threading.Thread(
            target=client.disconnect, kwargs={"terminate": terminate}, daemon=True
        )
        closer.start()
        closer.join(self._terminate_timeout + 3.0)
        if closer.is_alive():
            log.warning("the SDK did not close within its time; leaving it behind")
        if self._store is not None and self._recording_id is not None:
            self._store.end_session(
                self._recording_id, duration_ms=self._offset_ms + self._audio_sent_ms
            )
        if self._failure is not None:
            self.failed.emit(self._failure)
        ended = self._termination
        self.session_ended.emit(
            SessionEnded(
                terminated=ended is not None,
                audio_seconds=ended.audio_duration_seconds if ended else None,
                session_seconds=ended.session_duration_seconds if ended else None,
            )
        )
