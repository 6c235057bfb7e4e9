"""The level meter's source before Start, so a person can check the input is alive, and the
stream the session then takes over: one capture stream per chosen input.

The preview runs on its own thread; opening a device never happens on the GUI thread. It
keeps the last `PREROLL_MS` of audio, so when Start hands its open stream to the session
(`hand_over`), a word spoken as Start is pressed is transcribed too, and no second device
open delays the first words.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from livescribe_gui.audio.devices import InputDevice

if TYPE_CHECKING:
    from livescribe_gui.audio.capture import AudioCapture

log = logging.getLogger(__name__)

PREROLL_MS = 300


class CaptureHandover:
    """An open capture passed from the preview's thread to the session's, once.

    If the session stops waiting before the preview gives it, the preview closes it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._given: tuple[AudioCapture, list[bytes]] | None = None
        self._abandoned = False

    def give(self, capture: AudioCapture, preroll: list[bytes]) -> bool:
        """From the preview: True when the session will take it."""
        with self._lock:
            if self._abandoned:
                return False
            self._given = (capture, preroll)
        self._ready.set()
        return True

    def decline(self) -> None:
        """From the preview: it has no open stream to give."""
        self._ready.set()

    def take(self, timeout: float) -> tuple[AudioCapture, list[bytes]] | None:
        """From the session: the open capture and its pre-roll, or None (open your own)."""
        self._ready.wait(timeout)
        with self._lock:
            self._abandoned = True
            given, self._given = self._given, None
        return given


@dataclass
class _Run:
    device: InputDevice
    stop: threading.Event = field(default_factory=threading.Event)
    handover: CaptureHandover | None = None


class LevelPreview(QObject):
    level_measured = Signal(float)
    unavailable = Signal(str)  # a sentence for the status line

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._run: _Run | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._run is not None and not self._run.stop.is_set()

    def start(self, device: InputDevice) -> None:
        self.stop()
        self._run = _Run(device)
        self._thread = threading.Thread(
            target=self._capture, args=(self._run,), name="level-preview", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Returns at once; the preview's device is closed on its own thread."""
        if self._run is not None:
            self._run.stop.set()

    def hand_over(self, device: InputDevice) -> CaptureHandover | None:
        """Stop previewing and pass the open stream on, if it is this device's. Returns at once."""
        run = self._run
        if run is None or run.stop.is_set() or run.device != device:
            self.stop()
            return None
        run.handover = CaptureHandover()
        run.stop.set()
        return run.handover

    def wait(self, timeout: float) -> None:
        """At exit: give the preview's thread time to close its device."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _capture(self, run: _Run) -> None:
        # Imported here, on the preview's thread: PortAudio, numpy and the resampler are not
        # needed to show the window, and loading them took a tenth of a second of start-up.
        from livescribe_gui.audio.capture import AudioCapture, DeviceError
        from livescribe_gui.audio.level import MeterPace, level_dbfs
        from livescribe_gui.audio.session_format import CHUNK_MS

        try:
            capture = AudioCapture(run.device)
        except DeviceError as exc:
            run.stop.set()
            if run.handover is not None:
                run.handover.decline()
            else:
                self.unavailable.emit(str(exc))
            return
        preroll: deque[bytes] = deque(maxlen=PREROLL_MS // CHUNK_MS)
        meter = MeterPace()  # the same pace as the session's meter
        try:
            while not run.stop.is_set():
                chunks = capture.read(timeout=0.05)
                if chunks:
                    preroll.extend(chunks)
                    shown = meter.due(max(level_dbfs(c) for c in chunks))
                    if shown is not None:
                        self.level_measured.emit(shown)
                if capture.lost:
                    self.unavailable.emit(
                        f"“{run.device.name}” was disconnected. Choose another input."
                    )
                    return
            if run.handover is not None and run.handover.give(capture, list(preroll)):
                capture = None
        finally:
            run.stop.set()  # no hand-over is offered from a preview that has ended
            if run.handover is not None:
                run.handover.decline()
            if capture is not None:
                capture.close()
