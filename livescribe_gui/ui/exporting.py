"""Export and copy actions shared by the main and history windows. Files are written on a
background thread (they fsync); the outcome comes back as a sentence for the status line."""

from __future__ import annotations

import dataclasses
import logging
import re
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from livescribe_gui.transcript import history, store
from livescribe_gui.transcript.export import FORMATS, ExportError, export
from livescribe_gui.ui.background import BackgroundCall

log = logging.getLogger(__name__)

FILTERS = ";;".join(f"{label} (*.{ext})" for ext, label in FORMATS.items())


def export_name(title: str, started_at: str) -> str:
    """A file name from the session: its date and title ("2026-12-01 Budget review")."""
    day = started_at[:10]
    words = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", title).split()
    name = " ".join(words)[:60].rstrip(" .…") or "transcript"
    return f"{day} {name}".strip()


def ask_export_path(parent: QWidget, name: str) -> tuple[Path, str] | None:
    """The save dialog. The chosen type decides the format, and the file's extension
    follows it (a name typed with another type's extension gets this type's)."""
    dialog = QFileDialog(parent, "Export transcript", str(Path.home() / f"{name}.txt"), FILTERS)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("txt")
    dialog.filterSelected.connect(
        lambda chosen: dialog.setDefaultSuffix(_format_of(chosen)))
    if not dialog.exec():
        return None
    fmt = _format_of(dialog.selectedNameFilter())
    target = Path(dialog.selectedFiles()[0])
    if target.suffix.lstrip(".").lower() != fmt:
        stem = target.stem if target.suffix.lstrip(".").lower() in FORMATS else target.name
        target = target.with_name(f"{stem}.{fmt}")
    return target, fmt


def _format_of(name_filter: str) -> str:
    return next((ext for ext, label in FORMATS.items() if name_filter.startswith(label)), "txt")


def _export(database: Path | None, session: int | history.SessionTranscript, path: Path,
            fmt: str, subtitle_text: str, notes: history.Notes | None = None,
            words_from: int | None = None) -> tuple[bool, str]:
    try:
        if isinstance(session, int):
            with closing(store.connect(database)) as conn:
                doc = history.load_session(conn, session)
        elif words_from is not None:
            with closing(store.connect(database)) as conn:
                doc = dataclasses.replace(session, turns=history.with_stored_words(
                    conn, words_from, session.turns))
        else:
            doc = session
        if doc is None:
            raise ExportError("That session no longer exists.")
        if notes is not None:
            doc = dataclasses.replace(doc, notes=notes)
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

    def export_session(self, session_id: int, path: Path, fmt: str,
                       notes: history.Notes | None = None) -> None:
        """`notes`: the notes as shown (edits not yet saved), instead of the stored ones."""
        database, subtitles = self.database, self.subtitle_text
        self._calls.start(lambda: _export(database, session_id, path, fmt, subtitles, notes))

    def export_document(self, doc: history.SessionTranscript, path: Path, fmt: str,
                        words_from: int | None = None) -> None:
        """A transcript as shown (history is off, or a selection); `words_from`: the stored
        session that holds the word timings its turns left to the store."""
        database, subtitles = self.database, self.subtitle_text
        self._calls.start(
            lambda: _export(database, doc, path, fmt, subtitles, words_from=words_from))
