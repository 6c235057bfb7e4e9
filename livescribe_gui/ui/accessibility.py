"""For people who read with a screen reader or need strong contrast: announcing finished
turns, and colours that stay readable (WCAG contrast) in every theme."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QColor
from PySide6.QtWidgets import QWidget

MIN_CONTRAST = 4.5  # WCAG AA for body text


def _luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two opaque colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def muted(ink: QColor, base: QColor, minimum: float = MIN_CONTRAST + 0.1) -> QColor:
    """`ink` moved as far toward `base` as it can go and still read at `minimum` contrast:
    quieter than the main text, never below the line."""
    best = QColor(ink)
    for step in range(1, 13):
        t = step / 20
        mixed = QColor.fromRgbF(ink.redF() + (base.redF() - ink.redF()) * t,
                                ink.greenF() + (base.greenF() - ink.greenF()) * t,
                                ink.blueF() + (base.blueF() - ink.blueF()) * t)
        if contrast(mixed, base) < minimum:
            break
        best = mixed
    return best


class Announcer(QObject):
    """Tells screen readers, politely, what they should hear (a finished turn)."""

    announced = Signal(str)

    def announce(self, widget: QWidget, text: str) -> None:
        event = QAccessibleAnnouncementEvent(widget, text)
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
        QAccessible.updateAccessibility(event)
        self.announced.emit(text)
