"""Starts and stops the worker's QThread and relays its signals to the GUI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThread, Signal

from livescribe_gui.streaming.events import SessionConfig
from livescribe_gui.streaming.options import StreamingOptions
from livescribe_gui.transcript.store import StoreWriter

if TYPE_CHECKING:
    from livescribe_gui.streaming.worker import TranscriptionWorker


class SessionSignals(QObject):
    """What a transcription reports to the window, from one source or several."""

    connecting = Signal()
    session_started = Signal(object)
    turn_received = Signal(object)
    speech_heard = Signal(int)
    speakers_revised = Signal(object)
    service_warning = Signal(object)
    translation_received = Signal(object)
    failed = Signal(object)
    session_ended = Signal(object)
    input_silence = Signal(object)
    overflows_changed = Signal(int)
    reconnecting = Signal(object)
    auto_stop_warning = Signal(int)
    recording_started = Signal(int)
    store_failed = Signal(str)
    finished = Signal()


class SessionController(SessionSignals):
    """One session at a time. `finished` fires once the worker's thread has fully stopped."""

    level_measured = Signal(float)

    def __init__(self, parent: QObject | None = None, *, store: StoreWriter | None = None):
        super().__init__(parent)
        self._store = store
        self._thread: QThread | None = None
        self._worker: TranscriptionWorker | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, config: SessionConfig, *, keep_history: bool = True) -> None:
        """`keep_history=False`: nothing of this session is written to disk."""
        if self._thread is not None:
            raise RuntimeError("a session is already running")
        # The worker brings in the SDK: loaded after start-up (`app.load_the_rest`), not with
        # this module, so the window shows sooner.
        from livescribe_gui.streaming.worker import TranscriptionWorker

        thread = QThread()
        thread.setObjectName("transcription-worker")
        worker = TranscriptionWorker(config, store=self._store if keep_history else None)
        worker.moveToThread(thread)
        queued = Qt.ConnectionType.QueuedConnection
        relayed = (
            (worker.connecting, self.connecting),
            (worker.session_started, self.session_started),
            (worker.turn_received, self.turn_received),
            (worker.speech_heard, self.speech_heard),
            (worker.speakers_revised, self.speakers_revised),
            (worker.service_warning_received, self.service_warning),
            (worker.translation_received, self.translation_received),
            (worker.failed, self.failed),
            (worker.session_ended, self.session_ended),
            (worker.level_measured, self.level_measured),
            (worker.input_silence, self.input_silence),
            (worker.overflows_changed, self.overflows_changed),
            (worker.reconnecting, self.reconnecting),
            (worker.auto_stop_warning, self.auto_stop_warning),
            (worker.recording_started, self.recording_started),
            (worker.store_failed, self.store_failed),
        )
        for source, relay in relayed:
            source.connect(relay, queued)
        worker.finished.connect(thread.quit, queued)
        thread.started.connect(worker.run)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        thread.start()

    def update_options(self, options: StreamingOptions) -> None:
        if self._worker is not None:
            self._worker.update_options(options)

    def stop(self) -> None:
        """Ask the session to end; returns at once. Watch `finished`."""
        if self._worker is not None:
            self._worker.request_stop()

    def _on_thread_finished(self) -> None:
        """The worker is released here, on the GUI thread, once its thread has fully ended.
        (A `deleteLater()` could run its destructor on the ending thread while Python freed
        the wrapper here: a crash seen about once in fifteen sessions.)"""
        thread = self._thread
        self._thread = self._worker = None
        if thread is not None:
            thread.wait()
            thread.deleteLater()
        self.finished.emit()
