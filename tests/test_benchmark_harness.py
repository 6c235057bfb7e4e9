"""The benchmark harness's own arithmetic, on audio whose answer is known."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from benchmarks.audio_to_wire import RATE, added_over_floor, heard_at, onsets
from benchmarks.common import ROOT, percentile, thread_cpu_seconds


def clicks_at(seconds: list[float], total: float) -> bytes:
    audio = np.zeros(int(total * RATE), dtype=np.int16)
    for t in seconds:
        start = int(t * RATE)
        audio[start:start + 80] = 20000
    return audio.tobytes()


def test_clicks_are_found_where_they_are():
    assert onsets(clicks_at([0.1, 0.5, 0.9], 1.2)) == [1600, 8000, 14400]


def test_heard_at_takes_away_what_the_chunk_still_had_to_fill():
    audio = clicks_at([0.12], 0.2)  # in the third 50 ms chunk, 30 ms before its end
    arrivals = [10.05, 10.10, 10.15, 10.20]
    [heard] = heard_at(audio, [1600] * 4, arrivals)
    assert heard == pytest.approx(10.15 - 0.03)


def test_added_latency_pairs_each_click_with_the_floor():
    floor = [1.000, 1.293, 1.586]
    assert added_over_floor([1.004, 1.300, 1.590], floor) == pytest.approx([0.004, 0.007, 0.004])
    assert added_over_floor([5.0], floor) == [], "too far from any click of the floor"


def test_percentile_interpolates():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(list(range(101)), 99) == 99


def test_threads_run_under_named_threads_can_be_told_apart_by_the_os(tmp_path):
    """`benchmarks.named_threads` gives Python's thread names to the OS threads, so the CPU
    benchmark can sample each thread's use from /proc."""
    (tmp_path / "two_threads.py").write_text(
        "import threading\n"
        "def comm():\n"
        "    return open(f'/proc/self/task/{threading.get_native_id()}/comm').read().strip()\n"
        "def _read_message():\n"
        "    print(comm())\n"
        "for t in (threading.Thread(target=_read_message),\n"
        "          threading.Thread(target=_read_message, name='store-writer')):\n"
        "    t.start(); t.join()\n"
        "print(comm())\n")
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.named_threads", "two_threads"], cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"},
        capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.split() == ["_read_message", "store-writer", "main"]
    threads = thread_cpu_seconds(os.getpid())
    assert threads[threading.get_native_id()][1] > 0, "this thread's own CPU time"
