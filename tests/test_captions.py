"""The captions window: large live text on top of everything, lines that never jump, styles
and place remembered, click-through with a way back, fading, and following a live session."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QGuiApplication

from livescribe_gui.transcript.model import Transcript
from livescribe_gui.ui.caption_lines import CaptionLines, wrap
from livescribe_gui.ui.captions_window import (
    PRESETS,
    CaptionStyle,
    CaptionsWindow,
    caption_font,
    caption_style,
)
from tests.standin_server import Fault, StandInServer, formatted
from tests.test_live_session import start_and_wait_listening, stop_and_wait
from tests.test_transcript_model import turn


def fits(width: int):
    return lambda text: len(text) <= width


def test_lines_wrap_at_word_boundaries_and_only_the_last_n_show():
    assert wrap("the quick brown fox jumps over the lazy dog", fits(15)) == [
        "the quick brown", "fox jumps over", "the lazy dog"]
    assert wrap("a supercalifragilistic word", fits(10)) == ["a", "supercalif", "ragilistic",
                                                           "word"]
    lines, t = CaptionLines(fits(15)), Transcript()
    lines.apply(t.apply(turn(0, "the quick brown fox jumps over the lazy dog", end=True)))
    assert [line.text for line in lines.visible(2)] == ["fox jumps over", "the lazy dog"]
    lines.apply(t.apply(turn(1, "and then")))
    shown = lines.visible(2)
    assert [line.text for line in shown] == ["the lazy dog", "and then"] and shown[-1].live


def test_a_turn_that_settles_does_not_move_the_lines_above_it():
    lines, t = CaptionLines(fits(20)), Transcript()
    lines.apply(t.apply(turn(0, "first turn that is long enough to wrap twice", end=True)))
    above = [line.text for line in lines.visible(10)]
    for words in ("second", "second turn grows", "second turn grows and grows"):
        lines.apply(t.apply(turn(1, words)))
        assert [line.text for line in lines.visible(10)][:len(above)] == above
    lines.apply(t.apply(turn(1, "second turn grows and grows", end=True)))
    settled = [line.text for line in lines.visible(10)]
    assert settled[:len(above)] == above and not any(line.live for line in lines.visible(10))
    lines.apply(t.apply(turn(1, "second turn grows and grows", end=True, formatted=True)))
    assert [line.text for line in lines.visible(10)][:len(above)] == above


@pytest.fixture
def captions(qtbot):
    win = CaptionsWindow(CaptionStyle(font_size=20, lines=2, fade_seconds=0))
    qtbot.addWidget(win)
    win.resize(600, 120)
    win.show()
    return win


def test_the_window_floats_frameless_on_top_and_is_named(captions):
    flags = captions.windowFlags()
    assert flags & Qt.WindowType.WindowStaysOnTopHint and flags & Qt.WindowType.FramelessWindowHint
    assert captions.testAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
    assert captions.windowTitle() == "LiveScribe Captions"


def test_click_through_turns_on_and_off(captions):
    captions.set_click_through(True)
    assert captions.windowFlags() & Qt.WindowType.WindowTransparentForInput
    assert captions.isVisible(), "still shown"
    captions.set_click_through(False)
    assert not captions.windowFlags() & Qt.WindowType.WindowTransparentForInput


def test_text_fades_after_a_quiet_spell_and_returns_with_the_next_word(qtbot, captions):
    captions.apply_style(CaptionStyle(font_size=20, fade_seconds=1))
    t = Transcript()
    captions.apply(t.apply(turn(0, "hello there", end=True)))
    assert captions.shown_lines() == ["hello there"]
    qtbot.waitUntil(lambda: captions.faded, timeout=3000)
    assert captions.shown_lines() == []
    captions.apply(t.apply(turn(1, "again")))
    assert captions.shown_lines() == ["hello there", "again"]


def test_scrolling_back_keeps_the_live_line(qtbot, captions):
    t = Transcript()
    for i in range(6):
        captions.apply(t.apply(turn(i, f"turn {i}", end=True, start=i * 1000)))
    captions.apply(t.apply(turn(6, "live words")))
    captions.back = 3
    assert captions.shown_lines() == ["turn 2", "live words"]
    captions.back = 0
    assert captions.shown_lines() == ["turn 5", "live words"]


def test_a_place_on_a_missing_monitor_comes_back_on_screen(captions):
    area = QGuiApplication.primaryScreen().availableGeometry()
    captions.setGeometry(QRect(area.right() + 5000, area.bottom() + 5000, 500, 100))
    captions.restore(captions.saved_geometry())
    assert area.intersects(captions.geometry())
    assert captions.geometry().width() == 500


def test_saved_styles_are_checked():
    assert caption_style({"lines": 40, "font_size": "big", "opacity": 3.0,
                          "text_color": "#ffd700", "nonsense": 1}) == CaptionStyle(
        lines=10, opacity=1.0, text_color="#ffd700")


def test_style_and_place_are_remembered_by_the_main_window(qtbot, make_window):
    win = make_window()
    win.show_captions(True)
    assert win.captions is not None and win.captions.isVisible()
    [yellow] = [a for a in win.captions.menu().actions() if a.text() == "Yellow on black"]
    yellow.trigger()
    assert win.captions.style_.text_color == PRESETS["Yellow on black"].text_color
    win.captions.setGeometry(123, 45, 500, 120)
    win.close()
    make_window.writers[-1].close()
    from livescribe_gui import settings as settings_module

    saved = settings_module.load().settings
    assert saved.captions_open and saved.captions_style["text_color"] == "#ffd700"
    again = make_window(settings=saved)
    again.show_captions(True)
    assert again.captions.style_.text_color == "#ffd700"
    assert again.captions.pos().x() == 123


def test_the_view_menu_brings_captions_back_from_click_through(qtbot, make_window):
    win = make_window()
    win.click_through_action.trigger()
    assert win.captions is not None and win.captions.click_through
    win.click_through_action.trigger()
    assert not win.captions.click_through
    win.captions_action.trigger()
    assert not win.captions.isVisible() and not win.captions_action.isChecked()


def test_captions_follow_a_session_across_a_reconnect(qtbot, make_window, monkeypatch):
    from livescribe_gui.ui.main_window import MainWindow
    from tests.conftest import TEST_KEY

    script = ["first words here", "second words here", "third words here"]
    monkeypatch.setattr(MainWindow, "stall_seconds", 2.0)
    with StandInServer(api_key=TEST_KEY, script=script,
                       faults=[Fault("drop", after_ms=1200)]) as server:
        monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
        monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", server.url)
        win = make_window()
        win.show_captions(True)
        win.captions.apply_style(CaptionStyle(font_size=14, lines=5, fade_seconds=0))
        start_and_wait_listening(qtbot, win)
        qtbot.waitUntil(lambda: len(win.transcript.turns) == 3, timeout=30000)
        stop_and_wait(qtbot, win)
        assert len([s for s in server.sessions if s.began_at]) == 2
    assert win.captions.shown_lines() == [formatted(u) for u in script]


def test_the_captions_style_in_settings_reaches_the_window_and_is_kept(qtbot, make_window):
    win = make_window()
    win.show_captions(True)
    dialog = win.open_settings()
    dialog.caption_size.setValue(40)
    dialog.caption_lines.setValue(3)
    dialog.caption_text_color.set_color("#00ff00")
    dialog.caption_background.set_color("#202020")
    dialog.caption_opacity.setValue(50)
    dialog.caption_outline.setChecked(True)
    dialog.caption_upper.setChecked(True)
    dialog.caption_fade.setValue(0)
    dialog.accept()
    style = win.captions.style_
    assert (style.font_size, style.lines, style.text_color, style.background) == (
        40, 3, "#00ff00", "#202020")
    assert style.opacity == 0.5 and style.outline and style.uppercase and style.fade_seconds == 0
    win._on_turn(turn(0, "loud and clear", end=True))
    assert win.captions.shown_lines() == ["LOUD AND CLEAR"]
    assert caption_style(win.settings.captions_style) == style, "remembered"


def test_in_a_call_each_line_says_whose_side_and_an_echo_never_shows():
    from tests.test_transcript_model import said

    lines, t = CaptionLines(fits(40)), Transcript()
    t.mic_source = "You"
    lines.show_speakers = False  # a call's sides are named anyway
    lines.apply(t.apply(said("Them", 1_000_000, "We ship on Monday.", 1000)))
    lines.apply(t.apply(said("You", 0, "we ship on monday", 1100)))  # the speakers, heard again
    lines.apply(t.apply(said("You", 1, "Sounds good.", 4000)))
    assert [line.text for line in lines.visible(5)] == [
        "Them: We ship on Monday.", "You: Sounds good."]


def test_the_live_line_is_in_italics_unless_its_script_never_is():
    """Arabic is not written in italics, and a common desktop font's italic face has none
    (empty boxes were drawn): a live line in Arabic is upright."""
    base = QFont()
    assert caption_font(base, "and then we will", live=True).italic()
    assert not caption_font(base, "and then we will", live=False).italic()
    assert not caption_font(base, "ثم سننظر في", live=True).italic()


def _ink_extent(window: CaptionsWindow) -> tuple[int, int]:
    """Left and right edge of the text drawn."""
    image = window.grab().toImage()
    ink = [x for y in range(image.height()) for x in range(image.width())
           if image.pixelColor(x, y).lightness() > 160]
    return min(ink), max(ink)


def test_a_line_in_arabic_or_hebrew_is_set_from_the_right(captions):
    t = Transcript()
    captions.apply(t.apply(turn(0, "We start at ten.", end=True)))
    left, right = _ink_extent(captions)
    assert left < 30 and right < captions.width() / 2, "English from the left"
    captions.clear()
    captions.apply(t.apply(turn(1, "نبدأ الساعة 10.", end=True)))
    left, right = _ink_extent(captions)
    assert left > captions.width() / 2 and right > captions.width() - 30, "Arabic from the right"
