"""The network and the server misbehave; the transcript carries on, nothing is lost, every
session that can still hear it gets Terminate, and nothing is left running."""

from __future__ import annotations

import json
import os
import socket
import threading

import pytest

from livescribe_gui.settings import Settings
from livescribe_gui.streaming import errors
from livescribe_gui.ui.main_window import MainWindow
from tests.audio_stack import tone_segment, write_tone
from tests.conftest import TEST_KEY
from tests.standin_server import Fault, StandInServer, formatted

SCRIPT = ["good morning and welcome everyone", "the first topic is the network",
          "then we talk about the budget", "and we finish with questions"]


@pytest.fixture
def fast_recovery(monkeypatch):
    monkeypatch.setattr(MainWindow, "stall_seconds", 2.0)
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)


def serve(monkeypatch, **kwargs) -> StandInServer:
    server = StandInServer(api_key=TEST_KEY, **kwargs)
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", server.url)
    return server


def final_texts(win: MainWindow) -> list[str]:
    return [t.text for t in win.transcript.turns]


def sdk_threads() -> list[str]:
    return [t.name for t in threading.enumerate()
            if "_read_message" in t.name or "_write_message" in t.name]


def report(fault: str, server: StandInServer, win_turns: int) -> None:
    """Adds a row to the recovery table when LIVESCRIBE_FAULT_REPORT names a file."""
    path = os.environ.get("LIVESCRIBE_FAULT_REPORT")
    if not path:
        return
    faulty = next(s for s in server.sessions if s.fault is not None)
    recovered = next((s for s in server.sessions[server.sessions.index(faulty) + 1:]
                      if s.began_at is not None), None)
    row = {
        "fault": fault,
        "recovery_s": round(recovered.began_at - faulty.fault_at, 2)
        if recovered and faulty.fault_at else None,
        "sessions": len(server.sessions),
        "terminates": sum(s.terminate_received for s in server.sessions),
        "final_turns": win_turns,
    }
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")


RECOVERABLE = {
    "tcp-drop": Fault("drop", after_ms=1400),
    "close-1011": Fault("close", after_ms=1400, code=1011),
    "close-3005": Fault("close", after_ms=1400, code=3005),
    "error-3005": Fault("error", after_ms=1400, code=3005),
    "close-1000-no-termination": Fault("close", after_ms=1400, code=1000),
    "stall": Fault("stall", after_ms=1400),
    "garbage-frames": Fault("garbage", after_ms=1400),
}


@pytest.mark.parametrize("name", list(RECOVERABLE))
# The SDK's read thread dies on the schema-breaking frame (that is the fault being tested).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_recovers_and_loses_no_final_turn(qtbot, make_window, fast_recovery, monkeypatch, name):
    with serve(monkeypatch, script=SCRIPT, faults=[RECOVERABLE[name]]) as server:
        win = make_window()
        reconnects = []
        win.controller.reconnecting.connect(reconnects.append)
        with qtbot.waitSignal(win.controller.session_started, timeout=15000):
            win.start_session()
        qtbot.waitUntil(lambda: len(reconnects) >= 1, timeout=20000)
        assert "Reconnecting" in win.status_label.text()
        assert "audio is being kept" in win.status_label.text()
        qtbot.waitUntil(lambda: len(win.transcript.turns) == len(SCRIPT)
                        and win.transcript.turns[-1].formatted, timeout=30000)
        assert win.status_label.text().startswith("● Listening")
        with qtbot.waitSignal(win.controller.finished, timeout=20000):
            win.stop_session()

        assert final_texts(win) == [formatted(u) for u in SCRIPT], "each turn, once, in order"
        starts = [t.start_ms for t in win.transcript.turns]
        assert starts == sorted(starts), "times continue across server sessions"
        assert len(reconnects) == 1 and reconnects[0].attempt == 1
        opened = [s for s in server.sessions if s.began_at is not None]
        assert len(opened) == 2
        assert server.wait_until(lambda: opened[-1].terminate_received, timeout=10), (
            "the session in use at Stop got Terminate")
        if name == "garbage-frames":
            assert server.wait_until(lambda: opened[0].terminate_received, timeout=10), (
                "a live but confused session gets Terminate")
        qtbot.waitUntil(lambda: sdk_threads() == [], timeout=20000)
        report(name, server, len(win.transcript.turns))


def test_audio_captured_during_the_outage_reaches_the_new_session(
    qtbot, make_window, fast_recovery, monkeypatch, pulse, tmp_path
):
    wav = write_tone(tmp_path / "tone.wav", freq=440.0, seconds=1.0, lead_silence=0.1)
    with serve(monkeypatch, script=[], faults=[Fault("drop", after_ms=1000)]) as server:
        win = make_window()
        with qtbot.waitSignal(win.controller.session_started, timeout=15000):
            win.start_session()
        with qtbot.waitSignal(win.controller.reconnecting, timeout=20000):
            pass
        pulse.play(wav)  # plays while no server session is open
        second = server.sessions
        assert server.wait_until(lambda: len(second) == 2 and second[1].audio_seconds > 4,
                                 timeout=30)
        with qtbot.waitSignal(win.controller.finished, timeout=20000):
            win.stop_session()
    tone = tone_segment(bytes(server.sessions[1].audio))
    assert len(tone) / 16000 == pytest.approx(1.0, rel=0.02), "the whole tone, sent late"
    assert tone_segment(bytes(server.sessions[0].audio)).size == 0


def test_unreachable_at_start_then_the_service_appears(qtbot, make_window, fast_recovery,
                                                       monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", f"ws://127.0.0.1:{port}")
    win = make_window()
    with qtbot.waitSignal(win.controller.reconnecting, timeout=20000):
        win.start_session()
    assert "Cannot reach the transcription service" in win.status_label.text()
    with StandInServer(api_key=TEST_KEY, script=SCRIPT[:1], port=port) as server:
        with qtbot.waitSignal(win.controller.session_started, timeout=60000):
            pass
        qtbot.waitUntil(lambda: len(win.transcript.turns) == 1, timeout=20000)
        with qtbot.waitSignal(win.controller.finished, timeout=20000):
            win.stop_session()
        assert server.sessions[-1].terminate_received


@pytest.mark.parametrize("fault", [Fault("error", code=3009), Fault("http", code=429)])
def test_too_many_sessions_backs_off_with_a_countdown(qtbot, make_window, fast_recovery,
                                                      monkeypatch, fault):
    monkeypatch.setattr(errors, "TOO_MANY_MIN_DELAY", 3.0)
    with serve(monkeypatch, script=SCRIPT[:1], faults=[fault]) as server:
        win = make_window()
        with qtbot.waitSignal(win.controller.reconnecting, timeout=20000) as waiting:
            win.start_session()
        assert waiting.args[0].delay_seconds >= 3.0
        status = win.status_label.text()
        assert status.startswith("Too many sessions are open")
        assert "Reconnecting in 3 s" in status
        qtbot.waitUntil(lambda: "Reconnecting in 2 s" in win.status_label.text(), timeout=3000)
        with qtbot.waitSignal(win.controller.session_started, timeout=20000):
            pass
        qtbot.waitUntil(lambda: len(win.transcript.turns) == 1, timeout=20000)
        with qtbot.waitSignal(win.controller.finished, timeout=20000):
            win.stop_session()
        assert server.sessions[-1].terminate_received


@pytest.mark.parametrize("fault", [Fault("error", code=1008), Fault("http", code=401),
                                   Fault("error", code=3006)])
def test_errors_retrying_cannot_fix_stop_at_once(qtbot, make_window, fast_recovery,
                                                 monkeypatch, fault):
    with serve(monkeypatch, script=SCRIPT, faults=[fault, fault, fault]) as server:
        win = make_window()
        reconnects = []
        win.controller.reconnecting.connect(reconnects.append)
        with qtbot.waitSignal(win.controller.finished, timeout=20000):
            win.start_session()
    assert reconnects == []
    assert len(server.sessions) == 1
    status = win.status_label.text()
    expected = "Check the speech model" if fault.code == 3006 else "Open Settings"
    assert expected in status


def test_slow_termination_is_waited_for(qtbot, make_window, fast_recovery, monkeypatch):
    with serve(monkeypatch, script=["one two three four five six seven eight nine ten"],
               faults=[Fault("slow_termination", delay=2.0)]):
        win = make_window()
        with qtbot.waitSignal(win.controller.session_started, timeout=15000):
            win.start_session()
        qtbot.waitUntil(lambda: len(win.transcript.partial_text.split()) >= 2, timeout=10000)
        with qtbot.waitSignal(win.controller.session_ended, timeout=20000) as ended:
            win.stop_session()
    assert ended.args[0].terminated
    assert win.transcript.turns[0].text.startswith("One two"), "the last words arrived"


def test_missing_termination_does_not_hang(qtbot, make_window, fast_recovery, monkeypatch):
    with serve(monkeypatch, script=SCRIPT, faults=[Fault("no_termination")]) as server:
        win = make_window()
        with qtbot.waitSignal(win.controller.session_started, timeout=15000):
            win.start_session()
        with qtbot.waitSignal(win.controller.session_ended, timeout=30000) as ended:
            win.stop_session()
    assert server.sessions[0].terminate_received
    assert not ended.args[0].terminated, "the wait for Termination was given up"
    assert win.status_label.text().startswith("Stopped")
    qtbot.waitUntil(lambda: sdk_threads() == [], timeout=20000)


def test_session_rolls_over_before_it_expires(qtbot, make_window, fast_recovery, monkeypatch):
    monkeypatch.setattr(MainWindow, "rollover_margin_seconds", 2.0)
    with serve(monkeypatch, script=SCRIPT, expires_in=4) as server:
        win = make_window()
        with qtbot.waitSignal(win.controller.session_started, timeout=15000):
            win.start_session()
        with qtbot.waitSignal(win.controller.session_started, timeout=15000) as second:
            pass
        assert second.args[0].segment == 1
        assert server.wait_until(lambda: server.sessions[0].terminate_received, timeout=15)
        qtbot.waitUntil(lambda: len(win.transcript.turns) == len(SCRIPT), timeout=30000)
        with qtbot.waitSignal(win.controller.finished, timeout=20000):
            win.stop_session()
    assert final_texts(win)[-1] == formatted(SCRIPT[-1])
    assert all(s.terminate_received for s in server.sessions)
    sent = sum(s.audio_seconds for s in server.sessions)
    offset = second.args[0].offset_ms / 1000
    assert server.sessions[0].audio_seconds == pytest.approx(offset, abs=0.06), "no overlap"
    assert sent > offset


def test_stops_after_minutes_without_speech_with_a_warning_first(qtbot, make_window,
                                                                 fast_recovery, monkeypatch):
    with serve(monkeypatch, script=[]) as server:
        win = make_window(settings=Settings(stop_after_silence_minutes=0.05))
        statuses: list[str] = []
        win.status_changed.connect(statuses.append)
        with qtbot.waitSignal(win.controller.finished, timeout=20000):
            win.start_session()
    assert any("no speech for a while: stopping in" in s for s in statuses), "warned first"
    assert win.status_label.text().startswith("Stopped after a long time without speech")
    assert server.sessions[0].terminate_received
