"""Looks for input devices again (pactl and PortAudio calls can take a while: call it off
the GUI thread)."""

from __future__ import annotations

from livescribe_gui.audio import devices


def scan_devices() -> list[devices.InputDevice]:
    """Look again for devices; PortAudio itself is re-read only while no stream is open."""
    from livescribe_gui.audio import capture  # with PortAudio and numpy: not at start-up

    found = devices.list_input_devices()
    if found and found[0].host_api == devices.PULSE_HOST_API:
        return found
    with capture.portaudio_lock:
        if capture.streams_open() == 0:
            devices.reinitialize_portaudio()
            found = devices.list_input_devices()
    return found
