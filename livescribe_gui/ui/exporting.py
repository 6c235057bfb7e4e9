"""Export and copy actions shared by the main and history windows. Files are written on a
pool thread (they fsync); the outcome comes back as a sentence for the status line."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from livescribe_gui.transcript import history, store
from livescribe_gui.transcript.export import FORMATS, ExportError, export

log = logging.getLogger(__name__)

FILTERS = ";;".join(f"{label} (*.{ext})" for ext, label in FORMATS.items())


def ask_export_path(parent: QWidget, suggested: str) -> tuple[Path, str] | None:
    """The save dialog; returns the path and the chosen format (by filter or extension)."""
    path, chosen = QFileDialog.getSaveFileName(parent, "Export transcript", suggested, FILTERS)
    if not path:
        return None
    fmt = next((ext for ext, label in FORMATS.items() if chosen.startswith(label)), "txt")
    target = Path(path)
    if target.suffix.lstrip(".").lower() in FORMATS:
        fmt = target.suffix.lstrip(".").lower()
    else:
        target = target.with_suffix("." + fmt)
    return target, fmt


class _ExportJob(QRunnable):
    def __init__(self, exporter: Exporter, session_id: int, path: Path, fmt: str):
        super().__init__()
        self._args = (exporter, session_id, path, fmt)

    def run(self) -> None:
        exporter, session_id, path, fmt = self._args
        try:
            conn = store.connect(exporter.database)
            try:
                doc = history.load_session(conn, session_id)
            finally:
                conn.close()
            if doc is None:
                raise ExportError("That session no longer exists.")
            export(doc, path, fmt)
        except ExportError as exc:
            exporter.finished.emit(False, str(exc))
        except Exception:
            log.exception("export failed")
            exporter.finished.emit(False, "The export failed; details are in the log file.")
        else:
            exporter.finished.emit(True, f"Exported to {path}.")


class Exporter(QObject):
    finished = Signal(bool, str)  # ok, a sentence for the status line

    def __init__(self, parent: QObject | None = None, *, database: Path | None = None):
        super().__init__(parent)
        self.database = database
        self._pool = QThreadPool(self)

    def export_session(self, session_id: int, path: Path, fmt: str) -> None:
        self._pool.start(_ExportJob(self, session_id, path, fmt))

    def wait(self, msecs: int = 10000) -> None:
        self._pool.waitForDone(msecs)
