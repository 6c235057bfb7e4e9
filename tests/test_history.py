"""Transcripts survive a kill, and come back in the history window and through export."""

from __future__ import annotations

import json
import signal
import sqlite3

import pytest

from livescribe_gui.transcript import store
from livescribe_gui.ui.history_window import HistoryWindow
from tests.standin_server import formatted
from tests.test_app_process import launch, wait_for_log
from tests.test_live_session import transcribe_whole_script
from tests.test_store import final

SCRIPT = ["first we review the budget", "then the travel plans for spring",
          "and finally the captions project", "this turn is still being spoken when"]


def db_turns(path) -> list[str]:
    if not path.exists():
        return []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return [r[0] for r in conn.execute("SELECT text FROM turns ORDER BY turn_order")]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return []


def test_sigkill_right_after_a_final_turn_is_shown_keeps_it(qtbot, tmp_path, standin):
    """The real app is killed the moment it has shown a final turn; the next launch of the
    real app lists the session as interrupted, with that turn."""
    standin.script = SCRIPT
    proc = launch(tmp_path, standin.url, "--start", "--verbose")
    try:
        wait_for_log(tmp_path, "final turn 0 of segment 0 shown", proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert not standin.sessions[-1].terminate_received, "it really was cut off"

    again = launch(tmp_path, standin.url)
    try:
        wait_for_log(tmp_path, "inputs found", again, count=2)
        again.send_signal(signal.SIGTERM)
        again.communicate(timeout=60)
    finally:
        if again.poll() is None:
            again.kill()
    assert again.returncode == 0

    writer = store.StoreWriter(tmp_path / "data" / "transcripts.sqlite3")
    win = HistoryWindow(store=writer)
    qtbot.addWidget(win)
    try:
        with qtbot.waitSignal(win.rows_shown, timeout=10000):
            win.reload()
        [row] = win.row_texts()
        assert "interrupted" in row and "First we review the budget" in row
        with qtbot.waitSignal(win.session_shown, timeout=10000):
            win.select_row(0)
        assert formatted(SCRIPT[0]) in win.view.toPlainText()
    finally:
        win.close()
        writer.close()


def searching(qtbot, query: str, writer: store.StoreWriter | None = None) -> HistoryWindow:
    """A History window on screen, its search for `query` answered."""
    win = HistoryWindow(store=writer)
    qtbot.addWidget(win)
    win.resize(800, 400)
    win.show()
    with qtbot.waitSignal(win.rows_shown, timeout=10000):
        win.search_edit.setText(query)
    return win


@pytest.fixture
def filled_store():
    writer = store.StoreWriter()
    old = writer.begin_session(device="Desk Mic", speech_model="m").result(5)
    writer.save_final(old, final(0, "We agreed on the quarterly budget."))
    writer.save_final(old, final(1, "Travel is frozen until March."))
    writer.end_session(old, duration_ms=9000).result(5)
    new = writer.begin_session(device="Monitor of Speakers", speech_model="m").result(5)
    writer.save_final(new, final(0, "Welcome to the lecture on enzymes."))
    writer.end_session(new, duration_ms=3000).result(5)
    yield writer, old, new
    writer.close()


def test_history_lists_searches_opens_renames_deletes(qtbot, filled_store):
    writer, old, new = filled_store
    win = HistoryWindow(store=writer)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.rows_shown, timeout=10000):
        win.reload()
    win.show()
    rows = win.row_texts()
    assert len(rows) == 2
    assert "Welcome to the lecture" in rows[0] and "We agreed on the quarterly" in rows[1], (
        "newest first, each with its first words")
    assert "Desk Mic" not in rows[1], "the device stays in the header, not the list"

    with qtbot.waitSignal(win.rows_shown, timeout=10000):
        win.search_edit.setText("budget")
    [hit] = win.row_texts()
    assert "<b style='background:#fde68a; color:#000000'>budget</b>" in hit

    with qtbot.waitSignal(win.session_shown, timeout=10000):
        win.select_row(0)
    assert win.current_id == old
    assert win.view.toPlainText() == (
        "00:00   We agreed on the quarterly budget.\n00:02   Travel is frozen until March."
    )
    assert win.view.isReadOnly()

    with qtbot.waitSignals([win.rows_shown, win.session_shown], timeout=10000):
        win.rename(old, "Budget meeting")
    assert "Budget meeting" in win.header.text()

    with qtbot.waitSignals([win.rows_shown, win.session_shown], timeout=10000):
        win.search_edit.clear()
    with qtbot.waitSignals([win.rows_shown, win.session_shown], timeout=10000):
        win.delete(old)
    assert len(win.row_texts()) == 1
    assert win.current_id is None
    win.close()


def test_history_export(qtbot, filled_store, tmp_path):
    writer, old, _ = filled_store
    win = HistoryWindow(store=writer)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.exporter.finished, timeout=10000) as done:
        win.exporter.export_session(old, tmp_path / "meeting.json", "json")
    assert done.args[0] is True
    data = json.loads((tmp_path / "meeting.json").read_text())
    assert [t["text"] for t in data["turns"]] == [
        "We agreed on the quarterly budget.", "Travel is frozen until March."]
    win.close()


@pytest.mark.script("export me after the session", "and this as well")
def test_main_window_exports_the_session_it_showed(qtbot, window, standin, tmp_path):
    transcribe_whole_script(qtbot, window, turns=2)
    with qtbot.waitSignal(window.exporter.finished, timeout=10000):
        window.export_to(tmp_path / "out.srt", "srt")
    assert window.status_label.text() == f"Exported to {tmp_path / 'out.srt'}."
    text = (tmp_path / "out.srt").read_text()
    assert "Export me after the session." in text and "And this as well." in text

    with qtbot.waitSignal(window.exporter.finished, timeout=10000):
        window.export_to(tmp_path / "no-such-dir" / "out.txt", "txt")
    assert window.status_label.text().startswith("Could not write")


def test_a_search_hit_says_where_it_is_and_opens_at_the_hit(qtbot):
    writer = store.StoreWriter()
    try:
        sid = writer.begin_session(device="Mic", speech_model="m").result(5)
        for i in range(200):
            text = "the zebrafish arrived" if i == 150 else f"ordinary turn number {i}"
            writer.save_final(sid, final(i, text))
        writer.end_session(sid, duration_ms=400_000).result(5)
        writer.rename(sid, "Aquarium meeting").result(5)
        win = searching(qtbot, "zebrafish", writer)
        [row] = win.row_texts()
        assert "Aquarium meeting" in row and "zebrafish" in row, "which session, and the words"
        with qtbot.waitSignal(win.session_shown, timeout=10000):
            win.select_row(0)
        cursor = win.view.textCursor()
        assert cursor.blockNumber() == 150 and "zebrafish" in cursor.selectedText()
        assert win.view.viewport().rect().contains(win.view.cursorRect(cursor).center())
        with qtbot.waitSignal(win.rows_shown, timeout=10000):
            win.search_edit.setText("unicorn")
        assert win.row_texts() == [] and "Nothing matches “unicorn”" in win.header.text()
        win.close()
    finally:
        writer.close()


def test_an_empty_history_says_how_to_fill_it(qtbot):
    writer = store.StoreWriter()
    try:
        win = HistoryWindow(store=writer)
        qtbot.addWidget(win)
        with qtbot.waitSignal(win.rows_shown, timeout=10000):
            win.reload()
        assert "No transcripts yet" in win.header.text()
        win.close()
    finally:
        writer.close()


def test_rename_in_place_starts_from_the_real_title(qtbot, filled_store):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit

    writer, old, new = filled_store
    win = HistoryWindow(store=writer)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.rows_shown, timeout=10000):
        win.reload(at_once=True)
    win.select_row(1)
    win.rename_current()
    editor = win.results.findChild(QLineEdit)
    assert editor is not None and editor.text() == "We agreed on the quarterly budget."
    editor.setText("Budget meeting")
    with qtbot.waitSignal(win.rows_shown, timeout=10000):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert "Budget meeting" in win.row_texts()[1]
    win.close()


def test_several_sessions_export_one_file_each(qtbot, filled_store, tmp_path, monkeypatch):
    from livescribe_gui.ui import history_window

    writer, old, new = filled_store
    win = HistoryWindow(store=writer)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.rows_shown, timeout=10000):
        win.reload(at_once=True)
    win.results.selectAll()
    monkeypatch.setattr(history_window, "ask_export_path",
                        lambda _parent, name: (tmp_path / f"{name}.md", "md"))
    done = []
    win.exporter.finished.connect(lambda ok, message: done.append(ok))
    win.export_current()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=10000)
    written = sorted(p.read_text() for p in tmp_path.glob("*.md"))
    assert len(written) == 2 and all(text.startswith("# ") for text in written)
    assert any("Welcome to the lecture" in text for text in written)
    win.close()


@pytest.mark.script("first turn here", "second turn here", "third turn here")
def test_the_live_view_exports_just_the_selection(qtbot, window, standin, tmp_path):
    from PySide6.QtGui import QTextCursor

    transcribe_whole_script(qtbot, window, turns=3)
    cursor = QTextCursor(window.view.document().findBlockByNumber(1))
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)
    with qtbot.waitSignal(window.exporter.finished, timeout=10000) as done:
        window.export_selection(tmp_path / "part.txt", "txt")
    assert done.args[0] is True
    text = (tmp_path / "part.txt").read_text()
    assert "Second turn here." in text and "Third turn here." in text
    assert "First turn here." not in text
    # The window left the word timings to the store; the selection's subtitles read them back.
    assert [t.words for t in window.transcript.turns] == [(), (), ()]
    with qtbot.waitSignal(window.exporter.finished, timeout=10000) as done:
        window.export_selection(tmp_path / "part.json", "json")
    assert done.args[0] is True
    turns = json.loads((tmp_path / "part.json").read_text())["turns"]
    assert [[w["text"] for w in t["words"]] for t in turns] == [["second", "turn", "here"],
                                                               ["third", "turn", "here"]]
    starts = [w["start_ms"] for t in turns for w in t["words"]]
    assert starts == sorted(starts) and starts[0] >= window.transcript.turns[1].start_ms


def test_f3_goes_to_the_next_hit_in_the_same_session(qtbot):
    writer = store.StoreWriter()
    try:
        sid = writer.begin_session(device="Mic", speech_model="m").result(5)
        for i in range(60):
            writer.save_final(sid, final(i, "the zebrafish again" if i in (10, 40) else
                                         f"plain turn {i}"))
        writer.end_session(sid, duration_ms=120_000).result(5)
        win = HistoryWindow(store=writer)
        qtbot.addWidget(win)
        win.show()
        with qtbot.waitSignal(win.rows_shown, timeout=10000):
            win.search_edit.setText("zebrafish")
        with qtbot.waitSignal(win.session_shown, timeout=10000):
            win.select_row(0)
        assert win.view.textCursor().blockNumber() == 10
        drawn = win.view.document().revision()
        win.next_hit(+1)
        assert win.view.textCursor().blockNumber() == 40
        assert win.view.document().revision() == drawn, "the session is not drawn again"
        win.next_hit(+1)
        assert win.view.textCursor().blockNumber() == 10, "round again"
        win.close()
    finally:
        writer.close()


def test_a_session_being_recorded_is_marked_and_kept_current(qtbot):
    writer = store.StoreWriter()
    try:
        sid = writer.begin_session(device="Mic", speech_model="m").result(5)
        writer.save_final(sid, final(0, "still going"))
        win = HistoryWindow(store=writer)
        qtbot.addWidget(win)
        win.show()
        with qtbot.waitSignal(win.rows_shown, timeout=10000):
            win.reload(at_once=True)
        assert "● recording" in win.row_texts()[0] and win._live.isActive()
        writer.end_session(sid, duration_ms=5000).result(5)
        qtbot.waitUntil(lambda: "● recording" not in win.row_texts()[0], timeout=10000)
        assert not win._live.isActive()
        win.close()
    finally:
        writer.close()


def test_a_long_history_shows_its_newest_page_first_then_the_rest_below_it(qtbot):
    """With more sessions than a screen shows, the newest page arrives first; the rest is
    added below it without moving the selection; a fresh look swaps the list whole."""
    from livescribe_gui.ui.history_window import FIRST_PAGE

    writer = store.StoreWriter()
    count = FIRST_PAGE + 30
    for number in range(count):
        sid = writer.begin_session(device="Mic", speech_model="m").result(5)
        writer.save_final(sid, final(0, f"Session number {number} begins."))
        writer.end_session(sid, duration_ms=1000).result(5)
    win = HistoryWindow(store=writer)
    qtbot.addWidget(win)
    try:
        pages: list[int] = []
        win.rows_shown.connect(lambda: pages.append(win.model.rowCount()))
        win.show()
        win.reload(at_once=True)
        qtbot.waitUntil(lambda: len(pages) >= 1, timeout=10000)
        with qtbot.waitSignal(win.session_shown, timeout=10000):
            win.select_row(0)
        assert f"Session number {count - 1} begins" in win.row_texts()[0], "newest first"
        qtbot.waitUntil(lambda: len(pages) >= 2, timeout=10000)
        assert pages[:2] == [FIRST_PAGE, count]
        assert "Session number 0 begins" in win.row_texts()[-1]
        assert win.results.currentIndex().row() == 0, "the selection stayed where it was"
        with qtbot.waitSignal(win.rows_shown, timeout=10000):
            win.reload(at_once=True)
        assert pages[2:] == [count], "the same list looked at again comes whole"
    finally:
        win.close()
        writer.close()


def test_a_long_session_opens_at_its_hit_without_freezing_the_window(qtbot, gui_watch):
    """Ten thousand turns (a whole day) are read off the GUI thread and drawn a part at a
    time: the window keeps answering, and the hit is shown as soon as it is drawn."""
    conn = store.connect(store.database_path())
    with conn:
        sid = conn.execute(
            "INSERT INTO sessions (started_at, device, speech_model, status, duration_ms) "
            "VALUES ('2026-03-02T09:00:00+00:00', 'Mic', 'u3-rt-pro', 'complete', ?)",
            (10_000 * 4000,)).lastrowid
        conn.executemany(
            "INSERT INTO turns (session_id, segment, turn_order, start_ms, end_ms, text, "
            "formatted, words) VALUES (?, 0, ?, ?, ?, ?, 1, ?)",
            [(sid, i, i * 4000, i * 4000 + 3000,
              "The zebrafish arrived." if i == 9_000 else f"Ordinary turn number {i}.",
              json.dumps([{"text": w, "start": i * 4000, "end": i * 4000 + 300,
                           "confidence": 0.9} for w in ("Ordinary", "turn")]))
             for i in range(10_000)])
    conn.close()
    win = searching(qtbot, "zebrafish")
    with gui_watch() as watch, qtbot.waitSignal(win.session_shown, timeout=30000):
        win.select_row(0)
    cursor = win.view.textCursor()
    assert cursor.blockNumber() == 9_000 and "zebrafish" in cursor.selectedText()
    assert win.view.viewport().rect().contains(win.view.cursorRect(cursor).center())
    assert win.view.document().blockCount() == 10_000
    watch.assert_no_stall()
    win.close()
