"""Audio input through the real PulseAudio + PortAudio stack: sources by description, refresh,
native-rate capture converted to 16 kHz, the level meter, silence hints and a vanished device."""

from __future__ import annotations

import contextlib
import subprocess
import time

import pytest

from livescribe_gui.settings import Settings
from livescribe_gui.streaming.events import FailureKind
from livescribe_gui.ui.main_window import MainWindow
from tests.audio_stack import dominant_frequency, tone_segment, write_tone
from tests.conftest import TEST_KEY


def labels(win: MainWindow) -> list[str]:
    return [win.device_combo.itemText(i) for i in range(win.device_combo.count())]


def refresh(qtbot, win: MainWindow) -> None:
    with qtbot.waitSignal(win.scanner.done, timeout=10000):
        win.refresh_action.trigger()


def choose(win: MainWindow, name: str) -> None:
    device = next(d for d in win.device_combo.devices() if d.name == name)
    win.select_device(device)


def listen(qtbot, win: MainWindow):
    with qtbot.waitSignal(win.controller.session_started, timeout=15000) as started:
        win.start_session()
    return started.args[0]


def stop(qtbot, win: MainWindow) -> None:
    with qtbot.waitSignal(win.controller.finished, timeout=15000):
        win.stop_session()


def test_monitor_source_is_listed_by_description(window):
    assert labels(window)[0] == "Monitor of LiveScribe-Test (default)"
    device = window.current_device()
    assert device.is_monitor and device.host_api == "PulseAudio"


def test_sink_loaded_after_launch_appears_when_dropdown_opens(qtbot, window, sinks):
    sinks("Late-Arrival")
    assert "Monitor of Late-Arrival" not in labels(window)
    with qtbot.waitSignal(window.scanner.done, timeout=10000):
        window.device_combo.showPopup()
    window.device_combo.hidePopup()
    assert "Monitor of Late-Arrival" in labels(window)
    assert window.current_device().name == "Monitor of LiveScribe-Test", "the choice is kept"


@pytest.mark.parametrize("rate", [44100, 48000])
def test_native_rate_stereo_arrives_as_16k_mono_with_content_intact(
    qtbot, window, sinks, pulse, standin, tmp_path, rate
):
    sink = f"Stereo-{rate}"
    sinks(sink, rate=rate, channels=2)
    refresh(qtbot, window)
    choose(window, f"Monitor of {sink}")
    started = listen(qtbot, window)
    # The sound server converts its sources to the session's format (lowest latency).
    assert (started.capture_rate, started.capture_channels) == (16000, 1)
    assert started.sample_rate == 16000

    wav = write_tone(tmp_path / "tone.wav", freq=523.25, seconds=3.0, rate=rate)
    pulse.play(wav, sink=sink)
    session = standin.sessions[-1]
    assert standin.wait_until(lambda: _silence_after_tone(session) > 0.25, timeout=20)
    stop(qtbot, window)

    assert session.query["sample_rate"] == "16000"
    assert set(session.chunk_sizes) == {1600}
    segment = tone_segment(bytes(session.audio))
    assert dominant_frequency(segment, 16000) == pytest.approx(523.25, rel=0.01)
    assert len(segment) / 16000 == pytest.approx(3.0, rel=0.02), "no gaps, no repeats"


def test_refresh_during_a_session_does_not_disturb_it(qtbot, window, sinks, standin):
    listen(qtbot, window)
    session = standin.sessions[-1]
    sinks("Plugged-Mid-Session")
    refresh(qtbot, window)
    assert "Monitor of Plugged-Mid-Session" in labels(window)
    assert window.current_device().name == "Monitor of LiveScribe-Test"
    received = session.audio_seconds
    assert standin.wait_until(lambda: session.audio_seconds > received + 0.5, timeout=10)
    assert window.controller.running


@pytest.mark.script("these words were said before the cable came out")
def test_unplugged_device_ends_session_properly_and_keeps_transcript(
    qtbot, window, sinks, pulse, standin
):
    module = sinks("Unplug-Me")
    refresh(qtbot, window)
    choose(window, "Monitor of Unplug-Me")
    listen(qtbot, window)
    qtbot.waitUntil(lambda: len(window.transcript.turns) == 1, timeout=20000)
    with qtbot.waitSignal(window.controller.failed, timeout=15000) as failed:
        pulse.pactl("unload-module", str(module))
    assert failed.args[0].kind is FailureKind.DEVICE
    qtbot.waitUntil(lambda: not window.controller.running, timeout=15000)
    status = window.status_label.text()
    assert "“Monitor of Unplug-Me” was disconnected" in status
    assert "transcript is kept" in status
    assert standin.sessions[-1].terminate_received
    assert "These words were said before the cable came out." in window.view.toPlainText()
    qtbot.waitUntil(lambda: "Monitor of Unplug-Me" not in labels(window), timeout=10000)
    assert window.current_device().is_default, "the list was refreshed and the default chosen"
    assert window.status_label.text() == status, "the explanation stays on screen"


def test_remembered_device_that_is_gone_falls_back_to_default_and_says_so(make_window):
    win = make_window(settings=Settings(device_name="USB Headset", device_host_api="PulseAudio"))
    assert win.current_device().is_default
    assert win.status_label.text() == (
        "The input you used last time, “USB Headset”, is not connected; "
        "using “Monitor of LiveScribe-Test” instead."
    )


def test_level_meter_shows_input_before_start(qtbot, window, pulse, tmp_path):
    assert not window.controller.running
    with playing_tone(tmp_path):
        qtbot.waitUntil(lambda: window.level_meter.value() > -20, timeout=15000)
    assert window.level_meter.accessibleDescription() == "hearing sound"


def test_silent_input_gets_a_hint_that_goes_away_with_sound(
    qtbot, window, pulse, tmp_path, monkeypatch
):
    monkeypatch.setattr(MainWindow, "silence_hint_seconds", 1.0)
    listen(qtbot, window)
    qtbot.waitUntil(lambda: "no sound from" in window.status_label.text(), timeout=10000)
    assert "“Monitor of LiveScribe-Test”" in window.status_label.text()
    with playing_tone(tmp_path):
        qtbot.waitUntil(lambda: "no sound from" not in window.status_label.text(), timeout=15000)
    assert window.status_label.text().startswith("● Listening")


@contextlib.contextmanager
def playing_tone(tmp_path):
    """A tone plays into the test sink for as long as the block runs (at most 30 s)."""
    wav = write_tone(tmp_path / "long-tone.wav", freq=440.0, seconds=30.0)
    player = subprocess.Popen(["paplay", "--device=livescribe_test", str(wav)])
    try:
        yield
    finally:
        player.terminate()
        player.wait(10)


def _silence_after_tone(session) -> float:
    import numpy as np

    samples = np.frombuffer(bytes(session.audio), dtype=np.int16)
    loud = np.flatnonzero(np.abs(samples) > 3276)
    if loud.size == 0:
        return 0.0
    return (len(samples) - int(loud[-1])) / 16000


pytestmark = pytest.mark.usefixtures("key_for_standin")


@pytest.fixture
def key_for_standin(monkeypatch):
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)


def test_a_session_gets_audio_on_the_capture_thread_and_hears_of_a_failing_sink():
    """Once a session takes the stream, each chunk goes to it on the capture thread as it
    completes (no other thread to wake before the socket). A sink that fails does not fail
    unheard: the stream stops and the session's `check()` raises."""
    import threading

    from livescribe_gui.audio.capture import AudioCapture
    from livescribe_gui.audio.devices import find_device, list_input_devices
    from livescribe_gui.audio.session_format import CHUNK_BYTES

    device = find_device(list_input_devices(), name="Monitor of LiveScribe", substring=True)
    capture = AudioCapture(device)
    callers: list[int] = []
    sizes: list[int] = []
    enough = threading.Event()
    failing = threading.Event()

    def sink(chunks: list[bytes]) -> None:
        callers.append(threading.get_ident())
        sizes.extend(len(c) for c in chunks)
        if failing.is_set():
            raise ValueError("a bug in the session")
        if len(sizes) >= 5:
            enough.set()

    try:
        assert capture.read(timeout=5.0), "the device delivers"
        capture.deliver_to(sink)
        assert enough.wait(10)
        assert capture.read(timeout=0.2) == [], "nothing is left for read()"
        assert callers[-1] != threading.get_ident(), "chunks arrive on the capture thread"
        assert set(sizes) == {CHUNK_BYTES}
        capture.check()
        failing.set()
        deadline = time.monotonic() + 10
        while not capture.lost and time.monotonic() < deadline:
            time.sleep(0.01)
        assert capture.lost, "the stream stopped"
        with pytest.raises(RuntimeError, match="delivering captured audio failed"):
            capture.check()
    finally:
        capture.close()


WITHOUT_NUMPY = """
import json, sys
sys.modules["numpy"] = sys.modules["soxr"] = None  # as in the Linux bundle: not there
from livescribe_gui.audio.capture import AudioCapture, CaptureFormat, DeviceError, chunker_for
from livescribe_gui.audio.devices import find_device, list_input_devices

device = find_device(list_input_devices(), name="Monitor of LiveScribe", substring=True)
capture = AudioCapture(device)
try:
    chunks = capture.read(timeout=5.0)
finally:
    capture.close()
try:
    chunker_for(device, CaptureFormat(48_000, 2))
    refusal = ""
except DeviceError as exc:
    refusal = str(exc)
print(json.dumps({"chunks": len(chunks), "refusal": refusal,
                  "numpy_loaded": sys.modules.get("numpy") is not None}))
"""


def test_without_numpy_a_source_still_records_and_a_device_to_convert_is_refused_clearly():
    """The Linux bundle leaves NumPy and the resampler out: sound-server sources (and, there,
    ALSA cards through ALSA's plug layer) are recorded as 16 kHz mono as before, and a device
    only a resampler could use is refused with a message that says what to do."""
    import json
    import sys

    result = subprocess.run([sys.executable, "-c", WITHOUT_NUMPY], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["chunks"] > 0, "the monitor source was recorded"
    assert not found["numpy_loaded"]
    assert "Monitor of LiveScribe-Test" in found["refusal"]
    assert "48000 Hz stereo" in found["refusal"]
    assert "PulseAudio or PipeWire" in found["refusal"]
    assert "Traceback" not in result.stderr


AFTER_THE_FIRST_SCAN = """
import json
from pathlib import Path
import sounddevice  # PortAudio starts: it opens every ALSA device the configuration defines
from livescribe_gui.audio.capture import AudioCapture
from livescribe_gui.audio.devices import find_device
from livescribe_gui.audio.scanner import first_scan

def mapped():
    maps = Path("/proc/self/maps").read_text()
    return sorted({Path(line.split()[-1]).name for line in maps.splitlines()
                   if "/alsa-lib/libasound_module_" in line or "/libavcodec.so" in line})

before = mapped()
device = find_device(first_scan(), name="Monitor of LiveScribe", substring=True)
after = mapped()
capture = AudioCapture(device)
try:
    chunks = capture.read(timeout=5.0)
finally:
    capture.close()
print(json.dumps({"before": before, "after": after, "chunks": len(chunks)}))
"""


def test_after_listing_devices_the_encoder_plugin_no_recording_uses_is_let_go():
    """PortAudio's listing loads ALSA's a52 encoder plugin and libavcodec with it (~11 MB
    resident in an app that only records). After the first scan it is gone, every other
    plugin is still loaded as ALSA left it, and the source still records."""
    import json
    import sys

    result = subprocess.run([sys.executable, "-c", AFTER_THE_FIRST_SCAN], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    encoder = "libasound_module_pcm_a52.so"
    if encoder not in found["before"]:
        pytest.skip("ALSA's a52 plugin is not installed here")
    assert any(name.startswith("libavcodec") for name in found["before"])
    assert found["after"] == [n for n in found["before"]
                              if n != encoder and not n.startswith("libavcodec")]
    assert found["chunks"] > 0, "the monitor source was recorded"
