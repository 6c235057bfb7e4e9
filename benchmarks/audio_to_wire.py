"""Audio to wire: from a sound reaching the input to the 50 ms chunk holding it arriving at
the server, for the app and for the quickstart baseline, each against the capture floor.

How: a player streams short 1 kHz clicks into the test sink, whose monitor is the capture
device. While the app (or the quickstart) streams to the stand-in server, a bare blocking
`read(800)` loop captures the same source at the same time: the floor. Each click is found
in both; in each, "heard at" is the arrival of the chunk holding it (at the server, or at
the floor's `read()`) minus the time the chunk still had to fill after the click. The
difference between the two is what capture, conversion and sending add beyond the chunk
itself and the audio stack. Clock stamps only: PortAudio's output and input time stamps
through the ALSA-to-PulseAudio plugin proved unreliable here (and the quickstart's blocking
read() gives none), so no absolute sound-to-wire figure is claimed.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import sounddevice as sd

from benchmarks.common import Result, percentile
from benchmarks.servers import client_process, standin

RATE = 16_000
PLAY_RATE = 48_000
CLICK_INTERVAL = 0.293  # not a multiple of 50 ms: clicks land all over their chunks
CLICK_SECONDS = 0.005
THRESHOLD = 0.25 * 32767


class ClickPlayer:
    """Plays clicks into the default sink, for as long as it is open."""

    def __init__(self) -> None:
        self.frame = 0
        period = int(CLICK_INTERVAL * PLAY_RATE)
        t = np.arange(int(CLICK_SECONDS * PLAY_RATE)) / PLAY_RATE
        self._click = (0.8 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
        self._period = period
        self._stream = sd.OutputStream(samplerate=PLAY_RATE, channels=1, dtype="float32",
                                       blocksize=480, callback=self._fill)

    def _fill(self, out, frames, time_info, status) -> None:  # noqa: ANN001
        out.fill(0)
        start = self.frame
        first = -(-start // self._period) * self._period
        for click_at in range(first, start + frames, self._period):
            offset = click_at - start
            n = min(len(self._click), frames - offset)
            out[offset:offset + n, 0] = self._click[:n]
        self.frame += frames

    def __enter__(self) -> ClickPlayer:
        self._stream.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.stop()
        self._stream.close()


def onsets(audio: bytes) -> list[int]:
    samples = np.abs(np.frombuffer(audio, dtype=np.int16).astype(np.int32))
    loud = np.flatnonzero(samples > THRESHOLD)
    found: list[int] = []
    for n in loud:
        if not found or n - found[-1] > RATE * CLICK_INTERVAL / 2:
            found.append(int(n))
    return found


def heard_at(audio: bytes, chunk_sizes: list[int], arrivals: list[float]) -> list[float]:
    """When each click was heard: its chunk's arrival less what the chunk still had to fill."""
    ends = np.cumsum(np.array(chunk_sizes) // 2)
    times = []
    for n in onsets(audio):
        chunk = int(np.searchsorted(ends, n, side="right"))
        if chunk >= len(arrivals):
            break
        times.append(arrivals[chunk] - (ends[chunk] - n) / RATE)
    return times


def added_over_floor(heard: list[float], floor: list[float]) -> list[float]:
    """Pair each click with the floor's hearing of the same click (the nearest)."""
    reference = np.array(floor)
    added = []
    for t in heard:
        nearest = reference[np.argmin(np.abs(reference - t))] if reference.size else None
        if nearest is not None and abs(t - nearest) < CLICK_INTERVAL / 2:
            added.append(t - nearest)
    return added


class FloorCapture:
    """Blocking 800-frame reads, like the quickstart, with nothing after them; on a thread,
    running alongside whatever is measured."""

    def __init__(self) -> None:
        self.audio, self.sizes, self.arrivals = bytearray(), [], []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="floor", daemon=True)

    def _run(self) -> None:
        with sd.RawInputStream(samplerate=RATE, channels=1, dtype="int16") as stream:
            while not self._stop.is_set():
                data, _ = stream.read(800)
                self.arrivals.append(time.monotonic())
                self.audio.extend(data)
                self.sizes.append(len(data))

    def __enter__(self) -> FloorCapture:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def heard(self) -> list[float]:
        return heard_at(bytes(self.audio), self.sizes, self.arrivals)


def _through_server(command: list[str], seconds: float, home: Path) -> dict:
    with standin(ms_per_word=200) as server:
        with client_process(command, server, home, streaming_when="chunk_sizes"):
            time.sleep(seconds)
            return server.sessions()[-1]


def run(seconds: float) -> list[Result]:
    commands = {
        "quickstart": [sys.executable, "-m", "benchmarks.quickstart"],
        "app": [sys.executable, "-m", "livescribe_gui", "--start",
                "--device", "Monitor of LiveScribe"],
    }
    ms: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp, ClickPlayer():
        for name, command in commands.items():
            with FloorCapture() as floor:
                session = _through_server(command, seconds, Path(tmp) / name)
            heard = heard_at(session["audio"], session["chunk_sizes"], session["chunk_arrivals"])
            ms[name] = [v * 1000 for v in added_over_floor(heard, floor.heard())]
            if len(ms[name]) < seconds / CLICK_INTERVAL / 2:
                raise RuntimeError(f"audio to wire: only {len(ms[name])} clicks paired ({name})")
    results = []
    for stat, q, target in (("median", 50, 1.5), ("p99", 99, 3.0)):
        app, quick = percentile(ms["app"], q), percentile(ms["quickstart"], q)
        results.append(Result(
            "Audio to wire", f"{stat}, added beyond the 50 ms chunk and the capture floor "
            f"({len(ms['app'])} clicks)", app, "ms", quick, "quickstart",
            f"≤ {target:g} ms", app <= target))
    return results
