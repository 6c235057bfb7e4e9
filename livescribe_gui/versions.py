"""The versions of what LiveScribe runs on, for the About dialog and bug reports."""

from __future__ import annotations

import sys

import PySide6
from PySide6.QtCore import qVersion

from livescribe_gui import __version__


def components() -> list[tuple[str, str]]:
    # Only when the versions are asked for: sounddevice starts PortAudio, and
    # importlib.metadata and platform cost the window's start-up ~15 ms.
    import platform
    from importlib import metadata

    import sounddevice as sd

    return [
        ("LiveScribe", __version__),
        ("Python", sys.version.split()[0]),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        # The installed distribution's version: importing the SDK to ask costs start-up.
        ("AssemblyAI SDK", metadata.version("assemblyai")),
        ("PortAudio", sd.get_portaudio_version()[1]),
        ("System", platform.platform()),
    ]
