"""Opens an input device and hands its audio to the worker as 50 ms mono int16 chunks.

The PortAudio callback only copies and enqueues; conversion happens on the caller's thread.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass

import numpy as np
import sounddevice as sd

from livescribe_gui.audio.converter import SESSION_RATE, PcmConverter
from livescribe_gui.audio.devices import InputDevice


class DeviceError(Exception):
    """The input device could not be opened or stopped working; the message is for people."""


@dataclass(frozen=True)
class CaptureFormat:
    rate: int
    channels: int


def choose_format(device: InputDevice) -> CaptureFormat:
    """The first format the device accepts: the session's own rate in mono, else its native rate."""
    native = int(device.default_rate) or 48_000
    candidates = [
        CaptureFormat(SESSION_RATE, 1),
        CaptureFormat(native, 1),
        CaptureFormat(native, min(device.max_channels, 2)),
        CaptureFormat(native, device.max_channels),
    ]
    for fmt in candidates:
        try:
            sd.check_input_settings(
                device=device.index, samplerate=fmt.rate, channels=fmt.channels, dtype="float32"
            )
            return fmt
        except (sd.PortAudioError, ValueError):
            continue
    raise DeviceError(
        f"“{device.name}” accepts none of the usual audio formats. "
        "Choose another input, or check it in your system's sound settings."
    )


class AudioCapture:
    """An open input stream; `read()` returns the session-format chunks captured so far."""

    def __init__(self, device: InputDevice, *, block_ms: int = 50):
        self.device = device
        self.format = choose_format(device)
        self._queue: queue.SimpleQueue[np.ndarray] = queue.SimpleQueue()
        self._converter = PcmConverter(input_rate=self.format.rate, channels=self.format.channels)
        self.overflows = 0
        try:
            self._stream = sd.InputStream(
                device=device.index,
                samplerate=self.format.rate,
                channels=self.format.channels,
                dtype="float32",
                blocksize=self.format.rate * block_ms // 1000,
                callback=self._on_audio,
            )
            self._stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise DeviceError(
                f"Could not open “{device.name}” ({exc}). It may be busy or unplugged: "
                "choose another input or reconnect it."
            ) from None

    def _on_audio(self, indata: np.ndarray, frames: int, time_info, status) -> None:  # noqa: ANN001
        if status.input_overflow:
            self.overflows += 1
        self._queue.put(indata.copy())

    def read(self, timeout: float) -> list[bytes]:
        """Wait up to `timeout` for audio; return every complete chunk converted so far."""
        try:
            blocks = [self._queue.get(timeout=timeout)]
        except queue.Empty:
            return []
        while True:
            try:
                blocks.append(self._queue.get_nowait())
            except queue.Empty:
                break
        chunks: list[bytes] = []
        for block in blocks:
            chunks.extend(self._converter.feed(block))
        return chunks

    @property
    def active(self) -> bool:
        return bool(self._stream.active)

    def close(self) -> None:
        try:
            self._stream.stop()
        except sd.PortAudioError:
            pass
        finally:
            self._stream.close(ignore_errors=True)
