"""The level meter's source before Start: a short-lived capture so a person can check the
input is alive. It runs on its own thread; opening a device never happens on the GUI thread."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from livescribe_gui.audio.capture import AudioCapture, DeviceError
from livescribe_gui.audio.devices import InputDevice
from livescribe_gui.audio.level import level_dbfs

log = logging.getLogger(__name__)


class LevelPreview(QObject):
    level_measured = Signal(float)
    unavailable = Signal(str)  # a sentence for the status line

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._stop is not None and not self._stop.is_set()

    def start(self, device: InputDevice) -> None:
        self.stop()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(device, self._stop), name="level-preview", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Returns at once; the preview's device is closed on its own thread."""
        if self._stop is not None:
            self._stop.set()

    def wait(self, timeout: float) -> None:
        """At exit: give the preview's thread time to close its device."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, device: InputDevice, stop: threading.Event) -> None:
        try:
            capture = AudioCapture(device)
        except DeviceError as exc:
            self.unavailable.emit(str(exc))
            return
        try:
            while not stop.is_set():
                chunks = capture.read(timeout=0.05)
                if chunks:
                    self.level_measured.emit(level_dbfs(chunks[-1]))
                if capture.lost:
                    self.unavailable.emit(
                        f"“{device.name}” was disconnected. Choose another input."
                    )
                    return
        finally:
            capture.close()
