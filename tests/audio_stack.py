"""A private PulseAudio server with null sinks: a real capture device without a microphone.

It runs with its own runtime directory, so the tests never touch a developer's own sound
setup. PortAudio (through ALSA's pulse plugin) sees it because the environment points there
before sounddevice is imported.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import signal
import subprocess
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

TEST_SINK = "livescribe_test"


RUNTIME_PREFIX = "livescribe-pulse-"


def _die_with_parent() -> None:
    """In the child before exec: end when the test process ends, even by SIGKILL."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


PR_SET_PDEATHSIG = 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_servers() -> None:
    """A test run that was killed may have left its server behind (where the parent-death
    signal did not reach it): end those whose test process is gone, and their directories."""
    for runtime in Path(tempfile.gettempdir()).glob(RUNTIME_PREFIX + "*"):
        try:
            server_pid, owner_pid = map(int, (runtime / "owner").read_text().split())
        except (OSError, ValueError):
            continue
        if _alive(owner_pid):
            continue
        if _alive(server_pid):
            os.kill(server_pid, signal.SIGTERM)
        shutil.rmtree(runtime, ignore_errors=True)


class PulseAudioServer:
    def __init__(self) -> None:
        self.runtime = Path(tempfile.mkdtemp(prefix=RUNTIME_PREFIX))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if shutil.which("pulseaudio") is None:
            raise RuntimeError("pulseaudio is not installed: run the README's test command")
        remove_stale_servers()
        os.environ["PULSE_RUNTIME_PATH"] = str(self.runtime)
        os.environ["PULSE_STATE_PATH"] = str(self.runtime / "state")
        os.environ["PULSE_SERVER"] = f"unix:{self.runtime / 'native'}"
        self.process = subprocess.Popen(
            [
                "pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1",
                "--disallow-exit", "--use-pid-file=no", "--log-target=stderr", "--log-level=error",
                "--load=module-native-protocol-unix auth-anonymous=1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        (self.runtime / "owner").write_text(f"{self.process.pid} {os.getpid()}")
        deadline = time.monotonic() + 20
        while self.pactl("info", check=False).returncode != 0:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the test PulseAudio server did not start")
            time.sleep(0.05)
        self.load_sink(TEST_SINK, rate=48_000, channels=2, description="LiveScribe-Test")
        self.pactl("set-default-sink", TEST_SINK)
        self.pactl("set-default-source", f"{TEST_SINK}.monitor")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.runtime, ignore_errors=True)

    def pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pactl", *args], capture_output=True, text=True, check=check, timeout=20
        )

    def load_sink(self, name: str, *, rate: int, channels: int, description: str = "") -> int:
        result = self.pactl(
            "load-module", "module-null-sink", f"sink_name={name}", f"rate={rate}",
            f"channels={channels}", f"sink_properties=device.description={description or name}",
        )
        return int(result.stdout.strip())

    def play(self, wav: Path, *, sink: str = TEST_SINK) -> None:
        """Play a file into a sink and return when it has been played."""
        subprocess.run(["paplay", f"--device={sink}", str(wav)], check=True, timeout=120)


def write_tone(path: Path, *, freq: float, seconds: float, rate: int = 48_000,
               channels: int = 2, lead_silence: float = 0.3) -> Path:
    """A sine tone with silence before and after, as 16-bit PCM WAV."""
    t = np.arange(int(seconds * rate)) / rate
    tone = 0.5 * np.sin(2 * np.pi * freq * t)
    silence = np.zeros(int(lead_silence * rate))
    signal = np.concatenate((silence, tone, silence))
    pcm = (signal * 32767).astype(np.int16)
    frames = np.repeat(pcm[:, None], channels, axis=1)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames.tobytes())
    return path


def tone_segment(pcm: bytes, *, threshold: float = 0.1) -> np.ndarray:
    """The samples (as floats) from the first to the last sample above the threshold."""
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float64) / 32768.0
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return np.empty(0)
    return samples[loud[0] : loud[-1] + 1]


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    """Peak of the windowed spectrum, refined by parabolic interpolation."""
    window = np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(samples * window))
    peak = int(np.argmax(spectrum[1:])) + 1
    a, b, c = np.log(spectrum[peak - 1 : peak + 2] + 1e-12)
    offset = 0.5 * (a - c) / (a - 2 * b + c)
    return (peak + offset) * rate / len(samples)


def write_tone_words(path: Path, turns: list[list[int]], *, word_seconds: float = 0.2,
                     gap_seconds: float = 0.15, turn_gap_seconds: float = 1.0,
                     lead_silence: float = 0.3, rate: int = 48_000) -> Path:
    """Speech for the stand-in's tone recogniser: each word a burst at its own pitch
    (`standin_server.tone_frequency`), short gaps within a turn, long ones between turns."""
    from tests.standin_server import tone_frequency

    def silence(seconds: float) -> np.ndarray:
        return np.zeros(int(seconds * rate))

    parts = [silence(lead_silence)]
    for turn in turns:
        for i, word in enumerate(turn):
            t = np.arange(int(word_seconds * rate)) / rate
            parts.append(0.4 * np.sin(2 * np.pi * tone_frequency(word) * t))
            parts.append(silence(gap_seconds if i < len(turn) - 1 else turn_gap_seconds))
    return write_wav(path, np.concatenate(parts), rate=rate)


def tone_turns_at(turns: list[tuple[float, list[int]]], *, seconds: float,
                  word_seconds: float = 0.2, gap_seconds: float = 0.15,
                  rate: int = 48_000) -> np.ndarray:
    """Mono speech for the tone recogniser with each turn starting at a given second, so
    two sides of a call can take turns (samples in -1..1)."""
    from tests.standin_server import tone_frequency

    signal = np.zeros(int(seconds * rate))
    for start, words in turns:
        at = int(start * rate)
        for word in words:
            t = np.arange(int(word_seconds * rate)) / rate
            burst = 0.4 * np.sin(2 * np.pi * tone_frequency(word) * t)
            signal[at:at + burst.size] += burst
            at += burst.size + int(gap_seconds * rate)
    return signal


def write_wav(path: Path, signal: np.ndarray, *, rate: int = 48_000) -> Path:
    pcm = (np.clip(signal, -1, 1) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.repeat(pcm[:, None], 2, axis=1).tobytes())
    return path
