"""Readable and operable by everyone: every control named for screen readers, final turns
announced, keyboard paths, text that passes contrast in every theme, a toolbar that fits."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from livescribe_gui.ui.about_dialog import AboutDialog
from livescribe_gui.ui.accessibility import contrast
from livescribe_gui.ui.captions_window import CaptionsWindow
from tests.test_transcript_model import turn

INTERACTIVE = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QPlainTextEdit, QTextEdit,
               QListWidget, QTabWidget)


def unnamed(top: QWidget) -> list[str]:
    missing = []
    for widget in [top, *top.findChildren(QWidget)]:
        if not isinstance(widget, INTERACTIVE) or widget.objectName().startswith("qt_"):
            continue
        if isinstance(widget.parent(), (QComboBox, QAbstractSpinBox, QTabWidget)):
            continue  # a part of a named control
        interface = QAccessible.queryAccessibleInterface(widget)
        name = interface.text(QAccessible.Text.Name) if interface else ""
        if not name.strip() or name.strip() in ("↻", "…"):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} "
                           f"(text {getattr(widget, 'text', lambda: '')()!r})")
    return missing


def test_every_control_of_every_window_has_a_name(qtbot, make_window):
    win = make_window()
    assert unnamed(win) == []
    dialog = win.open_settings()
    assert unnamed(dialog) == []
    dialog.reject()
    win.open_history()
    assert unnamed(win._history_window) == []
    win._history_window.close()
    about = AboutDialog(win)
    assert unnamed(about) == []
    captions = CaptionsWindow()
    qtbot.addWidget(captions)
    assert QAccessible.queryAccessibleInterface(captions).text(QAccessible.Text.Name)


def test_a_final_turn_is_announced_once_and_a_partial_never(qtbot, make_window):
    from livescribe_gui.settings import Settings

    win = make_window(settings=Settings(speaker_labels=True))
    heard = []
    win.announcer.announced.connect(heard.append)
    win._on_turn(turn(0, "still talking"))
    win._on_turn(turn(0, "still talking here", end=True))
    assert heard == ["still talking here"]
    win.apply_settings(win.settings.replace(announce_turns=False))
    win._on_turn(turn(1, "not announced", end=True))
    assert heard == ["still talking here"]


def test_the_keyboard_reaches_everything(qtbot, make_window):
    win = make_window()
    win.view.setFocus()
    flags = win.view.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard, "caret reading"
    dialog = win.open_settings()
    assert dialog.keyterms_edit.tabChangesFocus() and dialog.prompt_edit.tabChangesFocus()
    assert all(label.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByKeyboard
               for label in dialog.link_labels())
    dialog.reject()
    missing_key = win.open_settings(focus_key=True)
    qtbot.waitUntil(lambda: missing_key.key_edit.hasFocus() or
                    missing_key.focusWidget() is missing_key.key_edit, timeout=2000)
    missing_key.reject()
    win.open_history()
    history = win._history_window
    qtbot.waitUntil(lambda: history.search_edit.hasFocus() or
                    history.focusWidget() is history.search_edit, timeout=2000)
    shortcuts = {s.toString() for a in history.actions() for s in a.shortcuts()}
    assert {"Esc", "Ctrl+W", "Ctrl+F", "Del", "F2"} <= shortcuts
    history.close()


def ink_contrast(view, base: QColor) -> float:  # noqa: ANN001
    """The strongest contrast any rendered pixel of `view` has against its background: the
    core of the glyphs, whatever antialiasing does at their edges."""
    image = view.viewport().grab().toImage()
    return max(contrast(image.pixelColor(x, y), base)
               for x in range(0, image.width(), 1) for y in range(0, min(image.height(), 80)))


@pytest.mark.parametrize("theme", ["light", "dark", "high-contrast"])
def test_all_text_passes_contrast_in_every_theme(qtbot, make_window, theme):
    """Measured on rendered pixels: each kind of text alone in the pane."""
    from livescribe_gui.transcript.model import FinalTurn, PartialChanged, TurnAdded

    win = make_window()
    try:
        win.apply_settings(win.settings.replace(theme=theme, font_size=24))
        qtbot.waitUntil(lambda: (win.view.palette().color(QPalette.ColorRole.Base).lightness()
                                 < 60) == (theme != "light"), timeout=5000)
        view, base = win.view, win.view.palette().color(QPalette.ColorRole.Base)
        samples = {
            "placeholder": [],
            "final text": [TurnAdded(0, FinalTurn(0, 0, "Settled words", 0, 900, True))],
            "growing turn": [PartialChanged("growing words", 0)],
        }
        for kind, changes in samples.items():
            view.show_timestamps = False
            view.clear_transcript()
            view.apply(changes)
            qtbot.wait(10)
            assert ink_contrast(view, base) >= 4.5, f"{kind} in {theme}"
        view.show_timestamps = True
        view.clear_transcript()
        view.apply([TurnAdded(0, FinalTurn(0, 0, "", 0, 900, True))])  # a time stamp alone
        qtbot.wait(10)
        assert ink_contrast(view, base) >= 4.5, f"time stamp in {theme}"
        for fmt in (view.time_format, view.partial_format, view.translation_format):
            assert contrast(fmt.foreground().color(), base) >= 4.5, theme
        speakers = [view._label_format(f"Speaker {who}") for who in "ABCDEFG"]
        for fmt in speakers:  # every speaker's own colour
            assert contrast(fmt.foreground().color(), base) >= 4.5, theme
        distinct = {fmt.foreground().color().name() for fmt in speakers}
        assert len(distinct) == (1 if theme == "high-contrast" else 6), theme
    finally:
        win.apply_settings(win.settings.replace(theme="system", font_size=0))


def test_the_toolbar_fits_at_400_pixels(qtbot, make_window):
    win = make_window()
    win.resize(400, 400)
    qtbot.wait(20)
    controls = [win.device_combo, win.refresh_button, win.level_meter, win.start_button,
                win.copy_button]
    for i, a in enumerate(controls):
        assert a.width() > 0 and a.isVisible()
        for b in controls[i + 1:]:
            assert not a.geometry().intersects(b.geometry()), (a, b)


def test_text_size_ranges_and_zooms(qtbot, make_window):
    win = make_window()
    dialog = win.open_settings()
    spin = dialog.font_spin
    assert spin.maximum() == 72 and spin.specialValueText() == "System size"
    spin.setValue(spin.minimum() + 1)
    assert dialog.result_settings().font_size == 8, "the smallest real size"
    spin.setValue(spin.minimum())
    assert dialog.result_settings().font_size == 0
    dialog.reject()
    before = win.view.font().pointSizeF()
    win.zoom_in_action.trigger()
    assert win.view.font().pointSizeF() > before
    win.zoom_reset_action.trigger()
    assert win.view.font().pointSizeF() == pytest.approx(before)
    win.open_history()
    assert win._history_window.view.font().pointSizeF() == pytest.approx(before)
    win._history_window.close()


def test_a_speaker_is_named_where_the_speaker_changes_in_a_colour_of_its_own(qtbot):
    from livescribe_gui.transcript.model import FinalTurn, TurnAdded, TurnReplaced
    from livescribe_gui.ui.transcript_view import TranscriptView

    view = TranscriptView()
    qtbot.addWidget(view)
    view.show_timestamps = False

    def said(n: int, speaker: str) -> FinalTurn:
        return FinalTurn(0, n, f"turn {n}.", n * 1000, n * 1000 + 900, True, speaker=speaker)

    view.apply([TurnAdded(i, said(i, who)) for i, who in enumerate("AABA")])
    assert view.toPlainText().splitlines() == [
        "Speaker A: turn 0.", "turn 1.", "Speaker B: turn 2.", "Speaker A: turn 3."]
    view.apply([TurnReplaced(1, said(1, "B"))])  # the service revised turn 1's speaker
    assert view.toPlainText().splitlines() == [
        "Speaker A: turn 0.", "Speaker B: turn 1.", "turn 2.", "Speaker A: turn 3."]
    colour = {who: view._label_format(who).foreground().color().name()
              for who in ("Speaker A", "Speaker B")}
    assert colour["Speaker A"] != colour["Speaker B"]


def test_the_system_size_follows_a_change_of_the_desktop_font(qtbot, make_window):
    from PySide6.QtWidgets import QApplication

    win = make_window()
    redrawn = []
    win.view.restyled.connect(lambda: redrawn.append(True))
    before = win.view.font().pointSizeF()
    original = QApplication.font()
    bigger = QApplication.font()
    bigger.setPointSizeF(original.pointSizeF() * 2)
    try:
        QApplication.setFont(bigger)
        qtbot.waitUntil(lambda: win.view.font().pointSizeF() > before * 1.3, timeout=3000)
        assert redrawn, "the transcript is drawn again in the new size"
        win.zoom(+2)  # a chosen size is kept whatever the desktop does
        chosen = win.view.font().pointSizeF()
        QApplication.setFont(original)
        qtbot.wait(50)
        assert win.view.font().pointSizeF() == chosen
    finally:
        QApplication.setFont(original)
        win.zoom(0)


def tab_chain(top: QWidget) -> list[QWidget]:
    """The widgets Tab visits, in order, from the first one after `top`."""
    chain, widget = [], top
    for _ in range(500):
        widget = widget.nextInFocusChain()
        if widget is top:
            break
        if (widget.isVisible() and widget.isEnabled() and widget.window() is top
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            chain.append(widget)
    return chain


def test_tab_moves_in_reading_order(qtbot, make_window):
    """Top to bottom, and left to right along a row: in the main window (call mode on), in
    each Settings tab, and in History (search, list, transcript, then its buttons)."""
    from PySide6.QtCore import QPoint

    from livescribe_gui.settings import Settings

    def in_reading_order(widgets: list[QWidget], top: QWidget) -> bool:
        """Each next widget is further along the same row (centres within 12 px), or on a
        lower row."""
        centres = [w.mapTo(top, QPoint(w.width() // 2, w.height() // 2)) for w in widgets]
        return all(b.x() > a.x() if abs(b.y() - a.y()) <= 12 else b.y() > a.y()
                   for a, b in zip(centres, centres[1:], strict=False))

    win = make_window(settings=Settings(call_mode=True))
    chain = tab_chain(win)
    assert in_reading_order(chain, win), [w.accessibleName() for w in chain]
    assert win.view in chain and win.start_button in chain
    dialog = win.open_settings()
    for number in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(number)
        page = dialog.tabs.currentWidget().widget()
        fields = [w for w in tab_chain(dialog) if page.isAncestorOf(w)]
        rows = [w.mapTo(page, QPoint(0, 0)).y() for w in fields]
        assert rows == sorted(rows), dialog.tabs.tabText(number)
    dialog.reject()
    win.open_history()
    history = win._history_window
    chain = tab_chain(history)
    order = [history.search_edit, history.results, history.view]
    assert [w for w in chain if w in order] == order
    assert chain.index(history.view) < chain.index(history.delete_all_button)


@pytest.mark.parametrize("theme", ["light", "dark", "high-contrast"])
def test_keyboard_focus_shows_on_start_and_the_transcript(qtbot, make_window, theme):
    """What changes on screen when Tab reaches Start or the transcript reads at 3:1 or more
    against the window (WCAG's contrast for a focus indicator)."""
    from PySide6.QtTest import QTest

    win = make_window()
    try:
        win.apply_settings(win.settings.replace(theme=theme))
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow)
        for widget in (win.start_button, win.view):
            win.device_combo.setFocus()
            plain = widget.grab().toImage()
            for _ in range(20):  # Tab, as a keyboard user gets there
                if widget.hasFocus():
                    break
                QTest.keyClick(win.focusWidget(), Qt.Key.Key_Tab)
            assert widget.hasFocus()
            focused = widget.grab().toImage()
            window_colour = win.palette().color(QPalette.ColorRole.Window)  # the theme's, now
            width, height = focused.width(), focused.height()
            edge = [(x, y) for x in range(width) for y in range(height)  # not the caret
                    if min(x, y, width - 1 - x, height - 1 - y) < 4]
            changed = [focused.pixelColor(x, y) for x, y in edge
                       if focused.pixelColor(x, y) != plain.pixelColor(x, y)]
            assert changed, f"{type(widget).__name__}: focus changes nothing in {theme}"
            best = max(contrast(c, window_colour) for c in changed)
            assert best >= 3, f"{type(widget).__name__} in {theme}: {best:.2f}:1"
    finally:
        win.apply_settings(win.settings.replace(theme="system"))


def test_the_level_meter_tells_a_listener_only_when_sound_starts_or_stops(qtbot):
    from livescribe_gui.ui.level_meter import LevelMeter

    meter = LevelMeter()
    qtbot.addWidget(meter)
    interface = QAccessible.queryAccessibleInterface(meter)
    assert interface.valueInterface() is None, "no value to read out twelve times a second"
    heard = []
    for level in [-60, -58] * 5 + [-20, -30, -25, -48, -22] * 10 + [-55, -60]:
        meter.set_level(level)
        heard.append(meter.accessibleDescription())
    changes = [b for a, b in zip(heard, heard[1:], strict=False) if a != b]
    assert changes == ["hearing sound", "quiet"]
    assert meter.value() == -60


def test_every_settings_field_has_an_alt_letter_of_its_own(qtbot, make_window):
    from livescribe_gui.ui.mnemonics import labelled, marked_letter

    win = make_window()
    dialog = win.open_settings()
    tabs = dialog.tabs
    for number in range(tabs.count()):
        marked = labelled(tabs.widget(number))
        letters = [marked_letter(w.text()) for w in marked]
        assert len(marked) >= 3 and all(letters), [w.text() for w in marked]
        assert len(set(letters)) == len(letters), (tabs.tabText(number), letters)
    tabs.setCurrentIndex(0)
    qtbot.keyClick(tabs, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentIndex() == 1, "Ctrl+Tab moves to the next tab"
    check = dialog.profanity_check
    before = check.isChecked()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    qtbot.keyClick(dialog.focusWidget() or dialog, marked_letter(check.text()),
                   Qt.KeyboardModifier.AltModifier)
    # Alt+its letter ticks the box (as a click: pressed for a moment first).
    qtbot.waitUntil(lambda: check.isChecked() != before, timeout=2000)
    dialog.reject()
