"""The real app as a separate process: command line, signals, a prompt and clean exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from livescribe_gui import __version__
from tests.conftest import TEST_KEY


def app_env(tmp_path: Path, standin_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        ASSEMBLYAI_API_KEY=TEST_KEY,
        LIVESCRIBE_STREAMING_HOST=standin_url,
        LIVESCRIBE_CONFIG_DIR=str(tmp_path / "config"),
        LIVESCRIBE_DATA_DIR=str(tmp_path / "data"),
    )
    return env


def wait_for_log(tmp_path: Path, text: str, proc: subprocess.Popen[str], *,
                 count: int = 1) -> str:
    """Wait until the app's log holds `text` (`count` times); bounded by pytest-timeout, and
    failing at once if the app ends first."""
    log_file = tmp_path / "data" / "logs" / "livescribe.log"
    while True:
        content = log_file.read_text(errors="replace") if log_file.exists() else ""
        if content.count(text) >= count:
            return content
        assert proc.poll() is None, f"the app ended (code {proc.returncode}) before: {text}"
        time.sleep(0.02)


def run_until_a_session(tmp_path: Path, standin, *args: str) -> None:  # noqa: ANN001
    """Run the real app until the stand-in has seen a session, then end it with SIGTERM."""
    run_until(launch(tmp_path, standin.url, *args),
              lambda: standin.wait_until(lambda: bool(standin.sessions), timeout=30))


def run_until(proc: subprocess.Popen[str], reached: Callable[[], bool]) -> None:
    """Let the app run until `reached()` says so, then end it as logging out would
    (SIGTERM); an app still running after a failure is killed."""
    try:
        assert reached()
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()


def launch(tmp_path: Path, standin_url: str, *args: str,
           env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """The real app; `env` adds to (or overrides) the test environment."""
    return subprocess.Popen(
        [sys.executable, "-m", "livescribe_gui", *args],
        env={**app_env(tmp_path, standin_url), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_version_prints_and_exits():
    result = subprocess.run(
        [sys.executable, "-m", "livescribe_gui", "--version"],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"LiveScribe {__version__}"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_mid_session_terminates_and_exits_promptly(tmp_path, standin, signum):
    proc = launch(tmp_path, standin.url, "--start", "--device", "monitor of LIVESCRIBE")
    try:
        assert standin.wait_until(
            lambda: bool(standin.sessions) and standin.sessions[-1].audio_seconds > 1.0,
            timeout=30,
        ), "the app started listening on its own (--start)"
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    session = standin.sessions[-1]
    assert session.terminate_received, "the session was ended with Terminate"
    log_text = (tmp_path / "data" / "logs" / "livescribe.log").read_text()
    assert "starting a session on input 'Monitor of LiveScribe-Test'" in log_text
    assert "took over the preview's stream" in log_text, "--start opens the input once"
    assert "threads still running" not in log_text


def test_key_never_lands_in_files_or_output(tmp_path, standin):
    proc = launch(tmp_path, standin.url, "--start", "--verbose")
    try:
        assert standin.wait_until(
            lambda: bool(standin.sessions) and standin.sessions[-1].audio_seconds > 0.5,
            timeout=30,
        )
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert standin.sessions[-1].authorization == TEST_KEY, "the key was used"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "settings.json" for p in written)
    assert any(p.name == "livescribe.log" for p in written)
    for path in written:
        assert TEST_KEY not in path.read_text(errors="replace"), path
    assert TEST_KEY not in out and TEST_KEY not in err


def test_unknown_device_is_reported_on_stderr(tmp_path, standin):
    proc = launch(tmp_path, standin.url, "--device", "no-such-microphone")
    try:
        wait_for_log(tmp_path, "inputs found", proc)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "No input matches “no-such-microphone”" in err
    assert "Traceback" not in err
