"""The row under the input: one input, or both sides of a call. In a call the input above
is "You" (the microphone) and this row picks "Them" (the computer's sound), with its own
level meter and a plain word on billing. Where the computer's sound cannot be captured the
mode is not offered, and the row says why."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from livescribe_gui.audio.devices import InputDevice, find_device
from livescribe_gui.ui.device_picker import DevicePicker
from livescribe_gui.ui.level_meter import FLOOR_DB, LevelMeter

NO_LOOPBACK = {
    "darwin": "macOS cannot record the computer's sound without a virtual device: install "
              "the free BlackHole and choose it here to transcribe both sides of a call.",
    "win32": "Recording the computer's sound is not available on Windows yet: transcribe one "
             "input, or route the call's sound to a virtual cable input.",
}
NO_MONITOR = ("No input carries the computer's sound here (a “Monitor of …” source), so "
              "both sides of a call cannot be transcribed.")


class CallBar(QWidget):
    mode_changed = Signal(bool)  # True: both sides of a call

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.mode_combo = QComboBox()
        self.mode_combo.addItem("One input", False)
        self.mode_combo.addItem("Both sides of a call", True)
        self.mode_combo.setToolTip("A call: your microphone is “You” and the computer's sound "
                                   "is “Them”, each transcribed by its own session.")
        mode_label = QLabel("&Transcribe:")
        mode_label.setBuddy(self.mode_combo)
        self.them_label = QLabel("T&hem:")
        self.them_combo = DevicePicker()
        self.them_combo.setAccessibleName("Them: the computer's sound")
        self.them_label.setBuddy(self.them_combo)
        self.them_meter = LevelMeter()
        self.them_meter.setAccessibleName("Level of the computer's sound")
        self.note = QLabel("Two sessions are billed while both run.")
        self.note.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(mode_label)
        layout.addWidget(self.mode_combo)
        layout.addWidget(self.them_label)
        layout.addWidget(self.them_combo, 1)
        layout.addWidget(self.them_meter)
        layout.addWidget(self.note, 1)
        layout.addStretch(1)  # one input: the choice stays at the left, not spread out
        self._layout = layout
        self.mode_combo.currentIndexChanged.connect(self._show_mode)
        self._show_mode()

    def is_call(self) -> bool:
        return bool(self.mode_combo.currentData())

    def set_call(self, on: bool) -> None:
        self.mode_combo.setCurrentIndex(1 if on and self._call_possible() else 0)

    def them_device(self) -> InputDevice | None:
        return self.them_combo.current_device() if self.is_call() else None

    def set_devices(self, devices: list[InputDevice], *, remembered: tuple[str, str]) -> None:
        """The inputs; "Them" is the one used last time, else the first computer's-sound
        source. Without one, a call is not offered."""
        self.them_combo.set_devices(devices)
        choice = find_device(devices, name=remembered[0], host_api=remembered[1]) \
            if remembered[0] else None
        choice = choice or next((d for d in devices if d.is_monitor), None)
        if choice is not None:
            self.them_combo.select(choice)
        possible = self._call_possible()
        self.mode_combo.model().item(1).setEnabled(possible)
        if not possible and self.is_call():
            self.mode_combo.setCurrentIndex(0)
        self.mode_combo.setItemData(1, None if possible else self._why_not(),
                                    Qt.ItemDataRole.ToolTipRole)
        self._show_mode()

    def _call_possible(self) -> bool:
        return any(d.is_monitor for d in self.them_combo.devices()) or (
            sys.platform == "darwin" and self.them_combo.count() > 1)

    def _why_not(self) -> str:
        return NO_LOOPBACK.get(sys.platform, NO_MONITOR)

    def set_running(self, running: bool) -> None:
        self.mode_combo.setEnabled(not running)
        self.them_combo.setEnabled(not running)
        if not running:
            self.them_meter.set_level(FLOOR_DB)

    def _show_mode(self) -> None:
        call = self.is_call()
        for widget in (self.them_label, self.them_combo, self.them_meter, self.note):
            widget.setVisible(call)
        self._layout.setStretch(self._layout.count() - 1, 0 if call else 1)
        self.mode_changed.emit(call)
