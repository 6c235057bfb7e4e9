"""The benchmark harness's own arithmetic, on audio whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.audio_to_wire import RATE, added_over_floor, heard_at, onsets
from benchmarks.common import percentile


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
