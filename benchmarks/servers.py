"""Starting the stand-in server process, a private PulseAudio server and an X server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.common import ROOT
from benchmarks.standin_process import KEY


class StandIn:
    def __init__(self, *, ms_per_word: int, turns: int = 2000, words: int = 8):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.standin_process", "--ms-per-word",
             str(ms_per_word), "--turns", str(turns), "--words", str(words)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().split()
        if not line or line[0] != "PORT":
            raise RuntimeError("the stand-in server did not start")
        self.url = f"ws://127.0.0.1:{line[1]}"
        self.key = KEY

    def sessions(self) -> list[dict]:
        assert self.process.stdin is not None and self.process.stdout is not None
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "dump.json"
            self.process.stdin.write(f"dump {path}\n")
            self.process.stdin.flush()
            self.process.stdout.readline()
            sessions = json.loads(path.read_text())["sessions"]
            for session in sessions:
                session["audio"] = Path(session["audio"]).read_bytes()
            return sessions

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(10)


@contextmanager
def standin(**kwargs):  # noqa: ANN003, ANN201
    server = StandIn(**kwargs)
    try:
        yield server
    finally:
        server.close()


@contextmanager
def client_process(command: list[str], server: StandIn, home: Path, *,
                   streaming_when: str | None):
    """Run `command` (the app or a baseline) against `server`. Once its last session's
    `streaming_when` record ("chunk_sizes": audio arrived, "sent": turns went out) is not
    empty, yield the process (None: do not wait); then end it with SIGTERM, which the app
    and the quickstart answer with Terminate."""
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            env=app_env(server, home, QT_QPA_PLATFORM="offscreen"))
    try:
        deadline = time.monotonic() + 30
        while streaming_when and (not server.sessions()
                                  or not server.sessions()[-1][streaming_when]):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{command} did not stream")
            time.sleep(0.2)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)


def app_env(server: StandIn, home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ASSEMBLYAI_API_KEY=server.key,
        LIVESCRIBE_STREAMING_HOST=server.url,
        LIVESCRIBE_CONFIG_DIR=str(home / "config"),
        LIVESCRIBE_DATA_DIR=str(home / "data"),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env
