"""Looks for input devices (pactl and PortAudio calls can take a while: call these off the GUI
thread). Each time PortAudio has listed the devices, ALSA plugin modules that the listing
loaded and no recording uses are let go of (`alsa_modules`)."""

from __future__ import annotations

from livescribe_gui.audio import alsa_modules, devices


def first_scan() -> list[devices.InputDevice]:
    """At start-up: the devices PortAudio listed as it started."""
    from livescribe_gui.audio import capture  # with PortAudio: not on the GUI thread

    found = devices.list_input_devices()
    with capture.portaudio_lock:
        if capture.streams_open() == 0:
            alsa_modules.let_go_of_unused()
    return found


def scan_devices() -> list[devices.InputDevice]:
    """Look again for devices; PortAudio itself is re-read only while no stream is open."""
    from livescribe_gui.audio import capture

    found = devices.list_input_devices()
    if found and found[0].host_api == devices.PULSE_HOST_API:
        return found
    with capture.portaudio_lock:
        if capture.streams_open() == 0:
            devices.reinitialize_portaudio()
            found = devices.list_input_devices()
            alsa_modules.let_go_of_unused()
    return found
