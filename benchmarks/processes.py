"""Benchmarks on whole processes: CPU and memory while listening, and start-up time."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from benchmarks.common import ROOT, Result, Usage, sample_usage
from benchmarks.servers import client_process, standin
from tests.audio_stack import PulseAudioServer

# Each through `benchmarks.named_threads`, so their threads' CPU can be told apart.
NAMED = [sys.executable, "-m", "benchmarks.named_threads"]
APP = [*NAMED, "livescribe_gui", "--start", "--device", "Monitor of LiveScribe"]
CALL = [*APP, "--device", "Monitor of Them-Bench"]  # both sides of a call: two sessions
QUICKSTART = [*NAMED, "benchmarks.quickstart"]
BARE_CAPTURE = [*NAMED, "benchmarks.bare_capture"]


# What each OS thread is (`benchmarks.named_threads` names the Python ones). PortAudio's
# callback thread takes the name of the thread that opened the stream: in the app with
# --start, the level preview's, whose stream the session takes over.
THREAD_ROLES = {
    "main": "main thread (the app: GUI; the others: their read loop)",
    "level-preview": "PortAudio callback (capture, level, ledger, send)",
    "transcription-w": "transcription worker (sessions, device and link checks)",
    "threaded-ml": "libpulse (sound server I/O)",
    "_write_message": "SDK writer (WebSocket send)",
    "_read_message": "SDK reader (messages in)",
    "recv_events": "websockets receiver",
    "transcript-stor": "store writer (SQLite)",
}


def by_thread(usage: Usage, who: str) -> list[Result]:
    """A row per thread that used at least 0.05 % of a core, busiest first."""
    busy = sorted(((cpu, name) for name, cpu in usage.by_thread.items() if cpu >= 0.05),
                  reverse=True)
    return [Result("CPU by thread", f"{who}: {THREAD_ROLES.get(name, name)}", cpu, "%")
            for cpu, name in busy]


def _usage(command: list[str], seconds: float, home: Path) -> Usage:
    """Start `command` against a stand-in sending five partials a second, let it settle,
    then sample it for `seconds`; end it with SIGTERM (the app and the quickstart Terminate)."""
    waits_for = None if command is BARE_CAPTURE else "sent"
    with standin(ms_per_word=200) as server, client_process(
            command, server, home, streaming_when=waits_for) as proc:
        time.sleep(2)
        return sample_usage(proc.pid, seconds)


def light_while_listening(seconds: float, pulse: PulseAudioServer) -> list[Result]:
    module = pulse.load_sink("them_bench", rate=48_000, channels=2, description="Them-Bench")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            call = _usage(CALL, seconds, Path(tmp) / "call")
    finally:
        pulse.pactl("unload-module", str(module), check=False)
    with tempfile.TemporaryDirectory() as tmp:
        app = _usage(APP, seconds, Path(tmp) / "app")
        quick = _usage(QUICKSTART, seconds, Path(tmp) / "quickstart")
        floor = _usage(BARE_CAPTURE, seconds, Path(tmp) / "bare")
    span = f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"
    added = app.cpu_percent - floor.cpu_percent
    return [
        Result("Light while listening", f"CPU, % of one core ({span}, 5 partials/s)",
               app.cpu_percent, "%", quick.cpu_percent, "quickstart", "≤ 1.3× quickstart",
               app.cpu_percent <= 1.3 * quick.cpu_percent),
        Result("Light while listening", f"CPU above the bare-capture floor "
               f"({floor.cpu_percent:.1f} %)", added, "% points",
               quick.cpu_percent - floor.cpu_percent, "quickstart above floor", "≤ 1.5",
               added <= 1.5),
        Result("Light while listening", f"RSS at the end ({app.rss_parts}; the quickstart: "
               f"{quick.rss_parts})", app.rss_mb, "MB", quick.rss_mb,
               "quickstart", "≤ 125 MB", app.rss_mb <= 125),
        Result("Both sides of a call", "CPU, % of one core (two inputs, two sessions)",
               call.cpu_percent, "%", app.cpu_percent, "one input", "≤ 2× one input",
               call.cpu_percent <= 2 * app.cpu_percent),
        Result("Both sides of a call", "RSS at the end", call.rss_mb, "MB", app.rss_mb,
               "one input"),
        *by_thread(app, "app"),
        *by_thread(quick, "quickstart"),
        *by_thread(floor, "bare capture"),
    ]


MINIMAL_QT = """
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.show()
QTimer.singleShot(0, lambda: (print(time.time(), flush=True), app.quit()))
app.exec()
"""


def _log_time(log: Path, message: str, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists():
            for line in log.read_text().splitlines():
                if message in line:
                    stamp = re.match(r"(\S+ \S+)", line).group(1)  # type: ignore[union-attr]
                    return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
        time.sleep(0.02)
    raise RuntimeError(f"start-up: no “{message}” in the log")


def start_up(display: str, runs: int) -> list[Result]:
    """Process start to the main window shown, on a real X server (Xvfb).

    The app's modules are byte-compiled first, as an installed copy or the bundle has them
    (and as a source checkout has them after its first launch): with PYTHONDONTWRITEBYTECODE
    set, as on this machine, every launch would otherwise compile ~60 modules from source.
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", "livescribe_gui"], cwd=ROOT,
                   check=True)
    ours, minimal = [], []
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", DISPLAY=display)
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            env.update(LIVESCRIBE_CONFIG_DIR=str(home / "config"),
                       LIVESCRIBE_DATA_DIR=str(home / "data"))
            started = time.time()
            proc = subprocess.Popen([sys.executable, "-m", "livescribe_gui"], cwd=ROOT, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                shown = _log_time(home / "data" / "logs" / "livescribe.log",
                                  "main window shown", 30)
                ours.append(shown - started)
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(20)
        started = time.time()
        out = subprocess.run([sys.executable, "-c", MINIMAL_QT], env=env, capture_output=True,
                             text=True, timeout=60).stdout
        minimal.append(float(out.split()[0]) - started)
    best, baseline = sorted(ours)[len(ours) // 2], sorted(minimal)[len(minimal) // 2]
    return [Result("Start-up", f"process start → main window shown (median of {runs})",
                   best, "s", baseline, "empty PySide6 window", "≤ 0.4 s", best <= 0.4)]
