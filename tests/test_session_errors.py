"""What a person sees when something is wrong: plain words, no traceback, nothing lost."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QDialog

from livescribe_gui.audio.devices import InputDevice
from livescribe_gui.ui.main_window import MainWindow
from tests.conftest import TEST_KEY


def run_to_failure(qtbot, win: MainWindow, *, within_ms: int = 20000):
    with qtbot.waitSignal(win.controller.failed, timeout=within_ms) as failure:
        win.start_session()
    qtbot.waitUntil(lambda: not win.controller.running, timeout=20000)
    return failure.args[0]


def test_without_a_key_start_explains_and_offers_settings(qtbot, make_window):
    win = make_window()
    win.start_session()
    assert not win.controller.running
    assert "No API key yet" in win.status_label.text()
    assert "ASSEMBLYAI_API_KEY" in win.status_label.text()
    dialogs = [d for d in win.findChildren(QDialog) if d.isVisible()]
    assert len(dialogs) == 1, "the settings dialog is offered"
    dialogs[0].reject()


def test_key_entered_in_settings_is_used_and_not_saved(qtbot, make_window, standin, monkeypatch,
                                                       isolated_dirs):
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", standin.url)
    win = make_window()
    win.open_settings()
    dialog = next(d for d in win.findChildren(QDialog) if d.isVisible())
    dialog.key_edit.setText(TEST_KEY)
    dialog.accept()
    with qtbot.waitSignal(win.controller.session_started, timeout=15000):
        win.start_session()
    with qtbot.waitSignal(win.controller.finished, timeout=15000):
        win.stop_session()
    assert standin.sessions[-1].authorization == TEST_KEY
    win.close()
    make_window.writers[-1].close()
    settings_text = (isolated_dirs / "config" / "settings.json").read_text()
    assert TEST_KEY not in settings_text
    assert json.loads(settings_text)["device_name"] == win.current_device().name != ""


def test_wrong_key_says_so_and_does_not_retry(qtbot, make_window, standin, monkeypatch):
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", "wrong-key")
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", standin.url)
    win = make_window()
    failure = run_to_failure(qtbot, win, within_ms=3000)  # a refused key is told at once
    assert failure.code == 1008
    assert "did not accept the API key" in win.status_label.text()
    assert "Settings" in win.status_label.text()
    assert len(standin.sessions) == 1
    refusal = {"type": "Error", "error_code": 1008, "error": "Unauthorized"}
    assert standin.sessions[0].sent[-1] == refusal
    assert win.start_button.text() == "Start" and win.start_button.isEnabled()
    assert win.settings_button.isVisible(), "Open Settings, right there"
    win.settings_button.click()
    dialog = next(d for d in win.findChildren(QDialog) if d.isVisible())
    dialog.reject()


def test_unreachable_server_is_explained_and_retried(qtbot, make_window, monkeypatch):
    import socket

    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        port = closed_port.getsockname()[1]
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", f"ws://127.0.0.1:{port}")
    win = make_window()
    with qtbot.waitSignal(win.controller.reconnecting, timeout=20000) as first:
        win.start_session()
    assert first.args[0].attempt == 1
    status = win.status_label.text()
    assert "Cannot reach the transcription service" in status
    assert "Reconnecting" in status and "audio is being kept" in status
    assert TEST_KEY not in status
    with qtbot.waitSignal(win.controller.reconnecting, timeout=20000) as second:
        pass
    assert second.args[0].attempt == 2
    with qtbot.waitSignal(win.controller.finished, timeout=15000):
        win.stop_session()
    assert win.start_button.text() == "Start"


def test_device_that_cannot_open_is_named(qtbot, make_window, standin, monkeypatch):
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", standin.url)
    ghost = InputDevice(index=4242, name="Ghost Mic", host_api="ALSA", max_channels=1,
                        default_rate=48000.0, is_default=False)
    win = make_window(devices=[ghost])
    run_to_failure(qtbot, win)
    assert "“Ghost Mic”" in win.status_label.text()
    assert standin.sessions == [], "no session is opened (and billed) for a dead device"
