"""The inputs a person can choose from, as plain values the UI can show and remember.

On Linux with PulseAudio or PipeWire the list is the sound server's sources by description
(microphones first, then the "Monitor of …" sources that carry the computer's own sound), all
captured through PortAudio's "pulse" device. Elsewhere it is PortAudio's inputs, one entry per
physical device: where a device shows up under several host APIs the preferred API wins.

`sounddevice` is imported by the functions that ask PortAudio, which run off the GUI thread:
importing it starts PortAudio and talks to the sound server, which start-up should not wait for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from livescribe_gui.audio import pulse

log = logging.getLogger(__name__)

PULSE_HOST_API = "PulseAudio"
# Lower is preferred; WASAPI converts rates in shared mode and names devices fully.
HOST_API_PREFERENCE = ["Windows WASAPI", "Core Audio", "ALSA", "JACK Audio Connection Kit",
                       "Windows DirectSound", "MME", "Windows WDM-KS"]


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    host_api: str
    max_channels: int
    default_rate: float
    is_default: bool
    source: str = ""
    source_index: int = -1
    is_monitor: bool = False

    @property
    def label(self) -> str:
        return f"{self.name} (default)" if self.is_default else self.name


def list_input_devices() -> list[InputDevice]:
    """The default first, then microphones, then monitors of the computer's own sound."""
    devices = _pulse_devices() or _portaudio_devices()
    devices.sort(key=lambda d: (not d.is_default, d.is_monitor))
    return devices


def _pulse_devices() -> list[InputDevice]:
    import sounddevice as sd

    try:
        bridge = sd.query_devices("pulse", "input")
    except (ValueError, sd.PortAudioError):
        return []
    listed = pulse.list_sources()
    if not listed:
        return []
    sources, default_name = listed
    return [
        InputDevice(
            index=bridge["index"],
            name=s.description,
            host_api=PULSE_HOST_API,
            max_channels=s.channels,
            default_rate=float(s.rate),
            is_default=s.name == default_name,
            source=s.name,
            source_index=s.index,
            is_monitor=s.is_monitor,
        )
        for s in sources
    ]


def _portaudio_devices() -> list[InputDevice]:
    """The inputs of the most preferred host API that has any (one entry per device: MME,
    DirectSound and WASAPI each list the same microphone, MME with its name cut short)."""
    import sounddevice as sd

    host_apis = sd.query_hostapis()
    inputs = [info for info in sd.query_devices() if info["max_input_channels"] > 0]
    if not inputs:
        return []
    best_api = min({info["hostapi"] for info in inputs}, key=lambda i: _rank(host_apis[i]["name"]))
    default_index = host_apis[best_api]["default_input_device"]
    return [
        InputDevice(
            index=info["index"],
            name=info["name"],
            host_api=host_apis[best_api]["name"],
            max_channels=info["max_input_channels"],
            default_rate=float(info["default_samplerate"]),
            is_default=info["index"] == default_index,
        )
        for info in inputs
        if info["hostapi"] == best_api
    ]


def _rank(host_api: str) -> int:
    try:
        return HOST_API_PREFERENCE.index(host_api)
    except ValueError:
        return len(HOST_API_PREFERENCE)


def reinitialize_portaudio() -> None:
    """Make PortAudio look for devices again. Only safe while no stream is open."""
    import sounddevice as sd

    sd._terminate()
    sd._initialize()


def find_device(
    devices: list[InputDevice], *, name: str, host_api: str = "", substring: bool = False
) -> InputDevice | None:
    """Match by host API + exact name (remembered choice) or by a name fragment (`--device`)."""
    wanted = name.casefold()
    for device in devices:
        if host_api and device.host_api != host_api:
            continue
        have = device.name.casefold()
        if (wanted in have) if substring else (have == wanted):
            return device
    return None
