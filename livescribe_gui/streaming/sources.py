"""One transcription from one input, or from both sides of a call: each source has its own
worker (its own server sessions, ledger, reconnects and Terminate); their signals come out
here as one session's. The first source opens the saved transcript; the others join it
once it exists, their turns placed on its clock."""

from __future__ import annotations

import dataclasses
import time

from PySide6.QtCore import QObject, Signal

from livescribe_gui.audio.devices import InputDevice
from livescribe_gui.streaming.controller import SessionController, SessionSignals
from livescribe_gui.streaming.events import SessionConfig
from livescribe_gui.streaming.options import StreamingOptions
from livescribe_gui.transcript.store import StoreWriter

# A later source's server sessions are numbered from here, so every source's turns stay apart;
# a source reattached after its input came back numbers on from its next thousand.
SEGMENTS_PER_SOURCE = 1_000_000
SEGMENTS_PER_ATTACHMENT = 1_000

_RELAYED = ("connecting", "session_started", "turn_received", "speech_heard",
            "speakers_revised", "service_warning", "translation_received", "failed",
            "session_ended", "input_silence", "overflows_changed", "reconnecting",
            "auto_stop_warning", "store_failed")


class SourcesController(SessionSignals):
    """Same signals as `SessionController`, for any number of sources. `finished` fires once
    every source has stopped; `source_finished` says which one stopped before the others."""

    level_measured = Signal(int, float)  # source number, dBFS
    source_finished = Signal(int)  # this source stopped (the others may go on)

    def __init__(self, parent: QObject | None = None, *, store: StoreWriter | None = None):
        super().__init__(parent)
        self._store = store
        self._sources: list[SessionController] = []
        self._configs: list[SessionConfig] = []  # what each source last started with
        self._running: set[int] = set()
        self._waiting: list[SessionConfig] = []  # sources that start once the first has begun
        self._keep_history = True
        self._started_at = 0.0
        self._recording_id: int | None = None
        self._stopping = False

    @property
    def running(self) -> bool:
        return bool(self._running) or bool(self._waiting)

    def is_running(self, number: int) -> bool:
        return number in self._running

    def start(self, configs: list[SessionConfig], *, keep_history: bool = True) -> None:
        """The first config starts now; the others when its first server session began (so
        they join its saved transcript). `keep_history=False`: nothing goes to disk."""
        if self.running:
            raise RuntimeError("a session is already running")
        self._keep_history = keep_history
        self._recording_id = None
        self._stopping = False
        self._sources, self._configs = [], []
        self._waiting = list(configs[1:])
        self._started_at = time.monotonic()
        self._start_source(dataclasses.replace(configs[0], options=self._options_for(
            0, configs[0].options, call=len(configs) > 1)))

    def _start_source(self, config: SessionConfig, number: int | None = None) -> None:
        number = len(self._sources) if number is None else number
        controller = SessionController(self, store=self._store)
        for name in _RELAYED:
            getattr(controller, name).connect(getattr(self, name))
        controller.session_started.connect(lambda _started: self._start_waiting())
        controller.recording_started.connect(self._on_recording_started)
        controller.level_measured.connect(lambda level: self.level_measured.emit(number, level))
        controller.finished.connect(lambda: self._on_source_finished(number))
        if number == len(self._sources):
            self._sources.append(controller)
            self._configs.append(config)
        else:
            self._sources[number], self._configs[number] = controller, config
        self._running.add(number)
        controller.start(config, keep_history=self._keep_history)

    def _start_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        if self._stopping or not self._running:
            return
        for config in waiting:
            number = len(self._sources)
            self._start_source(dataclasses.replace(
                config, recording_id=self._recording_id,
                segment_base=number * SEGMENTS_PER_SOURCE,
                clock_ms=int((time.monotonic() - self._started_at) * 1000)))

    def reattach(self, number: int, device: InputDevice) -> None:
        """A source whose input went away (the others kept going) starts again on `device`,
        the same input found again, adding to the same transcript."""
        if self._stopping or number in self._running or not self._running:
            return
        config = self._configs[number]
        self._start_source(dataclasses.replace(
            config, device=device, handover=None, recording_id=self._recording_id,
            segment_base=config.segment_base + SEGMENTS_PER_ATTACHMENT,
            clock_ms=int((time.monotonic() - self._started_at) * 1000)), number)

    def device_of(self, number: int) -> InputDevice:
        return self._configs[number].device

    def _on_recording_started(self, recording_id: int) -> None:
        if self._recording_id is None:
            self._recording_id = recording_id
            self.recording_started.emit(recording_id)

    def _on_source_finished(self, number: int) -> None:
        self._running.discard(number)
        if self._running:
            self.source_finished.emit(number)
            return
        self._waiting = []  # the first source ended before it began: the rest never start
        self.finished.emit()

    @staticmethod
    def _options_for(number: int, options: StreamingOptions, *, call: bool) -> StreamingOptions:
        """In a call the first source is the user's own microphone: one speaker, so the
        service is not asked to tell speakers apart there."""
        if call and number == 0:
            return dataclasses.replace(options, speaker_labels=False)
        return options

    def update_options(self, options: StreamingOptions) -> None:
        call = len(self._sources) > 1 or bool(self._waiting)
        for number, controller in enumerate(self._sources):
            controller.update_options(self._options_for(number, options, call=call))

    def stop(self) -> None:
        """Ask every source to end (each with Terminate); returns at once. Watch `finished`."""
        self._stopping = True
        self._waiting = []
        for controller in self._sources:
            controller.stop()
