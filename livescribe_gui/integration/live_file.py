"""A live text file for other programs (OBS's "Read from file" text source): the last lines
of the transcript, rewritten atomically on each change, so a reader never sees half a file.

Writes happen on a thread of their own and are coalesced: a burst of updates becomes one
write of the newest text. The file is private like everything else LiveScribe writes.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from livescribe_gui import paths

log = logging.getLogger(__name__)


def live_text(finals: list[str], live: str, lines: int) -> str:
    """The last `lines` turns (0: all), the growing one last."""
    shown = finals + ([live] if live else [])
    return "\n".join(shown[-lines:] if lines else shown) + "\n"


class LiveTextFile:
    def __init__(self, path: Path, *, lines: int = 2):
        self.path = path
        self.lines = lines
        self._pending: str | None = None
        self._changed = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="live-text-file", daemon=True)
        self._thread.start()

    def update(self, finals: list[str], live: str) -> None:
        text = live_text(finals, live, self.lines)
        with self._changed:
            self._pending = text
            self._changed.notify()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify()
        self._thread.join(5)

    def _run(self) -> None:
        while True:
            with self._changed:
                while self._pending is None and not self._closed:
                    self._changed.wait()
                text, self._pending = self._pending, None
                closed = self._closed
            if text is not None:
                self._write(text)
            if closed:
                return

    def _write(self, text: str) -> None:
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, paths.PRIVATE_FILE)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("could not write the live text file: %s", exc.strerror)
