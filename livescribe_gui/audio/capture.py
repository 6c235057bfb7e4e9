"""Opens an input device and hands its audio on as 50 ms mono int16 chunks.

The chunks wait for `read()` (the level preview), or go straight to a sink on the capture
thread as each one completes (a session: `deliver_to`), so no other thread has to wake
between the device and the socket. Where the device (or the sound server) gives 16 kHz mono
int16, as PulseAudio and PipeWire do for every source, its bytes are only cut into chunks:
NumPy and the resampler are loaded only for a device that needs converting.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import sounddevice as sd

from livescribe_gui.audio import pulse
from livescribe_gui.audio.devices import InputDevice
from livescribe_gui.audio.session_format import CHUNK_BYTES, CHUNK_MS, SESSION_RATE

log = logging.getLogger(__name__)

# A device that delivers nothing for this long is treated as gone.
SILENT_DEVICE_SECONDS = 5.0
BLOCKS_PER_CHUNK = 2


# PortAudio may only be re-initialised (to find new devices) while no stream is open.
portaudio_lock = threading.Lock()
_open_streams = 0


def streams_open() -> int:
    return _open_streams


class DeviceError(Exception):
    """The input device could not be opened or stopped working; the message is for people."""


@dataclass(frozen=True)
class CaptureFormat:
    rate: int
    channels: int

    @property
    def is_session_format(self) -> bool:
        return (self.rate, self.channels) == (SESSION_RATE, 1)

    @property
    def dtype(self) -> str:
        """int16 when it is already what the service is sent; else float32 to convert."""
        return "int16" if self.is_session_format else "float32"


class ChunkCutter:
    """Session-format audio, cut into 50 ms chunks (a block rarely ends on a chunk's edge)."""

    def __init__(self) -> None:
        self._pending = b""

    def feed_block(self, block: bytes) -> list[bytes]:
        self._pending += block
        whole = len(self._pending) - len(self._pending) % CHUNK_BYTES
        chunks = [self._pending[i:i + CHUNK_BYTES] for i in range(0, whole, CHUNK_BYTES)]
        self._pending = self._pending[whole:]
        return chunks


def chunker_for(device: InputDevice, fmt: CaptureFormat) -> object:
    """What cuts (or converts, then cuts) this format's blocks into session chunks."""
    if fmt.is_session_format:
        return ChunkCutter()
    try:
        from livescribe_gui.audio.converter import PcmConverter
    except ImportError:
        # The Linux bundle has no resampler: sound-server sources and ALSA cards never need
        # one there, but a JACK port runs at the JACK server's rate.
        layout = {1: "mono", 2: "stereo"}.get(fmt.channels, f"{fmt.channels}-channel")
        raise DeviceError(
            f"“{device.name}” delivers only {fmt.rate} Hz {layout} audio, which this copy of "
            "LiveScribe cannot convert to the 16 kHz mono the service needs. Choose the same "
            "input through PulseAudio or PipeWire, or install LiveScribe with pip."
        ) from None
    return PcmConverter(input_rate=fmt.rate, channels=fmt.channels)


def _candidates(device: InputDevice) -> list[CaptureFormat]:
    native = int(device.default_rate) or 48_000
    if device.source:
        # A sound-server source: let the server convert to 16 kHz mono, as it does for every
        # recording app. Converting here (soxr) held audio back 18 ms at the median, 44 ms at
        # p99 (see docs/benchmarks.md); the server's own rate is the fallback.
        return [CaptureFormat(SESSION_RATE, 1), CaptureFormat(native, device.max_channels)]
    return [
        CaptureFormat(SESSION_RATE, 1),
        CaptureFormat(native, 1),
        CaptureFormat(native, min(device.max_channels, 2)),
        CaptureFormat(native, device.max_channels),
    ]


def _extra_settings(device: InputDevice) -> object | None:
    if device.host_api == "Windows WASAPI":
        # Shared mode runs at the mixer's rate; let Windows convert to what we ask for.
        return sd.WasapiSettings(auto_convert=True)
    return None


def choose_format(device: InputDevice) -> CaptureFormat:
    """The first format the device accepts: the session's own rate in mono, else its native rate."""
    for fmt in _candidates(device):
        try:
            sd.check_input_settings(
                device=device.index, samplerate=fmt.rate, channels=fmt.channels,
                dtype=fmt.dtype, extra_settings=_extra_settings(device),
            )
            return fmt
        except (sd.PortAudioError, ValueError):
            continue
    raise DeviceError(
        f"“{device.name}” accepts none of the usual audio formats. "
        "Choose another input, or check it in your system's sound settings."
    )


ChunkSink = Callable[[list[bytes]], None]


class AudioCapture:
    """An open input stream. Complete chunks wait for `read()`, or, after `deliver_to(sink)`,
    are given to the sink on the capture thread as soon as they are whole."""

    def __init__(self, device: InputDevice):
        self.device = device
        with portaudio_lock:  # trying formats opens the device: not while PortAudio restarts
            self.format = choose_format(device)
        self._queue: queue.SimpleQueue[list[bytes]] = queue.SimpleQueue()
        self._sink: ChunkSink = self._queue.put
        self._sink_lock = threading.Lock()
        self._sink_error: BaseException | None = None
        # Blocks are gathered on the callback thread until they complete a 50 ms chunk.
        self._gathered: list[bytes] = []
        self._frames_seen = 0
        self._chunk_frames = self.format.rate * CHUNK_MS // 1000
        self._chunker = chunker_for(device, self.format)
        self.overflows = 0
        self._last_audio_at = time.monotonic()
        self._removal = pulse.SourceRemovalWatch(device.source_index) if device.source else None
        opening = pulse.recording_from(device.source) if device.source else contextlib.nullcontext()
        global _open_streams
        try:
            with portaudio_lock, opening:
                # Raw buffers: skipping the NumPy wrapping in the callback halves its cost.
                self._stream = sd.RawInputStream(
                    device=device.index,
                    samplerate=self.format.rate,
                    channels=self.format.channels,
                    dtype=self.format.dtype,
                    # Half a chunk (25 ms): listening cost 2.3–2.4 % of a core, against
                    # 3.4–3.6 % with the 8.7 ms blocks PortAudio picks itself (a call into
                    # Python 115 times a second), for a chunk reaching the socket ~9 ms later
                    # at the median (the callback wakes on its 25 ms period, not when audio
                    # arrives); whole-chunk blocks were later still (+17 to +21 ms).
                    # Measured in benchmarks/METHODS.md.
                    blocksize=self._chunk_frames // BLOCKS_PER_CHUNK,
                    callback=self._on_audio,
                    extra_settings=_extra_settings(device),
                )
                self._stream.start()
                _open_streams += 1
        except (sd.PortAudioError, ValueError) as exc:
            if self._removal is not None:
                self._removal.close()
            raise DeviceError(
                f"Could not open “{device.name}” ({exc}). It may be busy or unplugged: "
                "choose another input or reconnect it."
            ) from None

    def _on_audio(self, indata, frames: int, time_info, status) -> None:  # noqa: ANN001
        if status.input_overflow:
            self.overflows += 1
        self._gathered.append(bytes(indata))
        before, self._frames_seen = self._frames_seen, self._frames_seen + frames
        if self._frames_seen // self._chunk_frames == before // self._chunk_frames:
            return
        self._last_audio_at = time.monotonic()
        chunks = self._chunker.feed_block(b"".join(self._gathered))
        self._gathered.clear()
        if not chunks:
            return
        with self._sink_lock:
            try:
                self._sink(chunks)
            except Exception as exc:
                # Raised on the capture thread, where nobody would hear it: the stream
                # stops, and `check()` raises it where the consumer waits.
                log.exception("the capture's sink failed")
                self._sink_error = exc
                raise sd.CallbackAbort from None

    def deliver_to(self, sink: ChunkSink) -> None:
        """From now on give each complete chunk to `sink`, on the capture thread; chunks
        captured before and not yet read go to it first, in order."""
        with self._sink_lock:
            waiting = self._take_waiting()
            if waiting:
                sink(waiting)
            self._sink = sink

    def _take_waiting(self) -> list[bytes]:
        chunks: list[bytes] = []
        while True:
            try:
                chunks.extend(self._queue.get_nowait())
            except queue.Empty:
                return chunks

    def read(self, timeout: float) -> list[bytes]:
        """Wait up to `timeout` for audio; return every complete chunk captured so far."""
        try:
            chunks = self._queue.get(timeout=timeout)
        except queue.Empty:
            return []
        return chunks + self._take_waiting()

    def check(self) -> None:
        """Raise what went wrong in the sink on the capture thread, if anything did."""
        if self._sink_error is not None:
            raise RuntimeError("delivering captured audio failed") from self._sink_error

    @property
    def lost(self) -> bool:
        """The device is gone: removed, stopped, or silent at the driver level for too long."""
        if self._removal is not None and self._removal.removed.is_set():
            return True
        if not self._stream.active:
            return True
        return time.monotonic() - self._last_audio_at > SILENT_DEVICE_SECONDS

    def close(self) -> None:
        global _open_streams
        if self._removal is not None:
            self._removal.close()
        with portaudio_lock:
            try:
                # abort, not stop: stop waits for buffers already captured, which nobody
                # will read (up to 2 s through the ALSA-to-PulseAudio plugin).
                self._stream.abort()
            except sd.PortAudioError:
                pass
            finally:
                self._stream.close(ignore_errors=True)
                _open_streams -= 1
