"""The PulseAudio/PipeWire view of inputs: sources by description, monitors marked.

PortAudio sees a sound server only as one ALSA device ("pulse"); the sources behind it come
from `pactl`, and a stream is pointed at one by `PULSE_SOURCE` while it opens.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

log = logging.getLogger(__name__)

_env_lock = threading.Lock()
DEFAULT_SOURCE = "@DEFAULT_SOURCE@"  # the sound server's name for its default source


@dataclass(frozen=True)
class PulseSource:
    index: int
    name: str
    description: str
    rate: int
    channels: int
    is_monitor: bool


def _pactl(*args: str, timeout: float = 5.0) -> str | None:
    if shutil.which("pactl") is None:
        return None
    try:
        result = subprocess.run(
            ["pactl", *args], capture_output=True, text=True, timeout=timeout, check=True
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.info("pactl %s failed: %s", " ".join(args), exc)
        return None
    return result.stdout


def _parse_spec(spec: str) -> tuple[int, int]:
    """'s16le 2ch 48000Hz' -> (48000, 2)."""
    rate, channels = 48_000, 2
    for part in spec.split():
        if part.endswith("Hz") and part[:-2].isdigit():
            rate = int(part[:-2])
        elif part.endswith("ch") and part[:-2].isdigit():
            channels = int(part[:-2])
    return rate, channels


def list_sources() -> tuple[list[PulseSource], str] | None:
    """The sound server's sources and the default source's name; None without a sound server."""
    listing = _pactl("--format=json", "list", "sources")
    default = _pactl("get-default-source")
    if listing is None:
        return None
    try:
        raw = json.loads(listing)
    except ValueError:
        return None
    sources = []
    for entry in raw:
        rate, channels = _parse_spec(entry.get("sample_specification", ""))
        properties = entry.get("properties", {})
        sources.append(
            PulseSource(
                index=int(entry["index"]),
                name=entry["name"],
                description=entry.get("description") or entry["name"],
                rate=rate,
                channels=channels,
                is_monitor=properties.get("device.class") == "monitor"
                or entry["name"].endswith(".monitor"),
            )
        )
    return sources, (default or "").strip()


@contextmanager
def recording_from(source_name: str) -> Iterator[None]:
    """Point streams opened inside this block at one source (libpulse reads PULSE_SOURCE).

    Afterwards the variable is set back (to the server's default source if it was unset),
    never removed: removing and adding it again reallocates the process's environment while
    libpulse threads of streams already open may be reading it (a crash seen in tests).
    Replacing a value is safe: glibc keeps old values alive.
    """
    with _env_lock:
        previous = os.environ.get("PULSE_SOURCE", DEFAULT_SOURCE)
        os.environ["PULSE_SOURCE"] = source_name
        try:
            yield
        finally:
            os.environ["PULSE_SOURCE"] = previous


class SourceRemovalWatch:
    """Notices a source being removed (a USB mic unplugged, a sink unloaded) as it happens.

    The sound server would otherwise quietly move the stream to another source.
    """

    def __init__(self, source_index: int):
        self._index = source_index
        self.removed = threading.Event()
        self._process: subprocess.Popen[str] | None = None
        if shutil.which("pactl") is None:
            return
        self._process = subprocess.Popen(
            ["pactl", "subscribe"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        threading.Thread(target=self._watch, name="pulse-source-watch", daemon=True).start()

    def _watch(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        wanted = f"'remove' on source #{self._index}"
        for line in self._process.stdout:
            if wanted in line:
                self.removed.set()
                break

    def close(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(5)
