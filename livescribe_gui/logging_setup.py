"""Logging to a rotating file under the log directory, with the API key scrubbed from records."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Callable
from pathlib import Path

from livescribe_gui import paths


class RedactingFilter(logging.Filter):
    """Replaces the API key anywhere in a record's final message, its exception and its
    stack: a last line of defence."""

    _formatter = logging.Formatter()

    def __init__(self, secret: Callable[[], str]):
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        secret = self._secret()
        if not secret:
            return True
        message = record.getMessage()
        if secret in message:
            record.msg = message.replace(secret, "[redacted]")
            record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters use this text instead of formatting the exception again.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text and secret in record.exc_text:
            record.exc_text = record.exc_text.replace(secret, "[redacted]")
        if record.stack_info and secret in record.stack_info:
            record.stack_info = record.stack_info.replace(secret, "[redacted]")
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Log files (the current one and each one begun after a rotation) are owner-only."""

    def _open(self):  # noqa: ANN202 (logging's own hook)
        paths.private_file(Path(self.baseFilename))
        return super()._open()


def configure(*, secret: Callable[[], str], verbose: bool = False) -> None:
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    redact = RedactingFilter(secret)
    handlers: list[logging.Handler] = []
    try:
        directory = paths.private_dir(paths.log_dir())
        handlers.append(
            PrivateRotatingFileHandler(
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
