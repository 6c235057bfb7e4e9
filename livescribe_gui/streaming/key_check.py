"""The "Test key" button: open a real session, and end it with Terminate at once."""

from __future__ import annotations

import threading

from assemblyai.streaming.v3 import (
    StreamingClient,
    StreamingClientOptions,
    StreamingEvents,
)

from livescribe_gui.streaming.errors import classify
from livescribe_gui.streaming.events import FailureKind
from livescribe_gui.streaming.options import StreamingOptions
from livescribe_gui.streaming.parameters import connection_parameters


def check_key(key: str, *, host: str, timeout: float = 10.0) -> str:
    """A sentence saying whether the key works. Blocks: call it off the GUI thread."""
    began = threading.Event()
    errors: list[Exception] = []
    client = StreamingClient(StreamingClientOptions(api_key=key, api_host=host,
                                                    connect_timeout=5.0, max_connection_retries=0,
                                                    terminate_timeout=3.0))
    client.on(StreamingEvents.Begin, lambda _c, _e: began.set())

    def on_error(_client: StreamingClient, error: Exception) -> None:
        errors.append(error)
        began.set()

    client.on(StreamingEvents.Error, on_error)
    client.connect(connection_parameters(StreamingOptions()))
    began.wait(timeout)
    client.disconnect(terminate=not errors)
    if errors:
        failure = classify(errors[0], host=host)
        if failure.kind is FailureKind.AUTH:
            return "AssemblyAI did not accept this key. Check it, or the account's balance."
        return failure.message
    if not began.is_set():
        return f"The transcription service at {host} did not answer; try again later."
    return "The key works."
