"""Windows on the screen they are on: opened no larger than it (a 1366×768 laptop, a
1600×1000 screen at 200 %), and restored onto a screen that is still there."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SCREEN_SHARE = 0.9  # a window opens at most this much of the screen, so it looks like one


def available_area() -> QRect:
    """Where windows may go. The primary screen's: QWidget.screen() on a widget not yet
    shown gave Python a QScreen wrapper that Python's garbage collector later deleted,
    and the next window made crashed in QGuiApplication::screenAt (PySide6 6.11; found
    with gdb)."""
    screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)


def resize_within_screen(widget: QWidget, width: int, height: int) -> None:
    """Open at `width`×`height`, or smaller where the screen is smaller."""
    area = available_area()
    widget.resize(min(width, int(area.width() * SCREEN_SHARE)),
                  min(height, int(area.height() * SCREEN_SHARE)))


def clamp_to_screens(rect: QRect) -> QRect:
    """A window restored where a monitor no longer is comes back on the nearest screen."""
    screens = QGuiApplication.screens()
    if not screens or any(s.availableGeometry().intersects(rect) for s in screens):
        return rect
    area = QGuiApplication.primaryScreen().availableGeometry()
    width, height = min(rect.width(), area.width()), min(rect.height(), area.height())
    return QRect(area.left() + (area.width() - width) // 2,
                 area.bottom() - height - area.height() // 10, width, height)


