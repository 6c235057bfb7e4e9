"""History at scale: 10,000 sessions (300,000 turns) in a real database; opening the window
(its newest page of rows, then every session), each keystroke's results, and the longest the
GUI thread went without its event loop."""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from benchmarks.common import Result, collect_as_the_app_does, percentile

# Waiting as the event loop does, asleep until something happens: a loop spinning on
# processEvents() would take the interpreter from the thread doing the work.
WAIT = QEventLoop.ProcessEventsFlag.WaitForMoreEvents
WORDS = ("budget review travel hardware salaries discussion accessibility captions lecture "
         "meeting quarter planning design research interview customer support release").split()


def fill(database: Path, sessions: int, turns: int) -> None:
    from livescribe_gui.transcript import store

    rng = random.Random(3)
    conn = store.connect(database)
    conn.execute("BEGIN")
    for s in range(sessions):
        started = f"2026-{1 + s % 12:02d}-{1 + s % 28:02d}T{s % 24:02d}:00:00+00:00"
        sid = conn.execute(
            "INSERT INTO sessions (started_at, device, speech_model, status, duration_ms) "
            "VALUES (?, 'Mic', 'u3-rt-pro', 'complete', ?)", (started, turns * 4000)).lastrowid
        conn.executemany(
            "INSERT INTO turns (session_id, segment, turn_order, start_ms, end_ms, text, "
            "formatted, words) VALUES (?, 0, ?, ?, ?, ?, 1, ?)",
            [(sid, i, i * 4000, i * 4000 + 3000,
              " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + ".", json.dumps([]))
             for i in range(turns)])
    conn.execute("COMMIT")
    conn.close()


class _Watch:
    """The longest gap between ticks of a 5 ms timer: how long the GUI thread was busy."""

    def __init__(self) -> None:
        self.longest, self._last = 0.0, time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest, self._last = max(self.longest, now - self._last), now


def run(home: Path, sessions: int = 10_000, turns: int = 30) -> list[Result]:
    os.environ["LIVESCRIBE_DATA_DIR"] = str(home / "data")
    os.environ["LIVESCRIBE_CONFIG_DIR"] = str(home / "config")
    from livescribe_gui.transcript.store import database_path
    from livescribe_gui.ui.history_window import HistoryWindow

    fill(database_path(), sessions, turns)
    app = QApplication.instance() or QApplication(["benchmarks", "-platform", "offscreen"])
    collect_as_the_app_does()
    watch = _Watch()
    shown: list[float] = []
    started = time.perf_counter()
    window = HistoryWindow(store=None)
    window.rows_shown.connect(lambda: shown.append(time.perf_counter()))
    window.show()
    window.reload(at_once=True)
    while not shown:
        app.processEvents(WAIT)
    opened = (shown[0] - started) * 1000
    while len(shown) < 2:  # the newest page first, then every session below it
        app.processEvents(WAIT)
    listed = (shown[1] - started) * 1000
    assert window.model.rowCount() == sessions
    keystrokes = []
    for text in ("b", "bu", "bud", "budg", "budget", "budget r", "budget re", "budget rev"):
        before = len(shown)
        window.search_edit.setText(text)
        while window._debounce.isActive():  # the deliberate pause for the next keystroke
            app.processEvents(WAIT)
        asked = time.perf_counter()
        while len(shown) == before:
            app.processEvents(WAIT)
        keystrokes.append((shown[-1] - asked) * 1000)
    for _ in range(20):
        app.processEvents(WAIT)
    stall = watch.longest * 1000
    window.close()
    rows = f"{sessions:,} sessions, {sessions * turns:,} turns"
    typed = percentile(keystrokes, 50)
    worst = max(keystrokes)
    return [
        Result("History at scale", f"open → rows shown ({rows})", opened, "ms",
               target="< 150 ms", met=opened < 150),
        Result("History at scale", f"open → all {sessions:,} sessions listed (scroll bar "
               "complete)", listed, "ms"),
        Result("History at scale", "keystroke → results (median; after the 150 ms pause)",
               typed, "ms", target="< 50 ms", met=worst < 50),
        Result("History at scale", "keystroke → results, slowest of 8", worst, "ms"),
        Result("History at scale", "longest GUI-thread stall meanwhile", stall, "ms",
               target="< 50 ms", met=stall < 50),
    ]
