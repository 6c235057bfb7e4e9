"""README promises that had no test of their own: shortcuts, the export dialog, Markdown copy,
backoff and replay pacing, device order, messages, the key kept out of everything, logging."""

from __future__ import annotations

import logging
import random
import signal
import sqlite3

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from livescribe_gui import logging_setup, settings
from livescribe_gui.audio import devices as devices_module
from livescribe_gui.streaming.backoff import Backoff
from livescribe_gui.streaming.errors import classify
from livescribe_gui.streaming.events import FailureKind
from livescribe_gui.streaming.ledger import AudioLedger
from livescribe_gui.streaming.pacing import BURST_SECONDS, MAX_SPEED
from livescribe_gui.ui.history_window import HistoryWindow
from livescribe_gui.ui.settings_dialog import SettingsDialog
from tests.conftest import TEST_KEY
from tests.standin_server import Fault, formatted
from tests.test_app_process import launch, wait_for_log
from tests.test_live_session import start_and_wait_listening, stop_and_wait
from tests.test_transcript_model import turn


def press(qtbot, win, key, modifier=Qt.KeyboardModifier.ControlModifier) -> None:
    """A key pressed in the active window, as a person would (shortcuts need focus)."""
    if not win.isActiveWindow():
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    qtbot.keyClick(win, key, modifier)


@pytest.mark.script("shortcuts work")
def test_ctrl_return_starts_and_stops(qtbot, window, standin):
    with qtbot.waitSignal(window.controller.session_started, timeout=15000):
        press(qtbot, window, Qt.Key.Key_Return)
    assert window.start_button.text() == "Stop"
    with qtbot.waitSignal(window.controller.finished, timeout=15000):
        press(qtbot, window, Qt.Key.Key_Return)
    assert window.start_button.text() == "Start"
    assert standin.sessions[-1].terminate_received


def test_ctrl_h_opens_history_and_ctrl_comma_settings(qtbot, make_window):
    win = make_window()
    press(qtbot, win, Qt.Key.Key_H)
    history = next(w for w in QApplication.topLevelWidgets()
                   if isinstance(w, HistoryWindow) and w.isVisible())
    history.close()
    press(qtbot, win, Qt.Key.Key_Comma)
    dialog = next(d for d in win.findChildren(SettingsDialog) if d.isVisible())
    dialog.reject()


def _answer_save_dialog(directory, name_filter: str, name: str = "",  # noqa: ANN001
                        suggested: list | None = None) -> None:
    """Answers the next save dialog the way a person would: a type, a folder, a name (or the
    one suggested, noted in `suggested`), Save."""
    def answer() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, QFileDialog) and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(20, answer)
            return
        name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
        if suggested is not None:
            suggested.append(name_edit.text())
        dialog.selectNameFilter(name_filter)
        dialog.setDirectory(str(directory))
        name_edit.setText(name or name_edit.text())  # typed by a person
        dialog.accept()
    QTimer.singleShot(20, answer)


@pytest.mark.script("export me with the keyboard")
def test_ctrl_e_exports_through_the_save_dialog(qtbot, window, standin, tmp_path, gui_watch):
    start_and_wait_listening(qtbot, window)
    qtbot.waitUntil(lambda: len(window.transcript.turns) == 1
                    and window.transcript.turns[0].formatted, timeout=20000)
    stop_and_wait(qtbot, window)
    _answer_save_dialog(tmp_path, "WebVTT subtitles (*.vtt)", "keyboard.vtt")
    with qtbot.waitSignal(window.exporter.finished, timeout=15000) as done:
        press(qtbot, window, Qt.Key.Key_E)
    assert done.args[0] is True, done.args[1]
    with gui_watch() as watch, qtbot.waitSignal(window.exporter.finished, timeout=15000):
        window.export_to(tmp_path / "again.json", "json")  # written (and fsynced) elsewhere
    watch.assert_no_stall()
    assert done.args[1] == f"Exported to {tmp_path / 'keyboard.vtt'}."
    text = (tmp_path / "keyboard.vtt").read_text()
    assert text.startswith("WEBVTT") and "Export me with the keyboard." in text


@pytest.mark.script("budget review starts now")
def test_the_chosen_type_decides_the_format_and_the_name_comes_from_the_session(
        qtbot, window, standin, tmp_path):
    start_and_wait_listening(qtbot, window)
    qtbot.waitUntil(lambda: len(window.transcript.turns) == 1, timeout=20000)
    stop_and_wait(qtbot, window)
    suggested: list[str] = []
    # The old trap: the suggested .txt name kept, Markdown chosen.
    _answer_save_dialog(tmp_path, "Markdown (*.md)", suggested=suggested)
    with qtbot.waitSignal(window.exporter.finished, timeout=15000) as done:
        window.export_current()
    assert suggested[0].endswith(" Budget review starts now.txt"), "date and title"
    assert suggested[0][:4].isdigit()
    written = tmp_path / suggested[0].replace(".txt", ".md")
    assert done.args == [True, f"Exported to {written}."]
    assert written.read_text().startswith("# ")


@pytest.mark.script("first thing said", "second thing said")
def test_copy_as_markdown(qtbot, window, standin):
    start_and_wait_listening(qtbot, window)
    qtbot.waitUntil(lambda: len(window.transcript.turns) == 2
                    and window.transcript.turns[-1].formatted, timeout=20000)
    stop_and_wait(qtbot, window)
    window.copy_markdown_action.trigger()
    copied = QGuiApplication.clipboard().text()
    lines = copied.split("\n\n")
    assert [line.split("** ", 1)[1] for line in lines] == [
        formatted("first thing said"), formatted("second thing said")]
    assert all(line.startswith("**00:") for line in lines)


def test_backoff_doubles_from_half_to_one_second_up_to_thirty_with_jitter():
    backoff = Backoff(rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(8)]
    ceilings = [1, 2, 4, 8, 16, 30, 30, 30]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True)), delays
    assert len(set(delays)) == len(delays), "jittered"
    assert Backoff(rng=random.Random(7)).next_delay() == delays[0], "seeded: repeatable"
    assert backoff.next_delay(minimum=15.0) >= 15.0
    backoff.reset()
    assert backoff.next_delay() <= 1.0


def test_audio_kept_during_an_outage_is_bounded_to_120_seconds():
    ledger = AudioLedger()
    for _ in range(2500):  # 125 s of 50 ms chunks, nothing sent
        ledger.add(b"\x01\x00" * 800)
    assert ledger.dropped_ms == 5000
    assert ledger.next_pending_ms() == 5000, "the oldest audio goes first"


def test_replay_after_an_outage_is_paced_at_most_one_and_a_quarter_real_time(
        qtbot, make_window, monkeypatch):
    from tests.test_network_faults import serve

    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    # A long first outage leaves a backlog: the server is unreachable for the first attempt.
    with serve(monkeypatch, script=[], faults=[Fault("http", code=503),
                                               Fault("http", code=503)]) as server:
        win = make_window()
        with qtbot.waitSignal(win.controller.session_started, timeout=30000):
            win.start_session()
        session = server.sessions[-1]
        qtbot.waitUntil(lambda: session.audio_seconds > 5, timeout=30000)
        stop_and_wait(qtbot, win)
    arrivals, sizes = session.chunk_arrivals, session.chunk_sizes
    first = arrivals[0]
    sent = 0.0
    for at, size in zip(arrivals, sizes, strict=True):
        sent += size / 2 / 16000
        assert sent <= BURST_SECONDS + MAX_SPEED * (at - first) + 0.05, (
            f"{sent:.2f} s of audio by {at - first:.2f} s")
    assert sent > 3 * MAX_SPEED, "a backlog was there to pace"


def test_no_funds_is_a_clear_message_and_no_retry():
    class Refused(Exception):
        code = 1008

    failure = classify(Refused("Insufficient account balance"), host="h")
    assert failure.kind is FailureKind.AUTH and not failure.retry
    assert "no balance left" in failure.message and "Settings" in failure.message


@pytest.mark.script("logging out ends the session")
def test_logging_out_ends_the_session_with_terminate(qtbot, window, standin):
    start_and_wait_listening(qtbot, window)
    with qtbot.waitSignal(window.controller.finished, timeout=15000):
        window.commit_data()  # what QGuiApplication.commitDataRequest calls
    assert standin.sessions[-1].terminate_received


def test_inputs_are_listed_microphones_then_a_separator_then_monitors(qtbot, make_window,
                                                                      pulse):
    module = pulse.pactl("load-module", "module-null-source", "source_name=desk_mic").stdout
    try:
        win = make_window()
        combo = win.device_combo
        entries = [combo.itemData(i) for i in range(combo.count())]
        separator = entries.index(None)
        assert [d.source for d in entries[:separator]] == ["desk_mic"]
        assert entries[separator + 1:] and all(d.is_monitor for d in entries[separator + 1:])
        win.close()
        win.preview.wait(5)  # its device is closed before the source goes away
    finally:
        pulse.pactl("unload-module", module.strip())


def test_without_a_sound_server_the_alsa_devices_are_listed(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pactl: no sound server to ask
    found = devices_module.list_input_devices()
    assert found and all(d.host_api == "ALSA" and not d.source for d in found)


@pytest.mark.script()
def test_dropouts_are_named_in_the_status_line(qtbot, window, standin):
    start_and_wait_listening(qtbot, window)
    window.controller.overflows_changed.emit(3)
    qtbot.waitUntil(lambda: "3 audio dropouts: the computer is too busy"
                    in window.status_label.text(), timeout=5000)
    stop_and_wait(qtbot, window)


def test_dark_theme_is_dark_even_where_the_platform_ignores_it(qtbot, make_window):
    """The offscreen platform, like X11, ignores a colour-scheme request."""
    from PySide6.QtGui import QColor, QPalette

    win = make_window()
    try:
        win.view.apply(win.transcript.apply(turn(0, "readable in the dark", end=True)))
        def text_colour() -> QColor:
            block = win.view.document().firstBlock()
            return [f.format.foreground().color() for f in block.textFormats()][-1]

        win.apply_settings(win.settings.replace(theme="dark"))
        qtbot.waitUntil(lambda: win.view.palette().color(QPalette.ColorRole.Base).lightness()
                        < 60, timeout=5000)
        qtbot.waitUntil(lambda: text_colour().lightness() > 180, timeout=5000)
        win.apply_settings(win.settings.replace(theme="light"))
        qtbot.waitUntil(lambda: win.view.palette().color(QPalette.ColorRole.Base).lightness()
                        > 200, timeout=5000)
        qtbot.waitUntil(lambda: text_colour().lightness() < 60, timeout=5000)
    finally:
        win.apply_settings(win.settings.replace(theme="system"))


def test_show_and_hide_the_key(qtbot, make_window):
    win = make_window()
    dialog = win.open_settings()
    assert dialog.key_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.show_key.click()
    assert dialog.key_edit.echoMode() == QLineEdit.EchoMode.Normal
    dialog.show_key.click()
    assert dialog.key_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.reject()


def test_a_bad_settings_file_is_reported_once(isolated_dirs):
    from livescribe_gui import paths

    path = paths.settings_file()
    path.parent.mkdir(parents=True)
    path.write_text("{ not json")
    first = settings.load()
    assert "started with defaults" in first.notice
    writer = settings.SettingsWriter()
    writer.save(first.settings)
    writer.close()
    assert settings.load().notice == "", "said once, not at every start"


def test_the_key_is_in_no_title_argument_export_database_or_exception(
        qtbot, tmp_path, standin):
    proc = launch(tmp_path, standin.url, "--start", "--verbose")
    try:
        assert standin.wait_until(lambda: any(
            m.get("end_of_turn") for s in standin.sessions for m in s.sent), timeout=30)
        cmdline = open(f"/proc/{proc.pid}/cmdline", "rb").read().decode(errors="replace")
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert TEST_KEY not in cmdline
    database = tmp_path / "data" / "transcripts.sqlite3"
    raw = b"".join(p.read_bytes() for p in database.parent.glob("transcripts.sqlite3*"))
    assert TEST_KEY.encode() not in raw
    from livescribe_gui.transcript import history, store
    from livescribe_gui.transcript.export import FORMATS, export

    conn = store.connect(database)
    try:
        doc = history.load_session(conn, history.list_sessions(conn)[0].id)
    finally:
        conn.close()
    for fmt in FORMATS:
        export(doc, tmp_path / f"out.{fmt}", fmt)
        assert TEST_KEY not in (tmp_path / f"out.{fmt}").read_text()


def test_window_title_never_holds_the_key(qtbot, window):
    assert TEST_KEY not in window.windowTitle()


def test_exceptions_in_the_log_are_redacted(isolated_dirs):
    logger = logging.getLogger("livescribe_gui.test")
    root = logging.getLogger()
    before = list(root.handlers)
    logging_setup.configure(secret=lambda: TEST_KEY)
    try:
        try:
            raise RuntimeError(f"the server said: bad key {TEST_KEY}")
        except RuntimeError:
            logger.exception("something failed")
    finally:
        for handler in root.handlers[len(before):]:
            handler.close()
            root.removeHandler(handler)
    text = (isolated_dirs / "data" / "logs" / "livescribe.log").read_text()
    assert "something failed" in text and "RuntimeError" in text
    assert TEST_KEY not in text and "[redacted]" in text


def test_the_log_rotates_and_verbose_adds_details(isolated_dirs):
    root = logging.getLogger()
    before = list(root.handlers)
    logging_setup.configure(secret=lambda: "", verbose=True)
    try:
        log = logging.getLogger("livescribe_gui.test")
        log.debug("a detail only --verbose keeps")
        for i in range(2500):
            log.info("line %d %s", i, "x" * 1000)
    finally:
        for handler in root.handlers[len(before):]:
            handler.close()
            root.removeHandler(handler)
        root.setLevel(logging.WARNING)
    logs = isolated_dirs / "data" / "logs"
    assert (logs / "livescribe.log.1").exists(), "rotated at 2 MB"
    assert (logs / "livescribe.log").stat().st_size <= 2_000_000
    kept = "".join(p.read_text() for p in logs.glob("livescribe.log*"))
    assert "a detail only --verbose keeps" in kept


def test_without_verbose_no_debug_lines(tmp_path, standin):
    proc = launch(tmp_path, standin.url)
    try:
        content = wait_for_log(tmp_path, "inputs found", proc)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert " DEBUG " not in content


def test_sqlite_store_is_a_real_file_with_wal(tmp_path, qtbot, window, standin):
    start_and_wait_listening(qtbot, window)
    stop_and_wait(qtbot, window)
    conn = sqlite3.connect(tmp_path / "data" / "transcripts.sqlite3")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_copying_nothing_leaves_the_clipboard_alone_and_a_note_keeps_the_status(
        qtbot, make_window):
    win = make_window()
    QGuiApplication.clipboard().setText("keep me")
    status = win.status_label.text()
    win.copy_transcript()
    assert QGuiApplication.clipboard().text() == "keep me"
    assert win.note_label.text() == "Nothing to copy yet."
    assert win.status_label.isVisible() and win.status_label.text() == status
