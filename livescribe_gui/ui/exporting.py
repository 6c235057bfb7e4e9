"""Export and copy actions shared by the main and history windows. Files are written on a
background thread (they fsync); the outcome comes back as a sentence for the status line."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from livescribe_gui.transcript import history, store
from livescribe_gui.transcript.export import FORMATS, ExportError, export
from livescribe_gui.ui.background import BackgroundCall

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


def _export(database: Path | None, session: int | history.SessionTranscript, path: Path,
            fmt: str, subtitle_text: str) -> tuple[bool, str]:
    try:
        if isinstance(session, int):
            conn = store.connect(database)
            try:
                doc = history.load_session(conn, session)
            finally:
                conn.close()
        else:
            doc = session
        if doc is None:
            raise ExportError("That session no longer exists.")
        export(doc, path, fmt, subtitle_text=subtitle_text)
    except ExportError as exc:
        return False, str(exc)
    except Exception:
        log.exception("export failed")
        return False, "The export failed; details are in the log file."
    return True, f"Exported to {path}."


class Exporter(QObject):
    finished = Signal(bool, str)  # ok, a sentence for the status line

    def __init__(self, parent: QObject | None = None, *, database: Path | None = None):
        super().__init__(parent)
        self.database = database
        self.subtitle_text = "original"  # SRT and WebVTT: original, translation or both
        self._calls = BackgroundCall(self, name="export")
        self._calls.done.connect(lambda outcome: self.finished.emit(*outcome))

    def export_session(self, session_id: int, path: Path, fmt: str) -> None:
        database, subtitles = self.database, self.subtitle_text
        self._calls.start(lambda: _export(database, session_id, path, fmt, subtitles))

    def export_document(self, doc: history.SessionTranscript, path: Path, fmt: str) -> None:
        """A transcript that is only in memory (history is off)."""
        subtitles = self.subtitle_text
        self._calls.start(lambda: _export(None, doc, path, fmt, subtitles))
