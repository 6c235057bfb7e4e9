"""The audio ledger releases audio only on evidence the server used it."""

from __future__ import annotations

from livescribe_gui.streaming.ledger import REPLAY_MARGIN_MS, AudioLedger

LOUD, QUIET = b"\x10" * 1600, b"\x00" * 1600


def send_all(ledger: AudioLedger) -> list[int]:
    sent = []
    while (item := ledger.next_to_send()) is not None:
        sent.append(item[0])
    return sent


def fill(ledger: AudioLedger, pattern: str) -> None:
    """'q' a quiet chunk, 's' a chunk with sound; each 50 ms."""
    for c in pattern:
        ledger.add(QUIET if c == "q" else LOUD, quiet=c == "q")


def test_without_evidence_everything_with_sound_is_replayed():
    ledger = AudioLedger()
    fill(ledger, "qqqqqqqqqq" + "ssss" + "qq")  # no answer from the server at all
    send_all(ledger)
    start = ledger.rewind_for_reconnect()
    assert start == 10 * 50 - REPLAY_MARGIN_MS, "leading quiet skipped, a margin kept"
    assert send_all(ledger)[-1] == 15 * 50


def test_a_final_turn_and_silence_release_audio_from_the_front_only():
    ledger = AudioLedger()
    fill(ledger, "ssss" + "qqqq" + "ssss" + "qqqq")
    send_all(ledger)
    ledger.confirmed_until(200)  # a final turn covering the first 4 chunks
    ledger.heard_without_speech(600, 800)  # silence after the unfinished second turn
    assert ledger.unconfirmed_ms == 12 * 50, "the speech at 400 ms holds the rest back"
    ledger.heard_without_speech(200, 400)
    assert ledger.unconfirmed_ms == 8 * 50
    assert ledger.rewind_for_reconnect() == 400, "from the unfinished turn, nothing earlier"
    assert send_all(ledger) == list(range(400, 800, 50))


def test_replay_is_bounded_and_counted():
    ledger = AudioLedger(pending_limit_ms=1000, replay_limit_ms=500)
    fill(ledger, "s" * 30)
    assert ledger.dropped_ms == 10 * 50
    send_all(ledger)
    assert ledger.dropped_ms == 20 * 50 and ledger.unconfirmed_ms == 500


def test_a_backlog_is_paced_from_the_first_chunk_the_server_gets():
    """A burst, then at most 1.25x real time, counted from the first chunk sent: a session
    that went live a while before its first send earns no extra allowance."""
    from livescribe_gui.streaming.pacing import BURST_SECONDS, MAX_SPEED, RealTimePacer

    now = [0.0]
    pacer = RealTimePacer(clock=lambda: now[0])
    now[0] = 0.2  # live at 0.0, first chunk sent at 0.2
    sent = 0.0
    while pacer.may_send(0.05):
        pacer.sent(0.05)
        sent += 0.05
    assert BURST_SECONDS - 0.05 < sent <= BURST_SECONDS + 1e-9, "the burst, nothing for the wait"
    now[0] = 0.2 + 2.0
    while pacer.may_send(0.05):
        pacer.sent(0.05)
        sent += 0.05
    assert sent <= BURST_SECONDS + MAX_SPEED * 2.0 + 1e-9
    assert sent > BURST_SECONDS + MAX_SPEED * 2.0 - 0.05
