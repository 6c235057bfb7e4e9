"""The key in the OS credential store (or, by choice, a private file), never leaked; every
recognition option reaching the server, at once where the protocol allows."""

from __future__ import annotations

import json
import signal
import stat

import keyring
import keyring.backends.fail
import pytest
import shiboken6
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox

from livescribe_gui import credentials, paths
from livescribe_gui.credentials import ApiKeyStore
from livescribe_gui.settings import Settings
from livescribe_gui.ui import background
from tests.conftest import TEST_KEY
from tests.keyrings import SlowKeyring
from tests.test_app_process import launch
from tests.test_live_session import transcribe_whole_script


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def files_under(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def test_key_goes_to_the_keyring_and_comes_back(memory_keyring, isolated_dirs):
    assert ApiKeyStore().save(TEST_KEY) == "keyring"
    assert memory_keyring.secrets[(credentials.SERVICE, credentials.ACCOUNT)] == TEST_KEY
    again = ApiKeyStore()
    again.load()
    assert again.get() == TEST_KEY and again.where == "keyring"
    assert all(TEST_KEY not in p.read_text(errors="replace") for p in files_under(isolated_dirs))


def test_without_a_keyring_the_key_stays_in_memory_unless_asked(no_keyring, isolated_dirs):
    store = ApiKeyStore()
    assert store.save(TEST_KEY) == "memory"
    assert store.get() == TEST_KEY
    assert not credentials.key_file().exists()
    fresh = ApiKeyStore()
    fresh.load()
    assert fresh.get() == ""

    assert store.save(TEST_KEY, allow_file=True) == "file"
    mode = stat.S_IMODE(credentials.key_file().stat().st_mode)
    assert mode == 0o600, "readable only by its owner"
    fresh.load()
    assert fresh.get() == TEST_KEY and fresh.where == "file"


def test_environment_key_wins_and_the_dialog_says_so(qtbot, make_window, monkeypatch,
                                                     memory_keyring):
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    win = make_window()
    dialog = win.open_settings()
    assert not dialog.key_edit.isEnabled()
    assert "ASSEMBLYAI_API_KEY environment variable" in dialog.key_where.text()
    dialog.reject()


def test_a_key_in_the_environment_leaves_the_credential_store_alone(monkeypatch,
                                                                    memory_keyring):
    """Reading the store can mean D-Bus and an unlock prompt: pointless when the key given
    in the environment wins."""
    memory_keyring.set_password(credentials.SERVICE, credentials.ACCOUNT, "a-saved-key")
    asked = []
    read = memory_keyring.get_password
    monkeypatch.setattr(memory_keyring, "get_password",
                        lambda *where: asked.append(where) or read(*where))
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    keys = ApiKeyStore()
    keys.load()
    assert keys.get() == TEST_KEY and asked == []

    monkeypatch.delenv("ASSEMBLYAI_API_KEY")
    keys.load()
    assert keys.get() == "a-saved-key" and len(asked) == 1


def test_dialog_without_keyring_offers_a_private_file(qtbot, make_window, no_keyring):
    win = make_window()
    dialog = win.open_settings()
    assert "No credential store was found" in dialog.key_where.text()
    assert dialog.key_file_check.isVisibleTo(dialog)
    dialog.reject()


def test_entered_key_is_saved_off_the_gui_thread(qtbot, make_window, memory_keyring):
    win = make_window()
    dialog = win.open_settings()
    dialog.key_edit.setText(TEST_KEY)
    assert dialog.key_edit.echoMode() == dialog.key_edit.EchoMode.Password
    with qtbot.waitSignal(win.key_saved, timeout=5000) as saved:
        dialog.accept()
    assert saved.args == ["keyring"]
    assert memory_keyring.secrets[(credentials.SERVICE, credentials.ACCOUNT)] == TEST_KEY


def test_entered_key_works_at_once_while_the_credential_store_is_slow(
        qtbot, make_window, standin, monkeypatch):
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", standin.url)
    slow = SlowKeyring()
    keyring.set_keyring(slow)
    try:
        win = make_window()
        dialog = win.open_settings()
        dialog.key_edit.setText(TEST_KEY)
        dialog.accept()
        with qtbot.waitSignal(win.controller.session_started, timeout=15000):
            win.start_session()
        assert standin.sessions[-1].authorization == TEST_KEY
        assert not slow.secrets, "the credential store has not finished yet"
        with qtbot.waitSignal(win.key_saved, timeout=5000):
            slow.release.set()
        with qtbot.waitSignal(win.controller.finished, timeout=15000):
            win.stop_session()
    finally:
        slow.release.set()


def test_key_terms_over_the_limit_block_ok(qtbot, make_window):
    win = make_window()
    dialog = win.open_settings()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.keyterms_edit.setPlainText("\n".join(f"term {i}" for i in range(101)))
    assert not ok.isEnabled()
    assert "At most 100 key terms" in dialog.keyterms_problem.text()
    dialog.keyterms_edit.setPlainText("LiveScribe\n" + "x" * 51)
    assert not ok.isEnabled() and "at most 50 characters" in dialog.keyterms_problem.text()
    dialog.keyterms_edit.setPlainText("LiveScribe\nAssemblyAI")
    assert ok.isEnabled()
    dialog.reject()


@pytest.mark.parametrize("key,expected", [(TEST_KEY, "The key works."),
                                          ("wrong-key", "did not accept this key")])
def test_test_key_button_makes_a_real_request(qtbot, make_window, standin, monkeypatch,
                                              key, expected):
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", standin.url)
    win = make_window()
    dialog = win.open_settings()
    dialog.key_edit.setText(key)
    dialog.test_key()
    qtbot.waitUntil(lambda: dialog.test_key_button.isEnabled(), timeout=20000)
    assert expected in dialog.key_result.text()
    assert standin.sessions[-1].authorization == key
    if key == TEST_KEY:
        assert standin.wait_until(lambda: standin.sessions[-1].terminate_received, timeout=10)
    dialog.reject()


def test_options_reach_the_server_and_live_ones_change_mid_session(
    qtbot, make_window, standin, monkeypatch, gui_watch
):
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", standin.url)
    chosen = Settings(speech_model="universal-streaming-multilingual", keyterms=["LiveScribe"],
                      turn_detection="custom", end_of_turn_confidence=0.6,
                      min_turn_silence_ms=300, max_turn_silence_ms=2000,
                      speaker_labels=True, max_speakers=3)
    win = make_window(settings=chosen)
    with qtbot.waitSignal(win.controller.session_started, timeout=15000):
        win.start_session()
    query = standin.sessions[-1].query
    assert query["speech_model"] == "universal-streaming-multilingual"
    assert query["language_detection"] == "True"
    assert json.loads(query["keyterms_prompt"]) == ["LiveScribe"]
    assert query["speaker_labels"] == "True" and query["max_speakers"] == "3"
    assert query["end_of_turn_confidence_threshold"] == "0.6"
    assert (query["min_turn_silence"], query["max_turn_silence"]) == ("300", "2000")

    with gui_watch() as watch:
        win.apply_settings(chosen.replace(keyterms=["LiveScribe", "Terminate"],
                                          filter_profanity=True, turn_detection="conservative"))
        qtbot.wait(200)
    watch.assert_no_stall()  # settings saved and sent without freezing the window
    session = standin.sessions[-1]
    assert standin.wait_until(
        lambda: any(m.get("type") == "UpdateConfiguration" for m in session.messages), timeout=10)
    update = next(m for m in session.messages if m.get("type") == "UpdateConfiguration")
    assert update["keyterms_prompt"] == ["LiveScribe", "Terminate"]
    assert update["filter_profanity"] is True
    assert (update["end_of_turn_confidence_threshold"], update["max_turn_silence"]) == (0.7, 3600)
    with qtbot.waitSignal(win.controller.finished, timeout=15000):
        win.stop_session()


@pytest.mark.script("time stamps can be hidden")
def test_display_options(qtbot, window, standin):
    transcribe_whole_script(qtbot, window, turns=1)
    assert window.view.toPlainText() == "00:00   Time stamps can be hidden."
    window.apply_settings(window.settings.replace(show_timestamps=False, font_size=30))
    assert window.view.toPlainText() == "Time stamps can be hidden."
    assert window.view.font().pointSize() == 30


def test_diagnostics_leave_the_key_out(qtbot, make_window, monkeypatch):
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    logs = paths.log_dir()
    logs.mkdir(parents=True)
    (logs / "livescribe.log").write_text(f"something mentioned {TEST_KEY} once\n")
    win = make_window()
    win.diagnostics_action.trigger()
    text = QGuiApplication.clipboard().text()
    assert "LiveScribe: 0.1.0" in text and "PortAudio: PortAudio V19" in text and "Inputs:" in text
    assert TEST_KEY not in text and "[redacted]" in text


def test_app_with_a_corrupt_settings_file_starts_and_streams(tmp_path, standin):
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text('{"device_name": "trunc')
    proc = launch(tmp_path, standin.url, "--start")
    try:
        assert standin.wait_until(
            lambda: bool(standin.sessions) and standin.sessions[-1].audio_seconds > 0.5,
            timeout=30)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert (config / "settings.json.bad").read_text() == '{"device_name": "trunc'
    assert json.loads((config / "settings.json").read_text())["schema_version"] == 3


def test_closing_while_the_credential_store_is_slow_never_waits(
        qtbot, make_window, gui_watch, memory_keyring):
    """A locked credential store must not freeze the window: closing it returns at once and
    the late answer is dropped; nothing is left running once the store answers."""
    slow = SlowKeyring()
    keyring.set_keyring(slow)
    try:
        win = make_window()
        dialog = win.open_settings()
        dialog.key_edit.setText(TEST_KEY)
        with gui_watch() as watch:
            dialog.accept()
            win.close()
            qtbot.waitUntil(lambda: not win.isVisible(), timeout=2000)
        watch.assert_no_stall()
        assert not slow.secrets, "the credential store is still busy"
    finally:
        slow.release.set()
    qtbot.waitUntil(lambda: bool(slow.secrets), timeout=5000)


def test_closing_settings_while_test_key_runs_never_waits(qtbot, make_window, gui_watch,
                                                          monkeypatch):
    """"Test key" against a server that accepts the connection and never answers."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as silent:
        monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", f"ws://127.0.0.1:{silent.getsockname()[1]}")
        win = make_window()
        dialog = win.open_settings()
        dialog.key_edit.setText(TEST_KEY)
        dialog.test_key()
        assert dialog.key_result.text() == "Testing the key…"
        with gui_watch() as watch:
            dialog.reject()
            qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
        watch.assert_no_stall()
        dialog.deleteLater()
        qtbot.waitUntil(lambda: shiboken6.isValid(dialog) is False, timeout=2000)
        # The test connection ends on its own (its handshake times out); its answer is dropped.
        assert background.join_all(15) == []
