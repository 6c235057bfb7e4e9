"""Lists input devices on a pool thread (pactl and PortAudio calls can take a while)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from livescribe_gui.audio import capture, devices

log = logging.getLogger(__name__)


class _Scan(QRunnable):
    def __init__(self, scanner: DeviceScanner):
        super().__init__()
        self._scanner = scanner

    def run(self) -> None:
        found = scan_devices()
        self._scanner.scanned.emit(found)


def scan_devices() -> list[devices.InputDevice]:
    """Look again for devices; PortAudio itself is re-read only while no stream is open."""
    found = devices.list_input_devices()
    if found and found[0].host_api == devices.PULSE_HOST_API:
        return found
    with capture.portaudio_lock:
        if capture.streams_open() == 0:
            devices.reinitialize_portaudio()
            found = devices.list_input_devices()
    return found


class DeviceScanner(QObject):
    scanned = Signal(object)  # list[InputDevice]

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)

    def scan(self) -> None:
        if self._pool.activeThreadCount() == 0:
            self._pool.start(_Scan(self))

    def wait(self, msecs: int = 5000) -> None:
        self._pool.waitForDone(msecs)
