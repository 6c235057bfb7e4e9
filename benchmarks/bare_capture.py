"""The floor: capture from the same device in the same format and do nothing with it.
What this costs is what the audio stack itself costs, before any app code runs."""

from __future__ import annotations

import signal
import sys
import threading

import sounddevice as sd

stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
with sd.RawInputStream(samplerate=16_000, channels=1, dtype="int16") as stream:
    while not stop.is_set():
        stream.read(800)
sys.exit(0)
