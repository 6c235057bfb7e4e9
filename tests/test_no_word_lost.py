"""Speech during an outage is transcribed exactly once, in order, in the view, the store and
an export. The stand-in's tone recogniser transcribes only the audio it really receives, so a
word that was never replayed is missing and a word replayed twice appears twice."""

from __future__ import annotations

import subprocess

import pytest

from livescribe_gui.transcript import history, store
from livescribe_gui.transcript.export import export
from tests.audio_stack import TEST_SINK, write_tone_words
from tests.standin_server import Fault, formatted
from tests.test_network_faults import fast_recovery, final_texts, serve  # noqa: F401 (fixture)

VOCABULARY = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
              "india", "juliett", "kilo", "lima"]
TURNS = [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9, 10, 11]]
EXPECTED = [formatted(" ".join(VOCABULARY[i] for i in turn)) for turn in TURNS]

OUTAGES = {
    # The link goes silent before anyone speaks; the speech happens during the stall.
    "stall-before-speech": Fault("stall", after_ms=300),
    "stall-mid-turn": Fault("stall", after_words=2),
    # Every byte is accepted and nothing ever comes back.
    "black-hole": Fault("blackhole", after_ms=300),
    "drop-right-after-a-final-turn": Fault("drop", after_finals=1),
}


@pytest.mark.parametrize("name", list(OUTAGES))
def test_speech_during_an_outage_is_transcribed_once_in_order(
        qtbot, make_window, fast_recovery, monkeypatch, tmp_path, gui_watch, name):  # noqa: F811
    speech = write_tone_words(tmp_path / "speech.wav", TURNS)
    fault = OUTAGES[name]
    with serve(monkeypatch, tones=VOCABULARY, faults=[fault]) as server:
        win = make_window()
        with gui_watch() as watch:
            with qtbot.waitSignal(win.controller.session_started, timeout=15000):
                win.start_session()
            if fault.after_ms:
                qtbot.waitUntil(lambda: server.sessions[0].fault_at is not None, timeout=20000)
            player = subprocess.Popen(["paplay", f"--device={TEST_SINK}", str(speech)])
            try:
                qtbot.waitUntil(lambda: player.poll() is not None, timeout=30000)
                qtbot.waitUntil(lambda: len(win.transcript.turns) >= len(TURNS)
                                and win.transcript.turns[-1].formatted, timeout=30000)
            finally:
                player.kill()
                player.wait()
            with qtbot.waitSignal(win.controller.finished, timeout=20000):
                win.stop_session()
        watch.assert_no_stall()  # starting, reconnecting and stopping never froze the window
        began = [s for s in server.sessions if s.began_at is not None]
        assert len(began) == 2, "one outage, one new server session"
        assert server.sessions[0].fault_at is not None

    assert_everywhere_once(win, tmp_path)


def assert_everywhere_once(win, tmp_path) -> None:  # noqa: ANN001
    """Every word once, in order: on screen, in the store and in an export."""
    assert final_texts(win) == EXPECTED, "on screen"
    conn = store.connect()
    try:
        doc = history.load_session(conn, win.recording_id)
    finally:
        conn.close()
    assert doc is not None
    assert [t.text for t in doc.turns] == EXPECTED, "in the store"
    export(doc, tmp_path / "out.txt", "txt")
    exported = (tmp_path / "out.txt").read_text()
    positions = [exported.find(text) for text in EXPECTED]
    assert -1 not in positions and positions == sorted(positions), "in an export"
    assert all(exported.count(text) == 1 for text in EXPECTED)


def test_a_drop_while_waiting_for_termination_loses_no_words(
        qtbot, make_window, fast_recovery, monkeypatch, tmp_path):  # noqa: F811
    """Stop is pressed while the last turn is still open; the connection drops instead of
    answering Terminate. The last turn's audio goes to a new session, which is terminated."""
    speech = write_tone_words(tmp_path / "speech.wav", TURNS)
    last_words = " ".join(VOCABULARY[i] for i in TURNS[-1])
    # The last turn is still open when Stop is pressed (the first session's recogniser ends
    # no turn after the first two; the next session's ends turns as usual).
    held = len(TURNS[0]) + len(TURNS[1])
    with serve(monkeypatch, tones=VOCABULARY, tone_hold_after_words=held,
               faults=[Fault("drop_on_terminate")]) as server:
        win = make_window()
        with qtbot.waitSignal(win.controller.session_started, timeout=15000):
            win.start_session()
        player = subprocess.Popen(["paplay", f"--device={TEST_SINK}", str(speech)])
        try:
            qtbot.waitUntil(lambda: win.transcript.partial_text == last_words, timeout=30000)
        finally:
            player.kill()
            player.wait()
        assert [t.text for t in win.transcript.turns] == EXPECTED[:-1]
        with qtbot.waitSignal(win.controller.finished, timeout=30000):
            win.stop_session()
        began = [s for s in server.sessions if s.began_at is not None]
        assert len(began) == 2 and began[0].fault_at is not None
        assert began[1].terminate_received, "the session that took the last words is ended"
    assert win.status_label.text().startswith("Stopped")
    assert_everywhere_once(win, tmp_path)
