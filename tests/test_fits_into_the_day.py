"""One instance that takes commands from other launches, the tray menu, starting at login,
and a live text file other programs can read while it changes."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from livescribe_gui.integration import autostart
from livescribe_gui.integration.live_file import LiveTextFile
from livescribe_gui.settings import Settings
from tests.test_app_process import app_env, launch, wait_for_log
from tests.test_live_session import start_and_wait_listening, stop_and_wait
from tests.test_transcript_model import turn


def command(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "livescribe_gui", *args], capture_output=True,
                          text=True, timeout=60, env=app_env(tmp_path, url))


def test_commands_need_a_running_instance(tmp_path, standin):
    for flag in ("--toggle", "--stop", "--show-captions", "--hide-captions", "--quit"):
        result = command(tmp_path, standin.url, flag)
        assert result.returncode == 1, flag
        assert result.stderr.startswith("livescribe-gui: no LiveScribe is running")
        assert result.stderr.count("\n") == 1


def test_a_second_launch_commands_the_first(tmp_path, standin):
    first = launch(tmp_path, standin.url)
    try:
        wait_for_log(tmp_path, "inputs found", first)
        assert command(tmp_path, standin.url, "--toggle").returncode == 0
        assert standin.wait_until(lambda: bool(standin.sessions)
                                  and standin.sessions[-1].audio_seconds > 0.5, timeout=30)
        assert command(tmp_path, standin.url, "--show-captions").returncode == 0
        wait_for_log(tmp_path, "command from another launch: show-captions", first)
        assert command(tmp_path, standin.url, "--stop").returncode == 0
        assert standin.wait_until(lambda: standin.sessions[-1].terminate_received, timeout=30)
        plain = command(tmp_path, standin.url)  # a plain second launch: the first shows itself
        assert plain.returncode == 0
        wait_for_log(tmp_path, "command from another launch: show", first)
        assert command(tmp_path, standin.url, "--quit").returncode == 0
        first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0
    assert len(standin.sessions) == 1, "the second launches opened nothing of their own"


def test_two_launches_at_once_make_one_instance(tmp_path, standin):
    both = [launch(tmp_path, standin.url) for _ in range(2)]
    try:
        while all(p.poll() is None for p in both):  # bounded by pytest-timeout
            time.sleep(0.05)
        ended = [p for p in both if p.poll() is not None]
        running = [p for p in both if p.poll() is None]
        assert len(ended) == 1 and ended[0].returncode == 0, "one handed over and left"
        assert len(running) == 1
        wait_for_log(tmp_path, "inputs found", running[0])
        assert command(tmp_path, standin.url, "--quit").returncode == 0
        running[0].communicate(timeout=60)
        assert running[0].returncode == 0
    finally:
        for p in both:
            if p.poll() is None:
                p.kill()


def test_the_tray_menu_drives_the_window(qtbot, window, standin):
    tray = window.tray
    assert tray.toggle_action.text() == "Start listening"
    with qtbot.waitSignal(window.controller.session_started, timeout=15000):
        tray.toggle_action.trigger()
    assert tray.toggle_action.text() == "Stop listening"
    assert "listening" in tray.icon.toolTip()
    tray.captions_action.trigger()
    assert window.captions is not None and window.captions.isVisible()
    with qtbot.waitSignal(window.controller.finished, timeout=15000):
        tray.toggle_action.trigger()
    assert tray.toggle_action.text() == "Start listening"
    tray.quit_action.trigger()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)


def test_start_at_login_writes_a_valid_autostart_entry(qtbot, make_window, tmp_path,
                                                       monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    win = make_window()
    win.apply_settings(win.settings.replace(start_at_login=True))
    entry = autostart.autostart_file()
    assert entry == tmp_path / "xdg" / "autostart" / "io.github.livescribe.LiveScribe.desktop"
    check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    text = entry.read_text()
    assert "Exec=" in text and "X-GNOME-Autostart-enabled=true" in text
    win.apply_settings(win.settings.replace(start_at_login=False))
    assert not entry.exists()


def test_the_live_text_file_is_always_whole_while_a_reader_polls_it(tmp_path):
    path = tmp_path / "captions.txt"
    live = LiveTextFile(path, lines=2)
    seen: set[str] = set()
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                seen.add(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                pass

    thread = threading.Thread(target=reader)
    thread.start()
    finals: list[str] = []
    try:
        for i in range(300):
            live.update(finals, f"turn {i} grows " + "word " * (i % 7))
            if i % 5 == 4:
                finals.append(f"Turn {i} is final.")
        live.update(finals, "")
    finally:
        live.close()
        stop.set()
        thread.join()
    assert path.read_text() == "Turn 294 is final.\nTurn 299 is final.\n"
    assert all(text.endswith("\n") and len(text.splitlines()) <= 2 for text in seen), (
        "a reader never sees a half-written file")
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_the_window_keeps_a_live_text_file_current(qtbot, make_window, tmp_path):
    path = tmp_path / "obs.txt"
    win = make_window(settings=Settings(live_text_file=str(path), live_text_lines=1))
    win._on_turn(turn(0, "first turn", end=True))
    win._on_turn(turn(1, "growing"))
    qtbot.waitUntil(lambda: path.exists() and path.read_text() == "growing\n", timeout=5000)
    win.apply_settings(win.settings.replace(live_text_lines=0))
    win._on_turn(turn(1, "growing more"))
    qtbot.waitUntil(lambda: path.read_text() == "first turn\ngrowing more\n", timeout=5000)


def test_listen_on_open_starts_a_session(tmp_path, standin):
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text('{"schema_version": 3, "listen_on_open": true}')
    proc = launch(tmp_path, standin.url)
    try:
        assert standin.wait_until(lambda: bool(standin.sessions), timeout=30)
        assert command(tmp_path, standin.url, "--quit").returncode == 0
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert standin.sessions[-1].terminate_received


def test_tray_state_follows_the_session(qtbot, window):
    start_and_wait_listening(qtbot, window)
    assert window.tray.state == "listening"
    stop_and_wait(qtbot, window)
    assert window.tray.state == "idle"
