"""A long session with a fault every minute: every word once, in order, on screen, in the
store and in an export; memory, threads and file descriptors flat; every server session
ended with Terminate or a close. Slow: `pytest -m slow tests/test_soak.py`
(LIVESCRIBE_SOAK_MINUTES, default 30; LIVESCRIBE_FAULT_REPORT names a file for the table).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
from pathlib import Path

import pytest

from livescribe_gui.streaming.events import FailureKind
from livescribe_gui.transcript import history, store
from livescribe_gui.transcript.export import export
from livescribe_gui.ui.main_window import MainWindow
from tests.audio_stack import write_tone_words
from tests.conftest import TEST_KEY
from tests.standin_server import Fault, formatted
from tests.test_network_faults import serve

VOCABULARY = [f"w{i:02d}" for i in range(36)]  # tones from 400 Hz to 3.9 kHz
WORDS_PER_TURN = 6
MINUTE_MS = 60_000
FAULTS = [
    Fault("drop", after_ms=MINUTE_MS),
    Fault("stall", after_ms=MINUTE_MS),
    Fault("blackhole", after_ms=MINUTE_MS),
    Fault("close", after_ms=MINUTE_MS, code=1011),
    Fault("close", after_ms=MINUTE_MS, code=3005),
    Fault("error", after_ms=MINUTE_MS, code=3005),
    Fault("garbage", after_ms=MINUTE_MS),
]


def rss_kb() -> int:
    return int(re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))


def counts() -> tuple[int, int, int]:
    return rss_kb(), threading.active_count(), len(os.listdir("/proc/self/fd"))


def settled() -> bool:
    """One server session open and no older one still closing: a fair moment to count."""
    names = [t.name for t in threading.enumerate()]
    return (sum("_read_message" in n for n in names) <= 1
            and not any(n.startswith("close-segment") for n in names))


def minute_of_speech(path: Path, first_word: int) -> tuple[Path, list[list[int]]]:
    """About 50 s of turns of six tone words, then quiet; word numbers continue."""
    turns, word = [], first_word
    while len(turns) * (WORDS_PER_TURN * 0.35 + 1.0) < 50:
        turns.append([(word + i) % len(VOCABULARY) for i in range(WORDS_PER_TURN)])
        word += WORDS_PER_TURN
    return write_tone_words(path, turns), turns


@pytest.mark.slow
@pytest.mark.timeout(0)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_long_session_with_a_fault_every_minute_loses_nothing(
        qtbot, make_window, monkeypatch, sinks, pulse, tmp_path, caplog):
    minutes = int(os.environ.get("LIVESCRIBE_SOAK_MINUTES", "30"))
    monkeypatch.setattr(MainWindow, "stall_seconds", 4.0)
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    caplog.set_level("INFO", logger="livescribe_gui")
    module = sinks("Soak-Source")
    faults = [FAULTS[i % len(FAULTS)] for i in range(minutes)]
    faults.append(Fault("slow_termination", delay=3.0))
    with serve(monkeypatch, tones=VOCABULARY, faults=faults, keep_everything=False) as server:
        win = make_window()
        device = next(d for d in win.device_combo.devices() if d.name == "Monitor of Soak-Source")
        win.select_device(device)
        with qtbot.waitSignal(win.controller.session_started, timeout=30000):
            win.start_session()
        spoken: list[list[int]] = []
        samples = {}
        for minute in range(minutes):
            wav, turns = minute_of_speech(tmp_path / f"minute{minute}.wav",
                                          sum(len(t) for t in spoken))
            player = subprocess.Popen(["paplay", "--device=Soak-Source", str(wav)])
            qtbot.waitUntil(lambda p=player: p.poll() is not None, timeout=120_000)
            spoken += turns
            wav.unlink()
            if minute in (minutes // 3, minutes - 1):
                qtbot.waitUntil(settled, timeout=60_000)
                samples[minute] = counts()
        # The device goes away at the end: the session ends properly, the words stay.
        qtbot.waitUntil(lambda: len(win.transcript.turns) >= len(spoken), timeout=180_000)
        with qtbot.waitSignal(win.controller.failed, timeout=60_000) as failed:
            pulse.pactl("unload-module", str(module))
        assert failed.args[0].kind is FailureKind.DEVICE
        qtbot.waitUntil(lambda: not win.controller.running, timeout=60_000)
        sessions = [s for s in server.sessions if s.began_at is not None]
        for s in sessions:
            assert s.terminate_received or s.fault is not None, "ended with Terminate or a fault"

    expected = [formatted(" ".join(VOCABULARY[i] for i in turn)) for turn in spoken]
    assert [t.text for t in win.transcript.turns] == expected, "on screen"
    conn = store.connect()
    try:
        doc = history.load_session(conn, win.recording_id)
    finally:
        conn.close()
    assert [t.text for t in doc.turns] == expected, "in the store"
    export(doc, tmp_path / "soak.txt", "txt")
    exported = (tmp_path / "soak.txt").read_text()
    assert [line.split("] ", 1)[1] for line in exported.splitlines()] == expected, "exported"

    (rss_a, threads_a, fds_a), (rss_b, threads_b, fds_b) = samples.values()
    assert rss_b - rss_a < 10_000, f"RSS grew {rss_b - rss_a} kB from minute {minutes // 3}"
    assert threads_b <= threads_a and fds_b <= fds_a + 2
    _report(server, caplog.text, len(expected), rss_b - rss_a)


def _report(server, log_text: str, words: int, rss_growth_kb: int) -> None:
    """The fault table: fault, time to recover, audio replayed."""
    path = os.environ.get("LIVESCRIBE_FAULT_REPORT")
    if not path:
        return
    replays = [int(m) for m in re.findall(r"replaying (\d+) ms of audio", log_text)]
    sessions = [s for s in server.sessions if s.began_at is not None]
    rows = []
    for i, s in enumerate(sessions[:-1]):
        if s.fault is None or s.fault_at is None:
            continue
        fault = s.fault.kind + (f" {s.fault.code}" if s.fault.kind in ("close", "error") else "")
        rows.append({"fault": fault, "recovery_s": round(sessions[i + 1].began_at - s.fault_at, 2),
                     "replayed_ms": replays[len(rows)] if len(rows) < len(replays) else None})
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"rows": rows, "turns": words, "rss_growth_kb": rss_growth_kb,
                   "sessions": len(sessions), "finished": time.time()}, out, indent=1)
