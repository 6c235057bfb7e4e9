"""Shared fixtures: a private audio stack, isolated directories, the stand-in server."""

from __future__ import annotations

import os
from pathlib import Path

import keyring
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.audio_stack import PulseAudioServer  # noqa: E402
from tests.gateway_standin import GatewayStandIn  # noqa: E402
from tests.gui_watch import EventLoopWatch  # noqa: E402
from tests.keyrings import MemoryKeyring  # noqa: E402
from tests.leaks import LeakCheck  # noqa: E402
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


@pytest.fixture(scope="session", autouse=True)
def gui_thread_collector(qapp):  # noqa: ANN001
    """As in the app: cycles are collected on the GUI thread only, so a Qt object in a
    cycle is never destroyed on a test's audio or socket thread."""
    from livescribe_gui.ui import gui_thread_gc

    return gui_thread_gc.install()


@pytest.fixture(autouse=True)
def no_leaks():
    """Fails a test that leaves threads, child processes or TCP sockets behind. Set up
    before (and so torn down after) every other fixture of the test."""
    before = LeakCheck.now()
    yield
    leftovers = before.leftovers()
    assert not leftovers, "the test left behind: " + "; ".join(leftovers)


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """Each test gets its own credential store in memory, so none ever reaches the
    developer's real keyring; app processes started by a test get none at all."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def gui_watch():
    """`with gui_watch() as watch: ...` then `watch.assert_no_stall()`. The app imports the
    SDK and the session's modules on a thread of its own as soon as its window shows
    (`app.load_the_rest`); here that is done first too, or the first Start in a test process
    imports them on the GUI thread (90-115 ms, a stall the app does not have)."""
    from livescribe_gui.app import load_the_rest

    load_the_rest()
    return EventLoopWatch


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LIVESCRIBE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("LIVESCRIBE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("LIVESCRIBE_STREAMING_HOST", raising=False)
    # Nothing reaches the real LLM Gateway: a port where nothing listens, unless a test
    # starts the stand-in (`gateway`).
    monkeypatch.setenv("LIVESCRIBE_LLM_GATEWAY_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("ASSEMBLYAI_API_KEY", raising=False)
    return tmp_path


@pytest.fixture
def standin(request: pytest.FixtureRequest):
    marker = request.node.get_closest_marker("script")
    script = list(marker.args) if marker else ["hello world this is a test"]
    with StandInServer(api_key=TEST_KEY, script=script) as server:
        yield server


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch):
    """The LLM Gateway stand-in, where the app's notes requests go."""
    with GatewayStandIn(api_key=TEST_KEY) as server:
        monkeypatch.setenv("LIVESCRIBE_LLM_GATEWAY_URL", server.url)
        yield server


@pytest.fixture
def sinks(pulse):
    """Loads extra null sinks for one test and unloads whatever is left afterwards."""
    loaded: list[int] = []

    def load(name: str, *, rate: int = 48_000, channels: int = 2) -> int:
        module = pulse.load_sink(name, rate=rate, channels=channels, description=name)
        loaded.append(module)
        return module

    yield load
    for module in loaded:
        pulse.pactl("unload-module", str(module), check=False)


@pytest.fixture
def make_window(qtbot, standin, sinks):
    """Builds main windows on the real device list. They are closed (any session stopped)
    before the stand-in server and the test's extra sinks go away."""
    from livescribe_gui import settings as settings_module
    from livescribe_gui.audio.devices import list_input_devices
    from livescribe_gui.credentials import ApiKeyStore
    from livescribe_gui.transcript.store import StoreWriter
    from livescribe_gui.ui.main_window import MainWindow

    writers = []
    stores = []

    def finish(win) -> None:
        # pytest-qt closes and deletes the window after this: end its session first.
        if win.controller.running:
            win.stop_session()
            qtbot.waitUntil(lambda: not win.controller.running, timeout=15000)
        win.close()
        win.preview.wait(5)

    def make(devices=None, settings=None):
        writer = settings_module.SettingsWriter()
        writers.append(writer)
        store = StoreWriter()
        stores.append(store)
        win = MainWindow(
            settings=settings_module.load().settings if settings is None else settings,
            settings_writer=writer, keys=ApiKeyStore(),
            devices=list_input_devices() if devices is None else devices,
            store=store,
        )
        qtbot.addWidget(win, before_close_func=finish)
        win.show()
        return win

    make.writers = writers
    yield make
    for writer in writers:
        writer.close()
    for store in stores:
        store.close()


@pytest.fixture
def window(make_window, standin, monkeypatch):
    """A main window whose key and streaming host point at the stand-in server."""
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", standin.url)
    return make_window()
