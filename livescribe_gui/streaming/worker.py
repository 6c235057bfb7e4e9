"""The worker that runs one transcription on its own QThread, across as many server sessions
as it takes.

It owns the input stream and the SDK clients (a fresh one per server session). Audio goes
from the capture thread straight into the ledger and, while a server session is live, to the
SDK's send queue (`_take_audio`); the worker's own thread watches: it opens, replaces and
closes server sessions, and reports silence and a lost device. SDK events arrive on the SDK's
read threads and leave as Qt signals carrying frozen payloads; connect them with
`Qt.QueuedConnection`. Everything that can block (opening the device, connect, Terminate and
its wait) happens here or on helper threads, never on the GUI thread.

A dropped, stalled or quietly closed connection is replaced with backoff; audio captured
meanwhile (and what the old session had not finalised) is sent to the new one, paced. A
session nearing its 3-hour limit is rolled over to a new one before it expires.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time

from assemblyai.streaming.v3 import (
    LLMGatewayResponseEvent,
    SpeakerRevisionEvent,
    StreamingClientOptions,
    TurnEvent,
)
from PySide6.QtCore import QObject, Signal, Slot

from livescribe_gui.audio.capture import AudioCapture, DeviceError
from livescribe_gui.audio.level import SILENCE_DBFS, MeterPace, SilenceTracker, level_dbfs
from livescribe_gui.audio.session_format import CHUNK_MS, SESSION_RATE
from livescribe_gui.streaming.backoff import Backoff
from livescribe_gui.streaming.errors import classify, dropped
from livescribe_gui.streaming.events import (
    FailureKind,
    InputSilence,
    Reconnecting,
    RevisedTurn,
    ServiceWarning,
    SessionConfig,
    SessionEnded,
    SessionStarted,
    SpeakersRevised,
    StreamFailure,
    Translation,
    TurnUpdate,
    WordTiming,
)
from livescribe_gui.streaming.ledger import AudioLedger
from livescribe_gui.streaming.options import StreamingOptions
from livescribe_gui.streaming.pacing import RealTimePacer
from livescribe_gui.streaming.parameters import connection_parameters, update_parameters
from livescribe_gui.streaming.server_session import ServerSession
from livescribe_gui.streaming.translation import translation_text
from livescribe_gui.transcript.model import final_turn
from livescribe_gui.transcript.store import StoreWriter

log = logging.getLogger(__name__)

CHUNK_SECONDS = CHUNK_MS / 1000
CLOSE_GRACE_SECONDS = 3.0
# How often the worker looks at the device and the connection when nothing wakes it sooner
# (Stop, and a server session's Begin, Termination or error, wake it at once).
WATCH_SECONDS = 0.25
# How long the session waits for the level preview to pass on its open stream.
HANDOVER_SECONDS = 3.0
# After Stop, server sessions opened to deliver words a dropped connection never returned.
FINISHING_SESSIONS = 2


def revision_from_sdk(event: SpeakerRevisionEvent, *, segment: int,
                      offset_ms: int) -> SpeakersRevised:
    return SpeakersRevised(segment, tuple(
        RevisedTurn(
            turn_order=item.turn_order,
            speaker=item.speaker_label,
            words=tuple(WordTiming(w.text, w.start + offset_ms, w.end + offset_ms,
                                   w.confidence, w.word_is_final, w.speaker)
                        for w in item.words),
        )
        for item in event.revisions
    ))


def turn_from_sdk(event: TurnEvent, *, segment: int = 0, offset_ms: int = 0,
                  source: str = "") -> TurnUpdate:
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
        segment=segment,
        offset_ms=offset_ms,
        language=event.language_code,
        source=source,
    )


class _Stop(Exception):
    """Stop was requested while waiting."""


class TranscriptionWorker(QObject):
    connecting = Signal()
    session_started = Signal(object)  # SessionStarted, once per server session
    reconnecting = Signal(object)  # Reconnecting
    turn_received = Signal(object)  # TurnUpdate
    speech_heard = Signal(int)  # the service heard speech start here (transcript clock, ms)
    speakers_revised = Signal(object)  # SpeakersRevised, already saved
    service_warning_received = Signal(object)  # ServiceWarning: shown, never fatal
    translation_received = Signal(object)  # Translation, already saved
    failed = Signal(object)  # StreamFailure that ends the transcription
    session_ended = Signal(object)  # SessionEnded
    level_measured = Signal(float)  # dBFS
    input_silence = Signal(object)  # InputSilence, or None when sound is back
    overflows_changed = Signal(int)  # input overflows so far (audio the computer dropped)
    auto_stop_warning = Signal(int)  # seconds until stopping for lack of speech; -1: cleared
    recording_started = Signal(int)  # the transcription's id in the transcript store
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
        self._begin_timeout = begin_timeout
        self._terminate_timeout = terminate_timeout
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._ledger = AudioLedger()
        # The server session audio is sent to as it arrives, with its pacer; None while there
        # is none, or while a successor is being opened. Sending holds the lock, so the
        # capture thread and this one send chunks in the ledger's order.
        self._live: tuple[ServerSession, RealTimePacer] | None = None
        self._send_lock = threading.Lock()
        self._recording_id: int | None = config.recording_id
        self._closing: list[ServerSession] = []
        self._next_segment = config.segment_base
        self._options = config.options
        self._options_lock = threading.Lock()
        self._current: ServerSession | None = None
        self._meter = MeterPace()
        self._silence = SilenceTracker()
        self._silence_reported = False
        self._overflows = 0
        self._last_speech_at = time.monotonic()
        self._auto_stop_shown = -1
        self._auto_stopped = False
        self._finishing = False
        self._finishing_sessions = 0

    def request_stop(self) -> None:
        """Thread-safe: the transcription ends with Terminate as soon as the worker sees this."""
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
            for session in self._closing:
                session.wait_closed()
            self.finished.emit()

    def _run(self) -> None:
        handed = self._config.handover.take(HANDOVER_SECONDS) if self._config.handover else None
        if handed is not None:
            capture, preroll = handed
            log.info("took over the preview's stream with %d ms before Start",
                     len(preroll) * CHUNK_MS)
        else:
            try:
                capture, preroll = AudioCapture(self._config.device), []
            except DeviceError as exc:
                self.failed.emit(StreamFailure(FailureKind.DEVICE, str(exc)))
                return
        for chunk in preroll:
            self._ledger.add(chunk, quiet=level_dbfs(chunk) <= SILENCE_DBFS)
        try:
            capture.deliver_to(self._take_audio)
            self._transcribe(capture)
        finally:
            capture.close()

    # -- the loop over server sessions --------------------------------------------------------
    def _transcribe(self, capture: AudioCapture) -> None:
        backoff = Backoff()
        failure: StreamFailure | None = None
        while self._keep_going():
            session, failure = self._open_session(capture)
            if session is not None:
                backoff.reset()
                failure = self._stream(session, capture)
                if failure is None:
                    break
                self._close(session, terminate=True)
                self._rewind()
            if failure is None or not failure.retry:
                break
            failure = self._wait_before_retry(backoff, failure, capture)
            if failure is not None:
                break
        if failure is not None and not failure.retry and not self._stop.is_set():
            self.failed.emit(failure)
        self._finish()

    def _rewind(self) -> None:
        """Put what the lost connection never confirmed back in line for the next one."""
        replayed, skipped = self._ledger.replayed_ms, self._ledger.skipped_quiet_ms
        self._ledger.rewind_for_reconnect()
        log.info("replaying %d ms of audio (%d ms of leading quiet skipped, %d ms dropped "
                 "so far)", self._ledger.replayed_ms - replayed,
                 self._ledger.skipped_quiet_ms - skipped, self._ledger.dropped_ms)

    def _keep_going(self) -> bool:
        """Until Stop; after it, only while audio with sound was never returned as text
        (the connection dropped before the last words came back), for a few sessions."""
        if not self._stop.is_set():
            return True
        if not self._ledger.holds_sound():
            return False
        if self._finishing_sessions >= FINISHING_SESSIONS:
            log.warning("giving up on the last %d ms of audio after Stop",
                        self._ledger.unconfirmed_ms)
            return False
        log.info("after Stop: sending audio the server never returned to a new session")
        self._finishing = True
        self._finishing_sessions += 1
        return True

    def _abandoned(self) -> bool:
        """Stop was asked for, and no last words are being delivered."""
        return self._stop.is_set() and not self._finishing

    def _wait_before_retry(self, backoff: Backoff, failure: StreamFailure,
                           capture: AudioCapture) -> StreamFailure | None:
        """Wait with backoff, capturing meanwhile; returns a failure only if the device went."""
        delay = backoff.next_delay(minimum=failure.min_delay)
        log.info("reconnecting (attempt %d) in %.1f s: %s", backoff.attempt, delay,
                 failure.kind.value)
        self.reconnecting.emit(Reconnecting(backoff.attempt, delay, failure.message, failure.kind))
        deadline = time.monotonic() + delay
        while (left := deadline - time.monotonic()) > 0 and not self._abandoned():
            lost = self._watch(capture, timeout=min(left, WATCH_SECONDS))
            if lost is not None:
                return lost
        return None

    def update_options(self, options: StreamingOptions) -> None:
        """Thread-safe: options the protocol can change mid-session go out at once
        (UpdateConfiguration); every later server session starts with all of them."""
        with self._options_lock:
            self._options = options
            session = self._current
        if session is not None and session.began is not None:
            session.client.set_params(update_parameters(options))

    def _open_session(
        self, capture: AudioCapture
    ) -> tuple[ServerSession | None, StreamFailure | None]:
        """Connect and wait for Begin, capturing meanwhile. Returns the session, or why not."""
        session = ServerSession(
            segment=self._next_segment,
            offset_ms=self._ledger.next_pending_ms(),
            options=StreamingClientOptions(
                api_key=self._config.api_key,
                api_host=self._config.host,
                connect_timeout=5.0,
                max_connection_retries=0,
                terminate_timeout=self._terminate_timeout,
            ),
            params=connection_parameters(self._options),
            listener=self,
            wake=self._wake,
        )
        self.connecting.emit()
        session.connect()
        deadline = time.monotonic() + self._begin_timeout
        while session.began is None and session.error is None and not self._abandoned():
            if time.monotonic() > deadline:
                self._close(session, terminate=False)
                return None, dropped(
                    f"The transcription service at {self._config.host} did not answer."
                )
            failure = self._watch(capture, timeout=WATCH_SECONDS)
            if failure is not None:
                self._close(session, terminate=False)
                return None, failure
        if session.began is None or session.error is not None:
            self._close(session, terminate=False)
            if session.error is None:
                return None, None
            return None, classify(session.error, host=self._config.host)
        self._next_segment += 1
        with self._options_lock:
            self._current = session
        self._session_began(session, capture)
        return session, None

    def _session_began(self, session: ServerSession, capture: AudioCapture) -> None:
        assert session.began is not None
        if self._recording_id is None:
            self._open_recording(capture)
        self.session_started.emit(
            SessionStarted(
                session_id=session.began.id,
                expires_at=session.began.expires_at,
                sample_rate=SESSION_RATE,
                capture_rate=capture.format.rate,
                capture_channels=capture.format.channels,
                segment=session.segment,
                offset_ms=session.offset_ms,
            )
        )

    def _stream(self, session: ServerSession, capture: AudioCapture) -> StreamFailure | None:
        """Send audio until Stop (returns None) or until the connection fails (returns why).
        Rolls over to a fresh server session before this one expires."""
        self._go_live(session)
        try:
            return self._watch_session(session, capture)
        finally:
            self._go_live(None)

    def _watch_session(self, session: ServerSession,
                       capture: AudioCapture) -> StreamFailure | None:
        rollover_at = self._rollover_time(session)
        while not self._stop.is_set() or (self._finishing and self._ledger.has_pending()):
            failure = self._watch(capture, timeout=WATCH_SECONDS)
            if failure is not None:
                self._go_live(None)
                self._close(session, terminate=True)
                self._stop.set()
                self.failed.emit(failure)
                return None
            self._send_ready()
            if session.error is not None:
                return classify(session.error, host=self._config.host)
            quiet = session.quiet_end_reason()
            if quiet is not None:
                return dropped(quiet)
            if session.stalled(self._config.stall_seconds):
                return dropped("The transcription service stopped answering.")
            if time.monotonic() >= rollover_at:
                session = self._roll_over(session, capture)
                rollover_at = self._rollover_time(session)
            self._check_auto_stop()
        with self._send_lock:
            self._live = None
            while (item := self._ledger.next_to_send()) is not None:
                session.send(item[1])
        self._close(session, terminate=True)
        session.wait_closed()
        if session.termination is not None:
            self._ledger.confirm_all_sent()
        elif self._ledger.holds_sound():
            return dropped("The connection dropped before the last words came back.")
        return None

    def _go_live(self, session: ServerSession | None) -> None:
        with self._send_lock:
            self._live = None if session is None else (session, RealTimePacer())

    def _send_ready(self) -> None:
        """Send what is pending to the live server session, as fast as its pacer allows
        (a backlog after a reconnect goes at most a little faster than real time)."""
        with self._send_lock:
            if self._live is None:
                return
            session, pacer = self._live
            while (pacer.may_send(CHUNK_SECONDS)
                   and (item := self._ledger.next_to_send()) is not None):
                session.send(item[1])
                pacer.sent(CHUNK_SECONDS)

    def _rollover_time(self, session: ServerSession) -> float:
        assert session.began is not None
        remaining = session.began.expires_at.timestamp() - time.time()
        return time.monotonic() + max(0.0, remaining - self._config.rollover_margin_seconds)

    def _roll_over(self, old: ServerSession, capture: AudioCapture) -> ServerSession:
        """Open the next server session first, then Terminate the old one: no audio is lost
        and none is sent twice (the old one finalises what it heard). Audio waits in the
        ledger meanwhile. Returns the session to send to: the new one, or the old one if
        opening failed."""
        log.info("rolling over segment %d before it expires", old.segment)
        with self._send_lock:
            paused, self._live = self._live, None
        new, failure = self._open_session(capture)
        if new is None:
            log.warning("rollover failed (%s); keeping the current session",
                        failure.kind.value if failure else "stopped")
            with self._send_lock:
                self._live = paused
            return old
        self._close(old, terminate=True)
        self._ledger.confirmed_until(new.offset_ms)
        self._go_live(new)
        return new

    # -- audio ------------------------------------------------------------------------------
    def _take_audio(self, chunks: list[bytes]) -> None:
        """On the capture thread, as chunks complete: into the ledger (nothing said after Stop
        is transcribed), the meter, and straight on to a live server session."""
        for chunk in chunks:
            level = level_dbfs(chunk)
            if not self._stop.is_set():
                self._ledger.add(chunk, quiet=level <= SILENCE_DBFS)
            self._silence.feed(chunk, level)
            self._report_level(level)
        self._send_ready()

    def _watch(self, capture: AudioCapture, *, timeout: float) -> StreamFailure | None:
        """Wait until woken or `timeout`; then report silence and dropouts, and whether the
        device is gone."""
        self._wake.wait(timeout)
        self._wake.clear()
        capture.check()
        quiet = self._silence.quiet_seconds >= self._config.silence_hint_seconds
        if quiet != self._silence_reported:
            self._silence_reported = quiet
            self.input_silence.emit(
                InputSilence(capture.device.name, self._silence.quiet_seconds,
                             self._silence.all_zero)
                if quiet else None
            )
        if capture.overflows != self._overflows:
            self._overflows = capture.overflows
            self.overflows_changed.emit(self._overflows)
        if capture.lost:
            return StreamFailure(
                FailureKind.DEVICE,
                f"“{capture.device.name}” was disconnected or stopped delivering audio. "
                "The session was ended and the transcript is kept: "
                "choose an input and press Start.",
            )
        return None

    def _report_level(self, level: float) -> None:
        shown = self._meter.due(level)
        if shown is not None:
            self.level_measured.emit(shown)

    def _check_auto_stop(self) -> None:
        limit = self._config.stop_after_silence_seconds
        if limit <= 0:
            return
        silent = time.monotonic() - self._last_speech_at
        warn_window = min(60.0, limit / 5)
        # Never a stop without the warning first, however late this check comes round.
        if silent >= limit and self._auto_stop_shown > 0:
            log.info("stopping after %.0f s without speech", silent)
            self._auto_stopped = True
            self._stop.set()
            return
        seconds_left = (max(1, int(limit - silent) + 1) if silent >= limit - warn_window
                        else -1)
        if seconds_left != self._auto_stop_shown:
            self._auto_stop_shown = seconds_left
            self.auto_stop_warning.emit(seconds_left)

    # -- what the server sessions report (SessionListener, on the SDK's read threads) ---------
    def on_heard_without_speech(self, start_ms: int, end_ms: int) -> None:
        self._ledger.heard_without_speech(start_ms, end_ms)

    def on_speech_started(self, session: ServerSession, at_ms: int) -> None:
        self._last_speech_at = time.monotonic()
        self.speech_heard.emit(at_ms + self._config.clock_ms)

    def on_service_warning(self, code: int, text: str) -> None:
        self.service_warning_received.emit(ServiceWarning(code, text))

    def on_translation(self, session: ServerSession, event: LLMGatewayResponseEvent) -> None:
        """A final turn's translation: saved, then shown. A malformed or empty one is
        logged (never its text) and ignored; the original stands."""
        text = translation_text(event.data)
        if not text:
            log.warning("segment %d: the translation of turn %d was empty or malformed; "
                        "ignored", session.segment, event.turn_order)
            return
        translation = Translation(session.segment, event.turn_order, text)
        if self._store is not None and self._recording_id is not None:
            try:
                self._store.save_translation(self._recording_id, translation)
            except Exception:
                log.exception("could not save a translation")
        self.translation_received.emit(translation)

    def on_speakers_revised(self, session: ServerSession, event: SpeakerRevisionEvent) -> None:
        """Saved before shown, like a final turn."""
        revised = revision_from_sdk(event, segment=session.segment,
                                    offset_ms=session.offset_ms + self._config.clock_ms)
        if self._store is not None and self._recording_id is not None:
            try:
                self._store.revise_speakers(self._recording_id, revised)
            except Exception:
                log.exception("could not save corrected speakers")
        self.speakers_revised.emit(revised)

    def on_turn(self, session: ServerSession, event: TurnEvent) -> None:
        """On an SDK read thread. A final turn is committed to the store before it is shown."""
        update = turn_from_sdk(event, segment=session.segment,
                               offset_ms=session.offset_ms + self._config.clock_ms,
                               source=self._config.source)
        if update.words:
            self._last_speech_at = time.monotonic()
        if update.end_of_turn:
            self._ledger.confirmed_until(update.end_ms + session.offset_ms)
        if self._save(update):
            update = dataclasses.replace(update, saved=True)
        self.turn_received.emit(update)

    def _save(self, update: TurnUpdate) -> bool:
        """Whether a final turn is now committed to the store."""
        if self._store is None or self._recording_id is None:
            return False
        if not update.end_of_turn:
            self._store.save_partial(
                self._recording_id, update.start_ms + update.offset_ms,
                f"{update.source}: {update.transcript}" if update.source else update.transcript,
            )
            return False
        try:
            self._store.save_final(
                self._recording_id,
                final_turn(update, segment=update.segment, offset_ms=update.offset_ms),
            )
        except Exception:
            log.exception("could not save a turn")
            self.store_failed.emit(
                "Could not save the transcript to disk (is it full?). "
                "Copy or export what you see to keep it."
            )
            return False
        return True

    def _open_recording(self, capture: AudioCapture) -> None:
        """The first server session opens the saved transcript (in a call, the first side's
        does; the other side was given its id)."""
        if self._store is None or self._config.recording_id is not None:
            return
        try:
            self._recording_id = int(
                self._store.begin_session(
                    device=capture.device.name, speech_model=self._options.speech_model,
                    translation_model=self._options.translation_llm
                    if self._options.translate_to else "",
                ).result(10)
            )
        except Exception:
            log.exception("could not start a saved session")
            self.store_failed.emit(
                "This session cannot be saved to disk; copy or export it before closing."
            )
            return
        self.recording_started.emit(self._recording_id)

    # -- ending -----------------------------------------------------------------------------
    def _close(self, session: ServerSession, *, terminate: bool) -> None:
        session.close(terminate=terminate and session.began is not None,
                      timeout=self._terminate_timeout + CLOSE_GRACE_SECONDS)
        # Sessions that finished closing are let go: a long session with many reconnects
        # would otherwise keep every old SDK client (and the audio queued to it) to the end.
        self._closing = [s for s in self._closing if not s.closed] + [session]

    def _finish(self) -> None:
        """Wait (bounded) for every closing session, then report how the transcription ended."""
        for session in self._closing:
            session.wait_closed()
        last = self._closing[-1] if self._closing else None
        if (self._store is not None and self._recording_id is not None
                and self._config.recording_id is None):  # the side that opened it ends it
            self._store.end_session(self._recording_id, duration_ms=self._ledger.captured_ms)
        termination = last.termination if last is not None else None
        self.session_ended.emit(
            SessionEnded(
                terminated=termination is not None,
                audio_seconds=self._ledger.captured_ms / 1000 if last and last.began else None,
                session_seconds=termination.session_duration_seconds if termination else None,
                auto_stopped=self._auto_stopped,
            )
        )
