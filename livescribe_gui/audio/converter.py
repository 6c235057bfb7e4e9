"""Turns whatever the device gives (any rate, any channel count) into mono int16 chunks.

The resampler is stateful (soxr stream), so chunk edges leave no clicks; output is cut into
fixed-size chunks because the server wants 50 ms messages.
"""

from __future__ import annotations

import numpy as np
import soxr

from livescribe_gui.audio.session_format import CHUNK_MS, SESSION_RATE


class PcmConverter:
    def __init__(self, *, input_rate: int, channels: int, output_rate: int = SESSION_RATE):
        self.input_rate = input_rate
        self.channels = channels
        self.output_rate = output_rate
        self._chunk_samples = output_rate * CHUNK_MS // 1000
        self._resampler = (
            None
            if input_rate == output_rate
            else soxr.ResampleStream(input_rate, output_rate, 1, dtype="float32", quality="HQ")
        )
        self._pending = np.empty(0, dtype=np.int16)

    def feed_block(self, block: bytes) -> list[bytes]:
        """A block of interleaved float32 frames, as the capture stream delivers them."""
        return self.feed(np.frombuffer(block, dtype=np.float32).reshape(-1, self.channels))

    def feed(self, frames: np.ndarray) -> list[bytes]:
        """Take float32 frames shaped (n, channels); return the complete chunks now available."""
        mono = frames.mean(axis=1, dtype=np.float32) if frames.ndim == 2 else frames
        if self._resampler is not None:
            mono = self._resampler.resample_chunk(mono.astype(np.float32, copy=False))
        pcm = np.clip(np.rint(mono * 32767.0), -32768, 32767).astype(np.int16)
        self._pending = np.concatenate((self._pending, pcm))
        count = len(self._pending) // self._chunk_samples
        chunks = [
            self._pending[i * self._chunk_samples : (i + 1) * self._chunk_samples].tobytes()
            for i in range(count)
        ]
        self._pending = self._pending[count * self._chunk_samples :]
        return chunks

