"""Shared fixtures: a private audio stack, isolated directories, the stand-in server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.audio_stack import PulseAudioServer  # noqa: E402
from tests.standin_server import StandInServer  # noqa: E402

TEST_KEY = "test-key-5f0c2a9e"

_pulse = PulseAudioServer()


def pytest_configure(config: pytest.Config) -> None:
    # PortAudio only sees a sound server that runs when it initialises, which happens when
    # sounddevice is first imported (by the test modules, after this hook).
    _pulse.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    _pulse.stop()


@pytest.fixture
def pulse() -> PulseAudioServer:
    return _pulse


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LIVESCRIBE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("LIVESCRIBE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("LIVESCRIBE_STREAMING_HOST", raising=False)
    monkeypatch.delenv("ASSEMBLYAI_API_KEY", raising=False)
    return tmp_path


@pytest.fixture
def standin(request: pytest.FixtureRequest):
    marker = request.node.get_closest_marker("script")
    script = list(marker.args) if marker else ["hello world this is a test"]
    with StandInServer(api_key=TEST_KEY, script=script) as server:
        yield server
