"""The captions window: the live text in large type, on top of whatever a person watches.

Frameless, translucent and always on top; drag anywhere to move it, drag an edge to resize
it (the window system does both, so it works on Wayland too). Right-click for styles, size,
lines and click-through; the main window's View menu (and its shortcut) always brings it
back from click-through. Text fades after a quiet spell and returns with the next word.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QByteArray, QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QMenu, QWidget

from livescribe_gui.transcript.model import Change
from livescribe_gui.ui.caption_lines import CaptionLines
from livescribe_gui.ui.screen_fit import clamp_to_screens, resize_within_screen
from livescribe_gui.ui.text_direction import isolated, reads_right_to_left
from livescribe_gui.ui.text_shaping import needs_shaping

EDGE = 8  # px from the border where a drag resizes instead of moving
PADDING = 14


@dataclass(frozen=True)
class CaptionStyle:
    text_color: str = "#ffffff"
    background: str = "#000000"
    opacity: float = 0.75  # of the background; the text stays opaque
    outline: bool = False
    font_family: str = ""
    font_size: int = 28
    lines: int = 2
    uppercase: bool = False
    speakers: bool = True
    fade_seconds: int = 8  # 0: never fade


PRESETS = {
    "White on black": CaptionStyle(),
    "Yellow on black": CaptionStyle(text_color="#ffd700"),
    "Transparent with outline": CaptionStyle(opacity=0.0, outline=True),
}


def caption_style(saved: dict) -> CaptionStyle:
    """The remembered style; fields it does not know or cannot use are left at defaults."""
    defaults = CaptionStyle()
    values = {k: v for k, v in saved.items()
              if hasattr(defaults, k) and type(v) is type(getattr(defaults, k))}
    style = replace(defaults, **values)
    return replace(style, lines=min(10, max(1, style.lines)),
                   font_size=min(96, max(12, style.font_size)),
                   opacity=min(1.0, max(0.0, style.opacity)))


def caption_font(base: QFont, text: str, *, live: bool) -> QFont:
    """The live line is in italics, unless its script is never slanted (`text_shaping`)."""
    font = QFont(base)
    font.setItalic(live and not needs_shaping(text))
    return font


class CaptionsWindow(QWidget):
    style_changed = Signal(object)  # CaptionStyle, to be remembered
    click_through_changed = Signal(bool)

    def __init__(self, style: CaptionStyle | None = None):
        super().__init__(None)
        self.setWindowTitle("LiveScribe Captions")
        self.setObjectName("captions")
        self.setAccessibleName("Live captions")
        self.setWindowFlags(Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
                            | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.Tool)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setMouseTracking(True)
        self.setMinimumSize(240, 60)
        self.style_ = style or CaptionStyle()
        self.lines = CaptionLines(self._fits)
        self.back = 0  # scrollback: settled lines up from the newest
        self.faded = False
        self.click_through = False
        self._fade = QTimer(self)
        self._fade.setSingleShot(True)
        self._fade.timeout.connect(self._fade_out)
        self.apply_style(self.style_)
        resize_within_screen(self, 900, 150)

    # -- what it shows ----------------------------------------------------------------------
    def apply(self, changes: list[Change]) -> None:
        """The transcript changed (the same changes the main view gets)."""
        if not changes:
            return
        self.lines.apply(changes)
        self.faded = False
        if self.style_.fade_seconds:
            self._fade.start(self.style_.fade_seconds * 1000)
        self.update()

    def clear(self) -> None:
        self.lines.clear()
        self.back = 0
        self.update()

    def shown_lines(self) -> list[str]:
        return [] if self.faded else [
            line.text for line in self.lines.visible(self.style_.lines, back=self.back)]

    def _fade_out(self) -> None:
        self.faded = True
        self.update()

    # -- style ------------------------------------------------------------------------------
    def apply_style(self, style: CaptionStyle) -> None:
        self.style_ = style
        font = QFont(style.font_family) if style.font_family else QFont(self.font())
        font.setPointSize(style.font_size)
        font.setWeight(QFont.Weight.DemiBold)
        self._font = font
        self.lines.uppercase = style.uppercase
        self.lines.show_speakers = style.speakers
        self.lines.set_fits(self._fits)
        height = QFontMetricsF(font).lineSpacing() * style.lines + 2 * PADDING
        self.setMinimumHeight(int(height))
        if self.height() < height:
            self.resize(self.width(), int(height))
        self.update()

    def _set_style(self, style: CaptionStyle) -> None:
        self.apply_style(style)
        self.style_changed.emit(style)

    def _fits(self, text: str) -> bool:
        width = max(100, self.width() - 2 * PADDING)
        return QFontMetricsF(self._font).horizontalAdvance(text) <= width

    def set_click_through(self, on: bool) -> None:
        """Mouse clicks pass to the window underneath; the main window's View menu (or its
        shortcut) turns it off again."""
        if on == self.click_through:
            return
        self.click_through = on
        visible = self.isVisible()
        self.setWindowFlag(Qt.WindowType.WindowTransparentForInput, on)
        if visible:
            self.show()  # changing window flags hides a window
        self.click_through_changed.emit(on)

    # -- geometry ---------------------------------------------------------------------------
    def saved_geometry(self) -> str:
        return bytes(self.saveGeometry().toBase64().data()).decode()

    def restore(self, geometry: str) -> None:
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        self.setGeometry(clamp_to_screens(self.geometry()))

    # -- painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        background = QColor(self.style_.background)
        background.setAlphaF(max(self.style_.opacity, 0.01))  # 0 would let clicks through
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(self.rect(), 10, 10)
        if self.faded:
            return
        metrics = QFontMetricsF(self._font)
        shown = self.lines.visible(self.style_.lines, back=self.back)
        y = self.height() - PADDING - metrics.descent() - metrics.lineSpacing() * (len(shown) - 1)
        for line in shown:
            color = QColor(self.style_.text_color)
            if line.live:
                color.setAlphaF(0.8)
            font = caption_font(self._font, line.text, live=line.live)
            text, x = isolated(line.text), PADDING
            if reads_right_to_left(line.text):  # ordered and aligned as its readers expect
                x = self.width() - PADDING - QFontMetricsF(font).horizontalAdvance(text)
            self._draw_text(painter, QPointF(x, y), text, font, color)
            y += metrics.lineSpacing()
        if self.back:
            painter.setPen(QColor(self.style_.text_color))
            painter.setFont(QFont(self.font()))
            painter.drawText(self.rect().adjusted(0, 4, -PADDING, 0),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                             f"↑ {self.back} lines back — scroll down for live")

    def _draw_text(self, painter: QPainter, at: QPointF, text: str, font: QFont,
                   color: QColor) -> None:
        if not self.style_.outline:
            painter.setFont(font)
            painter.setPen(color)
            painter.drawText(at, text)
            return
        path = QPainterPath()
        path.addText(at, font, text)
        painter.strokePath(path, QPen(QColor("black"), max(3.0, font.pointSizeF() / 7),
                                      Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                                      Qt.PenJoinStyle.RoundJoin))
        painter.fillPath(path, color)

    # -- moving, resizing, scrolling, the menu --------------------------------------------
    def _edges(self, pos: QPoint) -> Qt.Edge:
        edges = Qt.Edge(0)
        if pos.x() < EDGE:
            edges |= Qt.Edge.LeftEdge
        if pos.x() > self.width() - EDGE:
            edges |= Qt.Edge.RightEdge
        if pos.y() < EDGE:
            edges |= Qt.Edge.TopEdge
        if pos.y() > self.height() - EDGE:
            edges |= Qt.Edge.BottomEdge
        return edges

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() != Qt.MouseButton.LeftButton or self.windowHandle() is None:
            return super().mousePressEvent(event)
        edges = self._edges(event.position().toPoint())
        if edges:
            self.windowHandle().startSystemResize(edges)
        else:
            self.windowHandle().startSystemMove()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        edges = self._edges(event.position().toPoint())
        horizontal = bool(edges & (Qt.Edge.LeftEdge | Qt.Edge.RightEdge))
        vertical = bool(edges & (Qt.Edge.TopEdge | Qt.Edge.BottomEdge))
        shape = (Qt.CursorShape.SizeAllCursor if horizontal and vertical else
                 Qt.CursorShape.SizeHorCursor if horizontal else
                 Qt.CursorShape.SizeVerCursor if vertical else Qt.CursorShape.OpenHandCursor)
        self.setCursor(shape)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt override)
        super().resizeEvent(event)
        self.lines.set_fits(self._fits)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt override)
        """Scroll back through earlier lines; the growing turn stays at the bottom."""
        step = 1 if event.angleDelta().y() > 0 else -1
        self.back = max(0, min(self.lines.settled_count - 1, self.back + step))
        self.update()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt override)
        self.menu().exec(event.globalPos())

    def menu(self) -> QMenu:
        menu = QMenu(self)
        for name, preset in PRESETS.items():
            action = menu.addAction(name)
            keep = {"font_size": self.style_.font_size, "lines": self.style_.lines,
                    "font_family": self.style_.font_family, "fade_seconds":
                    self.style_.fade_seconds, "uppercase": self.style_.uppercase,
                    "speakers": self.style_.speakers}
            action.triggered.connect(lambda _=False, p=preset, k=keep: self._set_style(
                replace(p, **k)))
        menu.addSeparator()
        menu.addAction("Larger text", lambda: self._set_style(replace(
            self.style_, font_size=min(96, self.style_.font_size + 4))))
        menu.addAction("Smaller text", lambda: self._set_style(replace(
            self.style_, font_size=max(12, self.style_.font_size - 4))))
        menu.addAction("More lines", lambda: self._set_style(replace(
            self.style_, lines=min(10, self.style_.lines + 1))))
        menu.addAction("Fewer lines", lambda: self._set_style(replace(
            self.style_, lines=max(1, self.style_.lines - 1))))
        upper = QAction("Upper case", menu, checkable=True, checked=self.style_.uppercase)
        upper.toggled.connect(lambda on: self._set_style(replace(self.style_, uppercase=on)))
        menu.addAction(upper)
        menu.addSeparator()
        through = QAction("Click-through (turn off in LiveScribe's View menu)", menu,
                          checkable=True, checked=self.click_through)
        through.toggled.connect(self.set_click_through)
        menu.addAction(through)
        menu.addAction("Close captions", self.close)
        return menu
