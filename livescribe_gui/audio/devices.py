"""The input devices PortAudio reports, as plain values the UI can show and remember."""

from __future__ import annotations

from dataclasses import dataclass

import sounddevice as sd


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    host_api: str
    max_channels: int
    default_rate: float
    is_default: bool

    @property
    def label(self) -> str:
        suffix = " (system default)" if self.is_default else ""
        return f"{self.name}{suffix}"


def list_input_devices() -> list[InputDevice]:
    """Every device with input channels; the system default first."""
    try:
        default_index = sd.default.device[0]
    except (sd.PortAudioError, IndexError, TypeError):
        default_index = -1
    host_apis = sd.query_hostapis()
    devices = []
    for info in sd.query_devices():
        if info["max_input_channels"] <= 0:
            continue
        devices.append(
            InputDevice(
                index=info["index"],
                name=info["name"],
                host_api=host_apis[info["hostapi"]]["name"],
                max_channels=info["max_input_channels"],
                default_rate=float(info["default_samplerate"]),
                is_default=info["index"] == default_index,
            )
        )
    devices.sort(key=lambda d: not d.is_default)
    return devices


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
