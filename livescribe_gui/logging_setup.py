"""Logging to a rotating file under the log directory, with the API key scrubbed from records."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Callable

from livescribe_gui import paths


class RedactingFilter(logging.Filter):
    """Replaces the API key anywhere in a record's final message: a last line of defence."""

    def __init__(self, secret: Callable[[], str]):
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        secret = self._secret()
        if secret:
            message = record.getMessage()
            if secret in message:
                record.msg = message.replace(secret, "[redacted]")
                record.args = None
        return True


def configure(*, secret: Callable[[], str], verbose: bool = False) -> None:
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    redact = RedactingFilter(secret)
    handlers: list[logging.Handler] = []
    try:
        directory = paths.log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                directory / "livescribe.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
            )
        )
    except OSError as exc:
        print(f"LiveScribe: cannot write the log file ({exc})", file=sys.stderr)
    handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(redact)
        root.addHandler(handler)
    # websockets logs handshake headers (the key among them) at DEBUG.
    logging.getLogger("websockets").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
