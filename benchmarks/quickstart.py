"""The baseline: AssemblyAI's streaming quickstart, as plain as it gets. A blocking
`RawInputStream.read(800)` loop feeds `StreamingClient.stream`; turns are printed.
Runs until SIGTERM, then ends the session with Terminate like the app does."""

from __future__ import annotations

import os
import signal
import sys
import threading

import sounddevice as sd
from assemblyai.streaming.v3 import (
    StreamingClient,
    StreamingClientOptions,
    StreamingEvents,
    StreamingParameters,
)

stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())


def microphone():  # noqa: ANN201
    with sd.RawInputStream(samplerate=16_000, channels=1, dtype="int16") as stream:
        while not stop.is_set():
            data, _overflowed = stream.read(800)
            yield bytes(data)


client = StreamingClient(StreamingClientOptions(
    api_key=os.environ["ASSEMBLYAI_API_KEY"], api_host=os.environ["LIVESCRIBE_STREAMING_HOST"]))
client.on(StreamingEvents.Turn, lambda _c, event: print(event.transcript, flush=True))
client.connect(StreamingParameters(sample_rate=16_000, format_turns=True))
try:
    client.stream(microphone())
finally:
    client.disconnect(terminate=True)
sys.exit(0)
