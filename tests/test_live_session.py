"""End to end: the main window drives the real worker on a real QThread, capturing from a real
PulseAudio device and streaming through the real SDK to the stand-in server."""

from __future__ import annotations

import pytest

from livescribe_gui.ui.main_window import MainWindow
from tests.audio_stack import dominant_frequency, tone_segment, write_tone
from tests.conftest import TEST_KEY


def start_and_wait_listening(qtbot, win: MainWindow) -> None:
    with qtbot.waitSignal(win.controller.session_started, timeout=15000):
        win.start_session()


def stop_and_wait(qtbot, win: MainWindow) -> None:
    with qtbot.waitSignal(win.controller.finished, timeout=15000):
        win.stop_session()


def saved(win: MainWindow):  # noqa: ANN201
    """The window's session as the store has it."""
    from livescribe_gui.transcript import history, store

    conn = store.connect()
    try:
        return history.load_session(conn, win.recording_id)
    finally:
        conn.close()


def transcribe_whole_script(qtbot, win: MainWindow, turns: int) -> None:
    """Start, wait until `turns` formatted final turns are shown, stop (with Terminate)."""
    start_and_wait_listening(qtbot, win)
    shown = win.transcript.turns
    qtbot.waitUntil(lambda: len(shown) == turns and shown[-1].formatted, timeout=20000)
    stop_and_wait(qtbot, win)


@pytest.mark.script("hello world this is a test", "second turn here")
def test_words_appear_settle_and_session_ends_with_terminate(qtbot, window, standin):
    start_and_wait_listening(qtbot, window)
    assert window.status_label.text().startswith("● Listening")
    qtbot.waitUntil(lambda: window.transcript.partial_text != "", timeout=10000)
    qtbot.waitUntil(lambda: len(window.transcript.turns) == 2, timeout=20000)
    qtbot.waitUntil(lambda: all(t.formatted for t in window.transcript.turns), timeout=10000)
    stop_and_wait(qtbot, window)

    text = window.view.toPlainText()
    assert "Hello world this is a test." in text
    assert "Second turn here." in text
    assert text.count("Hello world") == 1
    session = standin.sessions[-1]
    assert session.terminate_received
    assert session.authorization == TEST_KEY
    assert session.query["sample_rate"] == "16000"
    assert session.query["encoding"] == "pcm_s16le"
    assert set(session.chunk_sizes) == {1600}, "every message is 50 ms of 16 kHz int16"
    assert window.status_label.text().startswith("Stopped.")
    assert not window.controller.running


@pytest.mark.script()
def test_tone_through_real_device_reaches_server_intact(qtbot, window, standin, pulse, tmp_path):
    start_and_wait_listening(qtbot, window)
    wav = write_tone(tmp_path / "tone.wav", freq=440.0, seconds=2.0)
    pulse.play(wav)
    session = standin.sessions[-1]
    # Wait until the tone has passed through and some silence follows it at the server.
    assert standin.wait_until(
        lambda: len(tone_segment(bytes(session.audio))) > 0
        and len(session.audio) // 2 - _tone_end(session) > 16000 * 0.25,
        timeout=20,
    )
    stop_and_wait(qtbot, window)

    segment = tone_segment(bytes(session.audio))
    frequency = dominant_frequency(segment, 16000)
    assert frequency == pytest.approx(440.0, rel=0.01)
    assert len(segment) / 16000 == pytest.approx(2.0, rel=0.02)
    assert session.terminate_received


def _tone_end(session) -> int:
    import numpy as np

    samples = np.frombuffer(bytes(session.audio), dtype=np.int16)
    loud = np.flatnonzero(np.abs(samples) > 3276)
    return int(loud[-1]) if loud.size else 0


@pytest.mark.script("copy me please")
def test_copy_transcript_puts_plain_text_on_clipboard(qtbot, window, standin):
    from PySide6.QtGui import QGuiApplication

    transcribe_whole_script(qtbot, window, turns=1)
    window.copy_action.trigger()
    assert QGuiApplication.clipboard().text() == "[00:00] Copy me please."


def test_closing_the_window_mid_session_terminates_first(qtbot, window, standin):
    start_and_wait_listening(qtbot, window)
    with qtbot.waitSignal(window.controller.finished, timeout=15000):
        window.close()
        assert window.isVisible(), "the window waits for the session to end"
        assert window.status_label.text().startswith("Stopping")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert standin.sessions[-1].terminate_received


def test_ctrl_q_mid_session_terminates_and_closes(qtbot, window, standin, gui_watch):
    from PySide6.QtCore import Qt

    with gui_watch() as watch:
        start_and_wait_listening(qtbot, window)
        with qtbot.waitSignal(window.controller.finished, timeout=15000):
            qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    watch.assert_no_stall()  # starting, quitting and the wait for Termination never froze it
    assert standin.sessions[-1].terminate_received


def test_last_words_arrive_with_termination(qtbot, window, standin):
    """Stop in the middle of a turn: the server finalises it after Terminate, and it is shown."""
    standin.script = ["one two three four five six seven eight nine ten eleven twelve"]
    start_and_wait_listening(qtbot, window)
    qtbot.waitUntil(lambda: len(window.transcript.partial_text.split()) >= 3, timeout=10000)
    stop_and_wait(qtbot, window)
    assert len(window.transcript.turns) == 1
    assert window.transcript.turns[0].text.startswith("One two three")
    assert window.transcript.partial_text == ""


def test_status_line_walks_through_every_state(qtbot, window, standin):
    seen: list[str] = []
    window.status_changed.connect(seen.append)
    start_and_wait_listening(qtbot, window)
    qtbot.waitUntil(lambda: any(s.startswith("● Listening — 00:01") for s in seen), timeout=5000)
    stop_and_wait(qtbot, window)
    states = [s.split(" ")[0] for s in seen]
    expected = ["Opening", "Connecting", "●", "Stopping…", "Stopped."]
    positions = [states.index(state) for state in expected]
    assert positions == sorted(positions), seen


def test_ctrl_c_copies_the_selection(qtbot, window, standin):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QTextCursor

    start_and_wait_listening(qtbot, window)
    qtbot.waitUntil(lambda: len(window.transcript.turns) == 1, timeout=20000)
    stop_and_wait(qtbot, window)
    cursor = window.view.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfWord, QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "00"


def test_last_used_device_is_remembered(qtbot, make_window, standin, sinks, monkeypatch):
    from livescribe_gui.audio.devices import list_input_devices

    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", standin.url)
    sinks("Desk-Speakers")
    devices = list_input_devices()
    assert devices[0].is_default, "the system default comes first and is preselected"
    other = next(d for d in devices if d.name == "Monitor of Desk-Speakers")

    first = make_window(devices=devices)
    assert first.current_device() == devices[0]
    first.select_device(other)
    with qtbot.waitSignal(first.controller.session_started, timeout=15000):
        first.start_session()
    with qtbot.waitSignal(first.controller.finished, timeout=15000):
        first.stop_session()
    first.close()
    make_window.writers[-1].close()

    second = make_window(devices=devices)
    assert second.current_device() == other


@pytest.mark.script()
def test_a_word_spoken_as_start_is_pressed_reaches_the_server_whole(
        qtbot, window, standin, pulse, tmp_path):
    """The preview's open stream is handed to the session with what it heard just before
    Start: a word that began before Start arrives whole."""
    import subprocess

    from tests.audio_stack import TEST_SINK

    wav = write_tone(tmp_path / "word.wav", freq=440.0, seconds=0.25, lead_silence=0.05)
    levels: list[float] = []
    window.preview.level_measured.connect(levels.append)
    qtbot.waitUntil(lambda: bool(levels), timeout=10000)  # the preview's stream delivers
    heard = []
    window.preview.level_measured.connect(lambda db: heard.append(db) if db > -30 else None)
    player = subprocess.Popen(["paplay", f"--device={TEST_SINK}", str(wav)])
    try:
        qtbot.waitUntil(lambda: bool(heard), timeout=10000)  # the word has begun
        with qtbot.waitSignal(window.controller.session_started, timeout=15000):
            window.start_session()
        qtbot.waitUntil(lambda: player.poll() is not None, timeout=10000)
    finally:
        player.kill()
        player.wait()
    session = standin.sessions[-1]
    assert standin.wait_until(lambda: session.audio_seconds > 1.0, timeout=20)
    stop_and_wait(qtbot, window)
    word = tone_segment(bytes(session.audio))
    assert len(word) / 16000 == pytest.approx(0.25, rel=0.05), "the whole word"
    assert dominant_frequency(word, 16000) == pytest.approx(440.0, rel=0.01)


@pytest.mark.script()
def test_the_meter_shows_every_short_sound(qtbot, window, standin, pulse, tmp_path):
    """The meter is updated ten times a second with the loudest audio since its last update:
    a 30 ms sound between two updates still shows."""
    import subprocess

    import numpy as np

    from tests.audio_stack import TEST_SINK, write_wav

    rate, sounds = 48_000, 6
    signal = np.zeros(int(rate * (0.5 + sounds * 0.6)))
    click = 0.5 * np.sin(2 * np.pi * 440 * np.arange(int(rate * 0.03)) / rate)
    for n in range(sounds):
        at = int(rate * (0.3 + n * 0.6))
        signal[at:at + click.size] = click
    wav = write_wav(tmp_path / "clicks.wav", signal)
    levels: list[float] = []

    def shown() -> int:
        loud = [db > -30 for db in levels]
        return sum(1 for before, now in zip([False, *loud], loud, strict=False)
                   if now and not before)

    start_and_wait_listening(qtbot, window)
    window.controller.level_measured.connect(lambda _source, db: levels.append(db))
    subprocess.run(["paplay", f"--device={TEST_SINK}", str(wav)], check=True, timeout=30)
    # After the last sound the meter is told once that the input is quiet again.
    qtbot.waitUntil(lambda: shown() == sounds and levels[-1] <= -60, timeout=5000)
    stop_and_wait(qtbot, window)
    assert shown() == sounds
