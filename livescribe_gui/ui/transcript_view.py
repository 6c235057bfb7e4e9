"""The transcript pane: final turns as settled text, the growing turn in a lighter style.

Each update touches one block through a QTextCursor, so its cost does not grow with the
transcript; the whole text is never re-set. Block i holds final turn i; the live line, when
there is one, is the block after the last final turn. A speaker's (or a call side's) name is
shown where the speaker changes, in a colour of its own, not on every line.

Following the tail is a state, not a comparison made at each update: the document is laid
out lazily, so right after an edit the scroll bar's maximum is stale, and "value == maximum"
then reads as "the reader scrolled up" and following stopped for good. The view follows
until the reader scrolls away from the bottom, scrolls again whenever the laid-out range
grows, and offers "Jump to live" while the reader is elsewhere.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QMimeData, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
    QPen,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QTextEdit, QToolButton, QWidget

from livescribe_gui.transcript.model import (
    Change,
    FinalTurn,
    PartialChanged,
    TurnAdded,
    TurnReplaced,
    format_timestamp,
    turn_label,
)
from livescribe_gui.ui.accessibility import MIN_CONTRAST, contrast, muted
from livescribe_gui.ui.text_direction import isolated, without_isolates
from livescribe_gui.ui.text_shaping import format_for_script

# Speaker colours, each at least 4.5:1 on a light (white) and on a dark (#1b1b1b) background.
LIGHT_SPEAKERS = ("#1d4fa3", "#a1321a", "#176b35", "#6d3591", "#7a4e00", "#006a72")
DARK_SPEAKERS = ("#8fb8ff", "#ff9f85", "#7bd88f", "#d7a6ff", "#ffcf6b", "#6fdcdc")


class FocusRing(QWidget):
    """A 2 px frame in the palette's highlight over the pane's edge while it has focus; clicks
    go through it."""

    def __init__(self, pane: QWidget):
        super().__init__(pane)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def paintEvent(self, _event) -> None:  # noqa: ANN001, N802 (Qt override)
        painter = QPainter(self)
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 2)
        painter.setPen(pen)
        painter.drawRect(self.rect().adjusted(1, 1, -1, -1))


def _utf16_length(text: str) -> int:
    """A length in a document's positions (UTF-16 units), not Python's code points."""
    return len(text.encode("utf-16-le")) // 2


def system_reading_size() -> float:
    """The desktop's text size, enlarged a little for reading at a distance."""
    return max(QApplication.font().pointSizeF(), 10.0) * 1.3


class TranscriptView(QTextEdit):
    restyled = Signal()  # colours or the system font changed: the owner redraws (show_all)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        # Read-only, but a keyboard user can move a caret through it, select and copy.
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setAccessibleName("Transcript")
        self.setAccessibleDescription("What has been said; the newest words are at the end.")
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setAcceptRichText(False)
        self.setPlaceholderText("Press Start, and what is said will appear here.")
        # Keyboard focus shows: the style draws no focus frame around a text pane (and a
        # style sheet would stop the pane following the theme's palette).
        self.focus_ring = FocusRing(self)
        self._system_point_size = system_reading_size()
        self._points = 0  # the chosen text size; 0: the system's, enlarged a little
        QApplication.instance().fontChanged.connect(self._follow_system_font)
        self.show_timestamps = True
        self._blocks_used = 0
        self._has_partial = False
        self._partial: tuple[int, str] = (0, "")  # the live line shown: start, text
        self._following = True
        self._scrolling_to_tail = False
        self.offers_jump = True  # a live transcript offers "Jump to live"; History does not
        self.speaker_names: dict[str, str] = {}  # names given to speakers in this session
        self.translation_display = "both"  # or "only": the translation in place of the text
        self._shown: list[FinalTurn] = []  # the final turn in each block
        self._label_formats: dict[str, QTextCharFormat] = {}  # a colour per speaker
        self.speaker_colours = True  # off in the high-contrast theme
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range_changed)
        bar.valueChanged.connect(self._on_scrolled)
        self.jump_button = QToolButton(self.viewport())
        self.jump_button.setText("↓ Jump to live")
        self.jump_button.setAccessibleName("Jump to the live text")
        self.jump_button.setToolTip("Follow the newest words again")
        self.jump_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.jump_button.clicked.connect(self.follow_tail)
        self.jump_button.hide()
        self.set_text_size(0)

    def set_text_size(self, points: int) -> None:
        """0 means the system's size, enlarged a little for reading at a distance."""
        self._points = points
        font = self.font()
        font.setPointSizeF(points or self._system_point_size)
        # Shaping only for the text that needs it (`text_shaping`).
        font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
        self.setFont(font)
        self._make_formats()

    def show_all(self, turns: list[FinalTurn], partial: PartialChanged | None = None) -> None:
        """Render a whole transcript afresh (after a display setting changed, or to open one):
        as one edit, so the document is laid out once, not once per turn."""
        self.clear_transcript()
        self.show_more(turns, partial=partial)

    def show_more(self, turns: list[FinalTurn], first: int = 0,
                  partial: PartialChanged | None = None) -> None:
        """Add final turns `first`… below those shown (and then the growing turn, if any) as
        one edit."""
        whole = QTextCursor(self.document())
        whole.beginEditBlock()
        self.apply([TurnAdded(first + i, t) for i, t in enumerate(turns)])
        if partial is not None and partial.text:
            self.apply([partial])
        whole.endEditBlock()

    def _make_formats(self) -> None:
        """Quieter text (time stamps, the growing turn) is still at least 4.5:1 against the
        background, in every theme."""
        text_color = self.palette().color(QPalette.ColorRole.Text)
        base = self.palette().color(QPalette.ColorRole.Base)
        quiet = muted(text_color, base)
        placeholder = self.palette()
        placeholder.setColor(QPalette.ColorRole.PlaceholderText, quiet)
        if self.palette().color(QPalette.ColorRole.PlaceholderText) != quiet:
            self.setPalette(placeholder)  # once: setPalette itself sends a palette change
        self.final_format = QTextCharFormat()
        self.final_format.setForeground(text_color)
        stamp_font = QFont(self.font())
        stamp_font.setPointSizeF(self.font().pointSizeF() * 0.8)
        self._stamp_metrics = QFontMetricsF(stamp_font)  # the hanging indent's width
        self.time_format = QTextCharFormat()
        self.time_format.setForeground(quiet)
        self.time_format.setFontPointSize(stamp_font.pointSizeF())
        self.time_format.setFontStyleHint(QFont.StyleHint.Monospace,
                                          QFont.StyleStrategy.PreferNoShaping)
        self.speaker_format = QTextCharFormat(self.final_format)
        self.speaker_format.setFontWeight(QFont.Weight.DemiBold)
        self.translation_format = QTextCharFormat()
        link = self.palette().color(QPalette.ColorRole.Link)
        self.translation_format.setForeground(
            link if contrast(link, base) >= MIN_CONTRAST else quiet)
        self.translation_format.setFontItalic(True)
        self._turn_gap = QFontMetricsF(self.font()).lineSpacing() * 0.4
        self.partial_format = QTextCharFormat()
        self.partial_format.setForeground(quiet)
        self.partial_format.setFontItalic(True)
        self._label_formats = {}
        dark = base.lightness() < 128
        colours = [QColor(c) for c in (DARK_SPEAKERS if dark else LIGHT_SPEAKERS)]
        # A high-contrast theme keeps its one text colour; so does any colour that reads badly.
        # (A palette change can arrive while the widget is being built: the setting may not
        # be there yet.)
        self._speaker_colours = [c for c in colours if contrast(c, base) >= MIN_CONTRAST
                                 and getattr(self, "speaker_colours", True)]

    def _label_format(self, label: str) -> QTextCharFormat:
        if label not in self._label_formats:
            form = QTextCharFormat(self.speaker_format)
            if self._speaker_colours:
                form.setForeground(self._speaker_colours[
                    len(self._label_formats) % len(self._speaker_colours)])
            self._label_formats[label] = form
        return self._label_formats[label]

    @property
    def final_count(self) -> int:
        return self._blocks_used - (1 if self._has_partial else 0)

    def is_following_tail(self) -> bool:
        return self._following

    def show_turn(self, index: int) -> None:
        """Select final turn `index` and bring it into view (a search hit in History)."""
        self._set_following(False)
        block = self.document().findBlockByNumber(index)
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock,
                            QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.cursorRect(cursor).center().y()
                     - self.viewport().height() // 2)

    def follow_tail(self) -> None:
        """Follow the newest words again (the "Jump to live" button)."""
        self._set_following(True)
        self._scroll_to_tail()

    def apply(self, changes: list[Change]) -> None:
        for change in changes:
            if isinstance(change, TurnAdded):
                self._add_final(change.turn)
            elif isinstance(change, TurnReplaced):
                self._write_final(change.index, change.turn)
            elif isinstance(change, PartialChanged):
                self._set_partial(change)
        if self._following:
            self._scroll_to_tail()

    def _scroll_to_tail(self) -> None:
        bar = self.verticalScrollBar()
        self._scrolling_to_tail = True
        try:
            bar.setValue(bar.maximum())
        finally:
            self._scrolling_to_tail = False

    def _on_range_changed(self, _minimum: int, _maximum: int) -> None:
        if self._following:
            self._scroll_to_tail()

    def _on_scrolled(self, value: int) -> None:
        """The reader moved: follow again when they are back at the bottom."""
        if not self._scrolling_to_tail:
            self._set_following(value >= self.verticalScrollBar().maximum())

    def _set_following(self, following: bool) -> None:
        self._following = following
        self.jump_button.setVisible(self.offers_jump and not following and self._blocks_used > 0)
        if not following:
            self._place_jump_button()

    def _place_jump_button(self) -> None:
        self.jump_button.adjustSize()
        area = self.viewport().rect()
        size = self.jump_button.sizeHint()
        self.jump_button.move(area.right() - size.width() - 12,
                              area.bottom() - size.height() - 12)

    def changeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt override)
        """New colours (a theme chosen, or the system's changed): text written from now on
        uses them, and the owner re-renders what is shown (`show_all`)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._make_formats()
            self.restyled.emit()

    def _follow_system_font(self, _font: QFont) -> None:
        """The desktop's font changed: with the system's size chosen, follow it. (Only
        top-level windows get the event, and this view sets its own font: hence the signal.)"""
        self._system_point_size = system_reading_size()
        if self._points == 0:
            self.set_text_size(0)
            self.restyled.emit()

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 (Qt override)
        """What is copied is what was said, without the marks that order right-to-left text.

        Qt's own copy is rewritten in place: the clipboard keeps it until after Python has
        shut down, and one made in Python would be freed into a finished interpreter."""
        data = super().createMimeDataFromSelection()
        # Reading the text makes Qt fill in every format now, so none comes back later.
        text, html = data.text(), data.html() if data.hasHtml() else None
        for kind in data.formats():
            data.removeFormat(kind)
        data.setText(without_isolates(text))
        if html is not None:
            data.setHtml(without_isolates(html))
        return data

    def focusInEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt override)
        super().focusInEvent(event)
        self.focus_ring.setGeometry(self.rect())
        self.focus_ring.show()
        self.focus_ring.raise_()

    def focusOutEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt override)
        super().focusOutEvent(event)
        self.focus_ring.hide()

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt override)
        super().resizeEvent(event)
        self.focus_ring.setGeometry(self.rect())
        self._place_jump_button()
        if self._following:
            self._scroll_to_tail()

    def clear_transcript(self) -> None:
        self.clear()
        self._shown = []
        self._label_formats = {}
        self._blocks_used = 0
        self._has_partial = False
        self._partial = (0, "")
        self._set_following(True)

    def _add_final(self, turn: FinalTurn) -> None:
        """A final turn takes the live line's place, in a new block: rewritten in place, the
        block would keep the memory its layout grew to while the turn was growing (measured:
        36.7 MB against 15.7 MB for 2,000 turns grown to 50 words and settled to 12)."""
        if self._has_partial:
            self._has_partial = False
            self._partial = (0, "")
            self._remove_last_block()
        self._write_final(self._append_block(), turn)

    def _set_partial(self, change: PartialChanged) -> None:
        text = isolated(change.text)  # as shown: what a rewrite compares with
        if text and self._has_partial and self._partial == (change.start_ms, text):
            return
        if text and self._has_partial and change.start_ms == self._partial[0]:
            # The same turn changed: rewrite only where it differs from what is shown (a
            # screen reader hears the new words, not the line and its time stamp again). A
            # Universal-3 partial ends in "—", so the old text is rarely a prefix of the new.
            shown = self._partial[1]
            same = len(os.path.commonprefix([shown, text]))
            cursor = QTextCursor(self.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.setPosition(cursor.position() - _utf16_length(shown[same:]),
                               QTextCursor.MoveMode.KeepAnchor)
            self._insert(cursor, text[same:], self.partial_format)
            self._partial = (change.start_ms, text)
            return
        self._partial = (change.start_ms, text)
        if text:
            number = self._blocks_used - 1 if self._has_partial else self._append_block()
            self._has_partial = True
            cursor = self._select_block(number)
            cursor.beginEditBlock()
            self._begin_line(cursor, change.start_ms)
            self._insert(cursor, text, self.partial_format)
            cursor.endEditBlock()
        elif self._has_partial:
            self._has_partial = False
            self._remove_last_block()

    def _write_final(self, number: int, turn: FinalTurn) -> None:
        before = self._label_after(number)
        if number < len(self._shown):
            self._shown[number] = turn
        else:
            self._shown.append(turn)
        self._draw_final(number, turn)
        after = self._label_after(number)
        following = self._next_visible(number)
        if before != after and following is not None:
            # Whether the next turn names its speaker depends on this one's.
            self._draw_final(following, self._shown[following])

    def _label_before(self, number: int) -> str:
        """The speaker of the nearest shown turn above block `number` ("" for none)."""
        for n in range(min(number, len(self._shown)) - 1, -1, -1):
            if not self._shown[n].echo:  # echoes are hidden: look past them
                return turn_label(self._shown[n], self.speaker_names)
        return ""

    def _label_after(self, number: int) -> str:
        """The speaker the turn below block `number` is compared with."""
        return self._label_before(number + 1)

    def _next_visible(self, number: int) -> int | None:
        return next((n for n in range(number + 1, len(self._shown))
                     if not self._shown[n].echo), None)

    def _draw_final(self, number: int, turn: FinalTurn) -> None:
        cursor = self._select_block(number)
        if turn.echo:  # an empty, hidden block keeps its place (blocks follow turns)
            cursor.removeSelectedText()
            block = cursor.block()
            block.setVisible(False)
            self.document().markContentsDirty(block.position(), block.length())
            return
        cursor.beginEditBlock()
        self._begin_line(cursor, turn.start_ms)
        if turn.language:
            cursor.insertText(f"{turn.language} ", self.time_format)
        label = turn_label(turn, self.speaker_names)
        if label and label != self._label_before(number):
            self._insert(cursor, f"{isolated(label)}: ", self._label_format(label))
        if turn.translation and self.translation_display == "only":
            self._insert(cursor, isolated(turn.translation), self.final_format)
        else:
            self._insert(cursor, isolated(turn.text), self.final_format)
            if turn.translation:  # under the original, in the same block
                self._insert(cursor, "\u2028" + isolated(turn.translation),
                             self.translation_format)
        cursor.endEditBlock()

    @staticmethod
    def _insert(cursor: QTextCursor, text: str, form: QTextCharFormat) -> None:
        cursor.insertText(text, format_for_script(form, text))

    def _begin_line(self, cursor: QTextCursor, start_ms: int) -> None:
        """A turn's time stamp, with a hanging indent: lines that wrap start under the words,
        not under the stamp; and a little space before the next turn."""
        layout = QTextBlockFormat()
        layout.setBottomMargin(self._turn_gap)
        layout.setLayoutDirection(self.layoutDirection())  # not the first letter's: text_direction
        stamp = format_timestamp(start_ms) + "   "
        if self.show_timestamps:
            indent = self._stamp_metrics.horizontalAdvance(stamp)
            layout.setLeftMargin(indent)
            layout.setTextIndent(-indent)
        if cursor.blockFormat() != layout:
            cursor.setBlockFormat(layout)
        if self.show_timestamps:
            cursor.insertText(stamp, self.time_format)

    def _append_block(self) -> int:
        if self._blocks_used > 0:
            cursor = QTextCursor(self.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertBlock()
        self._blocks_used += 1
        return self._blocks_used - 1

    def _remove_last_block(self) -> None:
        move, keep = QTextCursor.MoveOperation, QTextCursor.MoveMode.KeepAnchor
        cursor = QTextCursor(self.document())
        cursor.movePosition(move.End)
        if self._blocks_used > 1:
            cursor.movePosition(move.StartOfBlock, keep)
            cursor.movePosition(move.PreviousCharacter, keep)
        else:
            cursor.movePosition(move.Start, keep)
        cursor.removeSelectedText()
        self._blocks_used -= 1

    def _select_block(self, number: int) -> QTextCursor:
        block = self.document().findBlockByNumber(number)
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        return cursor
