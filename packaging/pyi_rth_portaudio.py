"""PyInstaller runtime hook: make sounddevice load the PortAudio bundled with the app.

On Linux sounddevice asks `ctypes.util.find_library("portaudio")`, which only searches the
system; point it at the copy beside the app so the bundle runs where libportaudio2 is absent.

The Linux bundle carries no resampler (NumPy and soxr stay out, see livescribe.spec): where
no sound server runs, PortAudio is told to open sound cards through ALSA's plug layer
(`plughw` rather than `hw`), which records them as 16 kHz mono itself.
"""

import ctypes.util
import os
import sys

_bundled = os.path.join(getattr(sys, "_MEIPASS", ""), "libportaudio.so.2")
if os.path.exists(_bundled):
    _system_find_library = ctypes.util.find_library

    def _find_library(name):
        return _bundled if name == "portaudio" else _system_find_library(name)

    ctypes.util.find_library = _find_library

if sys.platform.startswith("linux"):
    os.environ.setdefault("PA_ALSA_PLUGHW", "1")
