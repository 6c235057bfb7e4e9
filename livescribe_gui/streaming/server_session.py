"""One server session: a fresh SDK client, its events, and honest answers to "is it alive?".

The SDK gives no callback when the server closes with 1000 and no Termination, when its read
thread dies on a malformed message, or when the network stalls (it would notice after about
50 s). So liveness is checked here: the read thread must be running, and a WebSocket ping must
be answered within a few seconds.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any, Protocol

from assemblyai.streaming.v3 import (
    BeginEvent,
    HeartbeatEvent,
    LLMGatewayResponseEvent,
    SilenceEvent,
    SpeakerRevisionEvent,
    SpeechStartedEvent,
    StreamingClient,
    StreamingClientOptions,
    StreamingError,
    StreamingEvents,
    StreamingParameters,
    TerminationEvent,
    TurnEvent,
    WarningEvent,
)

log = logging.getLogger(__name__)

# Below this, a heartbeat interval counts as heard without speech.
SPEECH_PROBABILITY = 0.3


class SessionListener(Protocol):
    """What a server session reports, on the SDK's read thread. Times are already on the
    transcript clock (the session's offset added)."""

    def on_turn(self, session: ServerSession, event: TurnEvent) -> None: ...
    def on_heard_without_speech(self, start_ms: int, end_ms: int) -> None: ...
    def on_speech_started(self, session: ServerSession, at_ms: int) -> None: ...
    def on_service_warning(self, code: int, text: str) -> None: ...
    def on_speakers_revised(self, session: ServerSession, event: SpeakerRevisionEvent) -> None: ...
    def on_translation(self, session: ServerSession, event: LLMGatewayResponseEvent) -> None: ...


class ServerSession:
    def __init__(
        self,
        *,
        segment: int,
        offset_ms: int,
        options: StreamingClientOptions,
        params: StreamingParameters,
        listener: SessionListener,
        wake: threading.Event,
    ):
        self.segment = segment
        self.offset_ms = offset_ms
        self.began: BeginEvent | None = None
        self.termination: TerminationEvent | None = None
        self.error: StreamingError | None = None
        self.started_at = time.monotonic()
        self._params = params
        self._listener = listener
        # Set when Begin, Termination or an error arrives, so whoever waits on it looks now.
        self._wake = wake
        self._heartbeat_ms = 0
        self._ping: Any = None
        self._ping_sent_at = 0.0
        self._closer: threading.Thread | None = None
        # The link stopped answering pings: nothing sent now can arrive, so closing skips
        # Terminate and the closing handshake (both would wait out their timeouts).
        self.link_dead = False
        self.client = StreamingClient(options)
        self.client.on(StreamingEvents.Begin, self._handle_begin)
        self.client.on(StreamingEvents.Turn, self._handle_turn)
        self.client.on(StreamingEvents.Termination, self._handle_termination)
        self.client.on(StreamingEvents.Error, self._handle_error)
        self.client.on(StreamingEvents.Silence, self._handle_silence)
        self.client.on(StreamingEvents.Heartbeat, self._handle_heartbeat)
        self.client.on(StreamingEvents.SpeechStarted, self._handle_speech_started)
        self.client.on(StreamingEvents.Warning, self._handle_warning)
        self.client.on(StreamingEvents.SpeakerRevision, self._handle_speaker_revision)
        self.client.on(StreamingEvents.LLMGatewayResponse, self._handle_llm_response)

    # SDK handlers (the SDK's read thread, or the connecting thread for handshake errors)
    def _handle_begin(self, _client: StreamingClient, event: BeginEvent) -> None:
        self.began = event
        self._wake.set()

    def _handle_turn(self, _client: StreamingClient, event: TurnEvent) -> None:
        self._listener.on_turn(self, event)

    def _handle_speech_started(self, _client: StreamingClient,
                               event: SpeechStartedEvent) -> None:
        self._listener.on_speech_started(self, self.offset_ms + event.timestamp)

    def _handle_warning(self, _client: StreamingClient, event: WarningEvent) -> None:
        log.warning("segment %d: the service warns (code %d): %s",
                    self.segment, event.warning_code, event.warning)
        self._listener.on_service_warning(event.warning_code, event.warning)

    def _handle_speaker_revision(self, _client: StreamingClient,
                                 event: SpeakerRevisionEvent) -> None:
        self._listener.on_speakers_revised(self, event)

    def _handle_llm_response(self, _client: StreamingClient,
                             event: LLMGatewayResponseEvent) -> None:
        self._listener.on_translation(self, event)

    def _handle_silence(self, _client: StreamingClient, event: SilenceEvent) -> None:
        """Proof that the server heard this stretch and found no speech in it."""
        self._listener.on_heard_without_speech(self.offset_ms + event.start_ms,
                                            self.offset_ms + event.end_ms)

    def _handle_heartbeat(self, _client: StreamingClient, event: HeartbeatEvent) -> None:
        """The audio received since the last heartbeat; heard, and without speech when the
        server's speech probability stayed low all through it."""
        start, self._heartbeat_ms = self._heartbeat_ms, event.total_audio_received_ms
        if event.max_speech_probability < SPEECH_PROBABILITY:
            self._listener.on_heard_without_speech(
                self.offset_ms + start, self.offset_ms + event.total_audio_received_ms)

    def _handle_termination(self, _client: StreamingClient, event: TerminationEvent) -> None:
        self.termination = event
        self._wake.set()

    def _handle_error(self, _client: StreamingClient, error: StreamingError) -> None:
        log.warning("segment %d: streaming error (code %s): %s",
                    self.segment, getattr(error, "code", None), error)
        if self.error is None:
            self.error = error
        self._wake.set()

    def connect(self) -> None:
        """Blocks for the handshake; failures arrive through `error`."""
        self.client.connect(self._params)

    def send(self, chunk: bytes) -> None:
        self.client.stream(chunk)

    def quiet_end_reason(self) -> str | None:
        """Why the connection is gone though no error was reported, if it is."""
        if self.began is None or self.error is not None:
            return None
        read_thread = getattr(self.client, "_read_thread", None)
        if read_thread is not None and not read_thread.is_alive():
            return "The service closed the connection without saying why."
        return None

    def stalled(self, stall_seconds: float) -> bool:
        """Ping every half stall period; no pong within the other half means a stalled link."""
        socket = getattr(self.client, "_websocket", None)
        if socket is None or self.began is None:
            return False
        now = time.monotonic()
        if self._ping is not None:
            if self._ping.is_set():
                self._ping = None
            elif now - self._ping_sent_at > stall_seconds / 2:
                self.link_dead = True
                return True
        if self._ping is None and now - self._ping_sent_at > stall_seconds / 2:
            try:
                self._ping = socket.ping()
            except Exception:  # a closed socket: the read thread will tell
                return False
            self._ping_sent_at = now
        return False

    def close(self, *, terminate: bool, timeout: float) -> None:
        """Start closing on a helper thread (Terminate, wait for Termination, join the SDK's
        threads); `wait_closed` bounds how long anyone waits for it. Closing twice is
        closing once."""
        if self._closer is not None:
            return
        self._closer = threading.Thread(
            target=self._disconnect, args=(terminate,), name=f"close-segment-{self.segment}",
            daemon=True,
        )
        self._closer.start()
        self._close_timeout = timeout

    def _disconnect(self, terminate: bool) -> None:
        if self.link_dead:
            self._cut_link()
            terminate = False
        if terminate:
            self._let_audio_drain()
        try:
            self.client.disconnect(terminate=terminate)
        except Exception:
            log.exception("segment %d: disconnect failed", self.segment)

    def _cut_link(self) -> None:
        """End the TCP connection at once; the SDK's threads then see it closed."""
        connection = getattr(self.client, "_websocket", None)
        raw = getattr(connection, "socket", None)
        if raw is None:
            return
        try:
            raw.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _let_audio_drain(self, timeout: float = 2.0) -> None:
        """With its read thread gone, the SDK stops its writer at once on disconnect and drops
        a Terminate queued behind audio; let the queued audio go out first."""
        read_thread = getattr(self.client, "_read_thread", None)
        writes = getattr(self.client, "_write_queue", None)
        if read_thread is None or writes is None or read_thread.is_alive():
            return
        deadline = time.monotonic() + timeout
        while not writes.empty() and time.monotonic() < deadline:
            time.sleep(0.01)

    @property
    def closed(self) -> bool:
        """Closing finished: the SDK's threads are gone."""
        return self._closer is not None and not self._closer.is_alive()

    def wait_closed(self) -> bool:
        if self._closer is None:
            return True
        self._closer.join(self._close_timeout)
        if self._closer.is_alive():
            log.warning("segment %d: the SDK did not close in time; leaving it", self.segment)
            return False
        return True
