"""A small input level meter in dBFS, so a person can see the input is alive."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QWidget

FLOOR_DB = -60.0


class LevelMeter(QProgressBar):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setRange(int(FLOOR_DB), 0)
        self.setTextVisible(False)
        self.setFixedWidth(120)
        self.setAccessibleName("Input level")
        self.setMaximumHeight(12)
        self.set_level(FLOOR_DB)

    def set_level(self, dbfs: float) -> None:
        value = int(max(FLOOR_DB, min(0.0, dbfs)))
        self.setValue(value)
        self.setToolTip(f"Input level: {dbfs:.0f} dBFS")
