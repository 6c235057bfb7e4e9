"""A small input level meter in dBFS, so a person can see the input is alive.

It is drawn, not a progress bar: a progress bar tells a screen reader each of its twelve
changes a second. A listener is told only whether the input is hearing sound or is quiet
(its accessible description), which changes when that does."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from livescribe_gui.audio.level import METER_FLOOR_DBFS as FLOOR_DB

SOUND_DB = -45.0  # above this the input is "hearing sound"
QUIET_DB = -50.0  # below this it is "quiet" again (between: no change, so no chatter)


class LevelMeter(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFixedWidth(120)
        self.setFixedHeight(12)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Input level")
        self._value = int(FLOOR_DB)
        self._hearing = False
        self.setAccessibleDescription("quiet")
        self.setToolTip("Input level (dBFS)")

    def value(self) -> int:
        return self._value

    def set_level(self, dbfs: float) -> None:
        value = int(max(FLOOR_DB, min(0.0, dbfs)))
        if value != self._value:
            self._value = value
            self.update()
        hearing = dbfs > SOUND_DB or (self._hearing and dbfs > QUIET_DB)
        if hearing != self._hearing:
            self._hearing = hearing
            self.setAccessibleDescription("hearing sound" if hearing else "quiet")

    def paintEvent(self, _event) -> None:  # noqa: ANN001, N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(frame, 3, 3)
        share = (self._value - FLOOR_DB) / -FLOOR_DB
        if share > 0:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.palette().color(QPalette.ColorRole.Highlight))
            filled = QRectF(frame.left() + 1, frame.top() + 1,
                            (frame.width() - 2) * share, frame.height() - 2)
            painter.drawRoundedRect(filled, 2, 2)
