"""The input dropdown: microphones, then the sources that carry the computer's own sound.

It asks for a fresh device list whenever it opens, and keeps the choice across refreshes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from livescribe_gui.audio.devices import InputDevice


def _key(device: InputDevice) -> tuple[str, str]:
    return device.host_api, device.name


class DevicePicker(QComboBox):
    about_to_open = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumContentsLength(12)  # shrinks in a narrow window; the list is wide
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setToolTip(
            "The microphone or sound source to transcribe. "
            "“Monitor of …” sources carry what the computer plays (calls, videos)."
        )
        self._devices: list[InputDevice] = []

    def showPopup(self) -> None:  # noqa: N802 (Qt override)
        self.about_to_open.emit()
        super().showPopup()

    def devices(self) -> list[InputDevice]:
        return list(self._devices)

    def set_devices(self, devices: list[InputDevice]) -> None:
        """Replace the list, keeping the current choice if it still exists."""
        if [_key(d) for d in devices] == [_key(d) for d in self._devices]:
            return
        current = self.current_device()
        self.blockSignals(True)
        self.clear()
        self._devices = list(devices)
        microphones = [d for d in devices if not d.is_monitor]
        monitors = [d for d in devices if d.is_monitor]
        for device in microphones:
            self.addItem(device.label, device)
        if microphones and monitors:
            self.insertSeparator(self.count())
        for device in monitors:
            self.addItem(device.label, device)
            self.setItemData(
                self.count() - 1, "What the computer plays (calls, videos, music)",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.blockSignals(False)
        if current is None or not self.select(current):
            self.setCurrentIndex(0)
            self.currentIndexChanged.emit(0)

    def current_device(self) -> InputDevice | None:
        data = self.currentData()
        return data if isinstance(data, InputDevice) else None

    def select(self, device: InputDevice) -> bool:
        for i in range(self.count()):
            item = self.itemData(i)
            if isinstance(item, InputDevice) and _key(item) == _key(device):
                self.setCurrentIndex(i)
                return True
        return False
