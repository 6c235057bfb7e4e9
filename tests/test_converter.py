"""Conversion to the session format: mono int16 at 16 kHz in exact 50 ms chunks."""

from __future__ import annotations

import numpy as np
import pytest

from livescribe_gui.audio.converter import PcmConverter
from livescribe_gui.audio.level import DIGITAL_SILENCE_DBFS, MeterPace, level_dbfs
from livescribe_gui.audio.session_format import CHUNK_BYTES
from tests.audio_stack import dominant_frequency


@pytest.mark.parametrize("rate,channels", [(16000, 1), (44100, 2), (48000, 2), (8000, 1),
                                           (96000, 6)])
def test_tone_keeps_frequency_and_duration_across_odd_blocks(rate, channels):
    seconds = 2.0
    t = np.arange(int(rate * seconds)) / rate
    tone = (0.4 * np.sin(2 * np.pi * 1000.0 * t)).astype(np.float32)
    frames = np.repeat(tone[:, None], channels, axis=1)
    converter = PcmConverter(input_rate=rate, channels=channels)
    chunks: list[bytes] = []
    for start in range(0, len(frames), 997):
        chunks.extend(converter.feed(frames[start:start + 997]))
    assert all(len(c) == CHUNK_BYTES for c in chunks)
    pcm = np.frombuffer(b"".join(chunks), dtype=np.int16).astype(np.float64) / 32768
    assert len(pcm) / 16000 == pytest.approx(seconds, abs=0.06)
    steady = pcm[1600:-1600]
    assert dominant_frequency(steady, 16000) == pytest.approx(1000.0, rel=0.005)
    assert np.max(np.abs(steady)) == pytest.approx(0.4, rel=0.05)


def test_level_of_silence_and_full_scale():
    assert level_dbfs(bytes(CHUNK_BYTES)) == -100.0
    full = (np.ones(800) * 32767).astype(np.int16).tobytes()
    assert level_dbfs(full) == pytest.approx(0.0, abs=0.01)


def test_level_is_the_rms_in_dbfs():
    """What the meter and the silence hint read: a half-scale sine peaks at -6 dBFS and its
    RMS is 3 dB lower; a quiet square wave's RMS is its height."""
    t = np.arange(800) / 16000
    sine = (0.5 * 32768 * np.sin(2 * np.pi * 1000 * t)).astype(np.int16).tobytes()
    assert level_dbfs(sine) == pytest.approx(-9.03, abs=0.01)
    square = np.where(np.arange(800) % 16 < 8, 33, -33).astype(np.int16).tobytes()
    assert level_dbfs(square) == pytest.approx(20 * np.log10(33 / 32768), abs=1e-9)


@pytest.mark.parametrize("rate", [8000, 11025, 22050, 32000, 44100, 48000, 96000])
@pytest.mark.parametrize("channels", [1, 2, 6, 8])
def test_streaming_matches_one_shot_reference(rate, channels):
    """Fed in odd-sized blocks, the stateful converter gives what a one-shot soxr resample of
    the whole downmixed signal gives (to int16 precision): no clicks or gaps at block edges."""
    import soxr

    rng = np.random.default_rng(rate + channels)
    frames = (rng.standard_normal((rate * 2, channels)) * 0.1).astype(np.float32)
    reference = soxr.resample(frames.mean(axis=1).astype(np.float32), rate, 16000, quality="HQ")
    converter = PcmConverter(input_rate=rate, channels=channels)
    chunks: list[bytes] = []
    start = 0
    while start < len(frames):
        size = int(rng.integers(1, 3000))
        chunks.extend(converter.feed(frames[start:start + size]))
        start += size
    out = np.frombuffer(b"".join(chunks), dtype=np.int16) / 32767
    assert len(out) >= len(reference) - 1600, "at most the last unfinished chunks are held back"
    assert np.max(np.abs(out - reference[: len(out)])) < 1e-4


def test_session_format_audio_is_only_cut_into_chunks():
    """16 kHz mono int16 from the sound server: blocks of any size come out as whole 50 ms
    chunks, byte for byte, the rest kept for the next block."""
    from livescribe_gui.audio.capture import ChunkCutter

    audio = bytes(range(256)) * 40  # 10,240 bytes: 6 chunks of 1,600 and 640 left over
    cutter = ChunkCutter()
    out = []
    for start in range(0, len(audio), 700):  # blocks that never end on a chunk's edge
        out += cutter.feed_block(audio[start:start + 700])
    assert [len(c) for c in out] == [CHUNK_BYTES] * 6
    assert b"".join(out) == audio[:6 * CHUNK_BYTES]
    assert cutter.feed_block(audio[:CHUNK_BYTES - 640]) == [audio[6 * CHUNK_BYTES:]
                                                           + audio[:CHUNK_BYTES - 640]]


def test_the_meter_moves_ten_times_a_second_and_never_misses_a_short_sound():
    now = [0.0]
    meter = MeterPace(clock=lambda: now[0])
    shown = []
    for i in range(40):  # two seconds of 50 ms chunks, one loud click among them
        now[0] = i * 0.05
        level = -6.0 if i == 11 else -50.0 - i % 3
        if (value := meter.due(level)) is not None:
            shown.append(value)
    assert len(shown) == 20, "ten reports a second, not one per chunk"
    assert -6.0 in shown, "the click between two reports is shown"
    assert DIGITAL_SILENCE_DBFS not in shown


def test_a_quiet_input_is_reported_once_and_the_next_sound_at_once():
    """Below the meter's floor nothing on screen would move: one report says so, then none
    wake the GUI until there is sound, which is shown at the next report."""
    now = [0.0]
    meter = MeterPace(clock=lambda: now[0])
    shown = []
    for i in range(60):  # a second of sound, a second of silence, a click, silence again
        now[0] = i * 0.05
        level = -20.0 if i < 20 else -6.0 if i == 45 else DIGITAL_SILENCE_DBFS
        if (value := meter.due(level)) is not None:
            shown.append((i, value))
    quiet = [i for i, value in shown if value == DIGITAL_SILENCE_DBFS]
    assert len(quiet) == 2, "one report when the sound stops, one after the click"
    assert [value for i, value in shown if 20 < i < 45] == [DIGITAL_SILENCE_DBFS]
    assert (46, -6.0) in shown or (45, -6.0) in shown, "the click is shown at once"
