"""Both sides of a call: two PulseAudio null sinks carry different speech, each side is
transcribed by its own stand-in session through the real SDK, and the turns come out merged
in time order, labelled "You" and "Them", in the view, the store and the exports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from livescribe_gui.audio.devices import find_device, list_input_devices
from livescribe_gui.transcript import history, store
from livescribe_gui.transcript.export import export
from tests.audio_stack import tone_turns_at, write_wav
from tests.standin_server import Fault, formatted
from tests.test_network_faults import fast_recovery, serve  # noqa: F401 (fixture)

VOCABULARY = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
              "india", "juliett", "kilo", "lima"]
YOU = [(0.5, [0, 1, 2]), (5.0, [6, 7])]
THEM = [(2.5, [3, 4, 5]), (7.0, [8, 9, 10, 11])]
EXPECTED = [("You", "Alpha bravo charlie."), ("Them", "Delta echo foxtrot."),
            ("You", "Golf hotel."), ("Them", "India juliett kilo lima.")]


def words(turns: list[tuple[float, list[int]]]) -> list[str]:
    return [formatted(" ".join(VOCABULARY[i] for i in w)) for _, w in turns]


@pytest.fixture
def call_window(make_window, sinks, monkeypatch):
    """A window in call mode: "You" hears one null sink, "Them" another."""
    sinks("ls_you", rate=48_000)
    them_module = sinks("ls_them", rate=48_000)
    devices = list_input_devices()

    def make():
        win = make_window(devices=devices)
        win.select_device(find_device(devices, name="Monitor of ls_you", substring=True))
        win.select_call(find_device(devices, name="Monitor of ls_them", substring=True))
        return win
    make.them_module = them_module
    return make


def play_both(tmp_path) -> tuple[subprocess.Popen, subprocess.Popen]:  # noqa: ANN001
    you = write_wav(tmp_path / "you.wav", tone_turns_at(YOU, seconds=10))
    them = write_wav(tmp_path / "them.wav", tone_turns_at(THEM, seconds=10))
    return (subprocess.Popen(["paplay", "--device=ls_you", str(you)]),
            subprocess.Popen(["paplay", "--device=ls_them", str(them)]))


def run_call(qtbot, win, server, tmp_path, shot: str = "") -> None:  # noqa: ANN001
    with qtbot.waitSignal(win.controller.session_started, timeout=15000):
        win.start_session()
    assert server.wait_until(lambda: sum(s.began_at is not None for s in server.sessions) >= 2,
                             timeout=20)
    players = play_both(tmp_path)
    try:
        qtbot.waitUntil(lambda: all(p.poll() is not None for p in players), timeout=30000)
        qtbot.waitUntil(lambda: len(win.transcript.turns) >= len(EXPECTED)
                        and all(t.formatted for t in win.transcript.turns), timeout=30000)
    finally:
        for player in players:
            player.kill()
            player.wait()
    if shot:
        win.grab().save(str(tmp_path / shot))
    with qtbot.waitSignal(win.controller.finished, timeout=20000):
        win.stop_session()


def saved_turns(win) -> list:  # noqa: ANN001
    conn = store.connect()
    try:
        return history.load_session(conn, win.recording_id)
    finally:
        conn.close()


def test_both_sides_are_transcribed_merged_in_time_order_and_labelled(
        qtbot, call_window, monkeypatch, fast_recovery, tmp_path):  # noqa: F811
    with serve(monkeypatch, tones=VOCABULARY) as server:
        win = call_window()
        assert win.input_label.text() == "&You:" and win.call_bar.them_combo.isVisible()
        win.show_captions(True)  # the captions window follows both sides too
        win.grab().save(str(tmp_path / "call-mode.png"))
        run_call(qtbot, win, server, tmp_path, shot="call-transcribed.png")
        began = [s for s in server.sessions if s.began_at is not None]
        assert len(began) == 2 and all(s.terminate_received for s in began)

    shown = [(t.source, t.text) for t in win.transcript.turns]
    assert shown == EXPECTED, "on screen"
    assert " ".join(win.captions.shown_lines()).endswith("Them: India juliett kilo lima."), \
        "in the captions window"
    assert "You: Alpha bravo charlie." in win.view.toPlainText()
    assert "Them: Delta echo foxtrot." in win.view.toPlainText()
    doc = saved_turns(win)
    assert [(t.source, t.text) for t in doc.turns] == EXPECTED, "in the store, in time order"
    for fmt in ("txt", "vtt", "json", "md"):
        export(doc, tmp_path / f"call.{fmt}", fmt)
    text = (tmp_path / "call.txt").read_text()
    positions = [text.find(f"{who}: {said}") for who, said in EXPECTED]
    assert -1 not in positions and positions == sorted(positions)
    assert "<v Them>Delta echo foxtrot." in (tmp_path / "call.vtt").read_text()
    assert "**You:** Golf hotel." in (tmp_path / "call.md").read_text()
    exported = json.loads((tmp_path / "call.json").read_text())["turns"]
    assert [(t["source"], t["text"]) for t in exported] == EXPECTED
    from livescribe_gui.ui.history_window import list_rows

    found = list_rows("delta")  # History search says whose side it was, too
    assert len(found) == 1 and "· Them" in found[0].plain_text


def test_one_side_dropped_mid_speech_loses_no_words_and_the_other_goes_on(
        qtbot, call_window, monkeypatch, fast_recovery, tmp_path):  # noqa: F811
    # The second connection is "Them" (it starts once "You" has begun): cut it mid-turn.
    with serve(monkeypatch, tones=VOCABULARY, faults=[None, Fault("drop", after_words=2)]) \
            as server:
        win = call_window()
        run_call(qtbot, win, server, tmp_path)
        assert server.sessions[1].fault_at is not None
        began = [s for s in server.sessions if s.began_at is not None]
        assert len(began) == 3, "Them reconnected once; You never had to"
    assert [(t.source, t.text) for t in win.transcript.turns] == EXPECTED
    assert [(t.source, t.text) for t in saved_turns(win).turns] == EXPECTED


def test_more_than_two_devices_is_refused_in_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "livescribe_gui", "--device", "a", "--device", "b", "--device", "c"],
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("livescribe-gui: --device can be given at most twice")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("gain_db", [-20, -6])
def test_the_other_side_heard_by_the_microphone_is_folded_away(
        qtbot, call_window, monkeypatch, fast_recovery, tmp_path, gain_db):  # noqa: F811
    """No headphones: the computer's sound reaches the microphone, mixed in at `gain_db`."""
    them = tone_turns_at(THEM, seconds=10)
    you = tone_turns_at(YOU, seconds=10) + 10 ** (gain_db / 20) * them
    write_wav(tmp_path / "you.wav", you)
    write_wav(tmp_path / "them.wav", them)
    monkeypatch.setattr("tests.test_call_mode.play_both", lambda path: (
        subprocess.Popen(["paplay", "--device=ls_you", str(path / "you.wav")]),
        subprocess.Popen(["paplay", "--device=ls_them", str(path / "them.wav")])))
    with serve(monkeypatch, tones=VOCABULARY) as server:
        win = call_window()
        notes: list[str] = []
        win.note_shown.connect(notes.append)
        with qtbot.waitSignal(win.controller.session_started, timeout=15000):
            win.start_session()
        assert server.wait_until(lambda: sum(s.began_at is not None for s in server.sessions)
                                 >= 2, timeout=20)
        heard_by_you = [s for s in server.sessions if s.began_at is not None][0]
        players = play_both(tmp_path)
        try:
            qtbot.waitUntil(lambda: all(p.poll() is not None for p in players), timeout=30000)
            qtbot.waitUntil(lambda: [(t.source, t.text) for t in win.transcript.turns
                                     if not t.echo] == EXPECTED, timeout=30000)
        finally:
            for player in players:
                player.kill()
                player.wait()
        with qtbot.waitSignal(win.controller.finished, timeout=20000):
            win.stop_session()
        echoed = [m["transcript"] for m in heard_by_you.sent
                  if m.get("type") == "Turn" and m["end_of_turn"]
                  and m["transcript"].lower().startswith(("delta", "india"))]

    win.grab().save(str(tmp_path / f"echo{gain_db}.png"))
    echoes = [(t.source, t.text) for t in win.transcript.turns if t.echo]
    if gain_db == -6:
        assert echoed, "the microphone's session did hear the other side"
        assert echoes == [("You", "Delta echo foxtrot."), ("You", "India juliett kilo lima.")]
        assert [n for n in notes if "headphones" in n] == [
            "“Them” echoed into your microphone and was hidden: headphones avoid this."]
    else:
        assert not echoed and not echoes, "too quiet for the recogniser: nothing to fold"
    assert not [n for n in notes if "stopped" in n], "Stop ends both sides without alarm"
    view = win.view.toPlainText()
    assert view.count("Delta echo foxtrot.") == 1 and view.count("India juliett") == 1
    doc = saved_turns(win)
    assert [(t.source, t.text) for t in doc.turns if t.echo] == echoes, "kept, marked"
    export(doc, tmp_path / "call.txt", "txt")
    exported = (tmp_path / "call.txt").read_text()
    assert exported.count("Delta echo foxtrot.") == 1
    assert "Them: Delta echo foxtrot." in exported


def test_a_lost_side_is_offered_back_when_its_input_returns(
        qtbot, call_window, sinks, pulse, monkeypatch, fast_recovery, tmp_path):  # noqa: F811
    with serve(monkeypatch, tones=VOCABULARY) as server:
        win = call_window()
        notes: list[str] = []
        win.note_shown.connect(notes.append)
        them_module = call_window.them_module
        with qtbot.waitSignal(win.controller.session_started, timeout=15000):
            win.start_session()
        assert server.wait_until(lambda: sum(s.began_at is not None for s in server.sessions)
                                 >= 2, timeout=20)
        with qtbot.waitSignal(win.controller.source_finished, timeout=20000) as lost:
            pulse.pactl("unload-module", str(them_module))
        assert lost.args == [1] and win.controller.running
        assert server.sessions[1].terminate_received, "the lost side's session was ended"
        assert "“Them” stopped; the other side is still being transcribed." in notes
        sinks("ls_them", rate=48_000)  # plugged in again
        qtbot.waitUntil(win.reattach_button.isVisible, timeout=15000)
        assert win.reattach_button.text() == "Reattach “Monitor of ls_them”"
        began = sum(s.began_at is not None for s in server.sessions)
        win.reattach_button.click()
        assert server.wait_until(lambda: sum(s.began_at is not None for s in server.sessions)
                                 > began, timeout=20)
        qtbot.waitUntil(lambda: win.controller.is_running(1), timeout=5000)
        assert not win.reattach_button.isVisible()
        them = write_wav(tmp_path / "them.wav", tone_turns_at(THEM[:1], seconds=5))
        player = subprocess.Popen(["paplay", "--device=ls_them", str(them)])
        try:
            qtbot.waitUntil(lambda: ("Them", "Delta echo foxtrot.") in
                            [(t.source, t.text) for t in win.transcript.turns], timeout=30000)
        finally:
            player.kill()
            player.wait()
        with qtbot.waitSignal(win.controller.finished, timeout=20000):
            win.stop_session()
    assert ("Them", "Delta echo foxtrot.") in [(t.source, t.text) for t in saved_turns(win).turns]
