"""The versions of what LiveScribe runs on, for the About dialog and bug reports."""

from __future__ import annotations

import platform
import sys

import assemblyai
import PySide6
import sounddevice as sd
from PySide6.QtCore import qVersion

from livescribe_gui import __version__


def components() -> list[tuple[str, str]]:
    return [
        ("LiveScribe", __version__),
        ("Python", sys.version.split()[0]),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("AssemblyAI SDK", assemblyai.__version__),
        ("PortAudio", sd.get_portaudio_version()[1]),
        ("System", platform.platform()),
    ]
