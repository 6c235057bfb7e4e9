"""Past sessions: newest first, full-text search with the hits highlighted, a read-only view,
rename, delete (after asking) and export. Reads use their own connection; writes go through
the store's writer thread."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QTextDocumentFragment
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from livescribe_gui.transcript import history
from livescribe_gui.transcript import store as store_module
from livescribe_gui.transcript.model import PartialChanged, TurnAdded, format_timestamp
from livescribe_gui.transcript.store import StoreWriter
from livescribe_gui.ui.exporting import Exporter, ask_export_path, export_name
from livescribe_gui.ui.transcript_view import TranscriptView

SESSION_ID = Qt.ItemDataRole.UserRole
HIT_MS = Qt.ItemDataRole.UserRole + 1  # a search hit's turn


def describe_date(iso: str) -> str:
    try:
        when = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return when.strftime("%a %d %b %Y, %H:%M")


def highlighted(snippet: str) -> str:
    escaped = html.escape(snippet)
    return escaped.replace(history.HIT_START, "<b style='background:#fde68a'>").replace(
        history.HIT_END, "</b>"
    )


class HistoryWindow(QWidget):
    changed = Signal()

    def __init__(self, *, store: StoreWriter | None, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("LiveScribe History")
        self.resize(900, 560)
        self._store = store
        self._conn = store_module.connect()
        self.exporter = Exporter(self)
        self.current_id: int | None = None

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search every transcript…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search transcripts")
        clear = self.search_edit.findChild(QAction, "_q_qlineeditclearaction")
        if clear is not None:
            clear.setText("Clear the search")
        self.search_edit.textChanged.connect(self.reload)
        self.results = QListWidget()
        self.results.setAccessibleName("Sessions")
        self.results.setWordWrap(True)
        self.results.currentItemChanged.connect(self._on_selected)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.search_edit)
        left_layout.addWidget(self.results)

        self.header = QLabel("Choose a session on the left.")
        self.header.setWordWrap(True)
        self.view = TranscriptView()
        self.view.setPlaceholderText("")
        self.rename_button = QPushButton("Rename…")
        self.rename_button.clicked.connect(self.rename_current)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.clicked.connect(self.delete_current)
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self.export_current)
        self.status = QLabel()
        buttons = QHBoxLayout()
        for button in (self.rename_button, self.delete_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for keys, slot in ((("Esc", "Ctrl+W"), self.close),
                           (("Ctrl+F",), self._focus_search),
                           (("Del",), self.delete_current), (("F2",), self.rename_current)):
            action = QAction(self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.triggered.connect(slot)
            self.addAction(action)
        self.delete_all_button = QPushButton("Delete all history…")
        self.delete_all_button.clicked.connect(self.delete_all_asking)
        buttons.addWidget(self.delete_all_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.header)
        right_layout.addWidget(self.view, 1)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.status)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([340, 560])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.changed.connect(self.reload)
        self.exporter.finished.connect(lambda ok, message: self.status.setText(message))
        self._set_buttons()

    def reload(self) -> None:
        query = self.search_edit.text().strip()
        keep = self.current_id
        self.results.blockSignals(True)
        self.results.clear()
        if query:
            sessions = {s.id: s for s in history.list_sessions(self._conn)}
            for hit in history.search(self._conn, query):
                s = sessions.get(hit.session_id)
                where = (f"<b>{html.escape(s.display_title)}</b> · "
                         f"{html.escape(describe_date(s.started_at))}" if s else "")
                self._add_row(hit.session_id,
                              f"{where}<br><small>{format_timestamp(hit.start_ms)}</small> "
                              f"{highlighted(hit.snippet)}", hit_ms=hit.start_ms)
        else:
            for s in history.list_sessions(self._conn):
                mark = " <i>(interrupted)</i>" if s.status == "interrupted" else ""
                self._add_row(
                    s.id,
                    f"<b>{html.escape(describe_date(s.started_at))}</b> · "
                    f"{format_timestamp(s.duration_ms)} · {html.escape(s.device)}{mark}<br>"
                    f"{html.escape(s.display_title)}",
                )
        for row in range(self.results.count()):
            if self.results.item(row).data(SESSION_ID) == keep:
                self.results.setCurrentRow(row)
                break
        self.results.blockSignals(False)
        self.open_session(keep)
        if self.results.count() == 0:
            self.header.setText(
                f"Nothing matches “{html.escape(query)}”. Try fewer or other words."
                if query else "No transcripts yet. Press Start in the main window: every "
                "session is kept here, and you can search them all.")

    def _add_row(self, session_id: int, rich_text: str, *, hit_ms: int | None = None) -> None:
        item = QListWidgetItem()
        item.setData(SESSION_ID, session_id)
        item.setData(HIT_MS, hit_ms)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, QTextDocumentFragment.fromHtml(
            rich_text).toPlainText())
        label = QLabel(rich_text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setContentsMargins(4, 4, 4, 4)
        item.setSizeHint(label.sizeHint())
        self.results.addItem(item)
        self.results.setItemWidget(item, label)

    def row_texts(self) -> list[str]:
        texts = []
        for i in range(self.results.count()):
            widget = self.results.itemWidget(self.results.item(i))
            texts.append(widget.text() if isinstance(widget, QLabel) else "")
        return texts

    def _on_selected(self, item: QListWidgetItem | None) -> None:
        if item is None:
            self.open_session(None)
            return
        self.open_session(item.data(SESSION_ID), hit_ms=item.data(HIT_MS))

    def open_session(self, session_id: int | None, *, hit_ms: int | None = None) -> None:
        """Show a session; opened from a search hit, the hit's turn is shown and selected."""
        self.current_id = session_id
        self.view.clear_transcript()
        doc = history.load_session(self._conn, session_id) if session_id is not None else None
        if doc is None:
            self.current_id = None
            self.header.setText("Choose a session on the left.")
        else:
            s = doc.summary
            self.header.setText(
                f"<b>{html.escape(s.display_title)}</b><br>{html.escape(describe_date(s.started_at))}"
                f" · {format_timestamp(s.duration_ms)} · {html.escape(s.device)} · "
                f"{html.escape(s.speech_model)}"
            )
            self.view.apply([TurnAdded(i, t) for i, t in enumerate(doc.turns)])
            if doc.partial_text:
                self.view.apply([PartialChanged(doc.partial_text, doc.partial_start_ms)])
            hit = next((i for i, t in enumerate(doc.turns) if t.start_ms == hit_ms), None)
            if hit is not None:
                self.view.show_turn(hit)
        self._set_buttons()

    def _set_buttons(self) -> None:
        enabled = self.current_id is not None
        for button in (self.rename_button, self.delete_button, self.export_button):
            button.setEnabled(enabled and (button is self.export_button or self._store is not None))

    def rename_current(self) -> None:
        if self.current_id is None:
            return
        doc = history.load_session(self._conn, self.current_id)
        title, ok = QInputDialog.getText(self, "Rename session", "Title:",
                                         text=doc.summary.display_title if doc else "")
        if ok:
            self.rename(self.current_id, title.strip())

    def rename(self, session_id: int, title: str) -> None:
        if self._store is not None:
            self._store.rename(session_id, title).add_done_callback(lambda _: self.changed.emit())

    def delete_current(self) -> None:
        if self.current_id is None:
            return
        answer = QMessageBox.question(
            self, "Delete session?",
            "Delete this transcript for good? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(self.current_id)

    def delete(self, session_id: int) -> None:
        if self._store is not None:
            self._store.delete(session_id).add_done_callback(lambda _: self.changed.emit())

    def _focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt override)
        super().showEvent(event)
        self.activateWindow()
        self._focus_search()

    def delete_all_asking(self) -> None:
        answer = QMessageBox.question(
            self, "Delete all history?",
            "Delete every saved transcript for good? They are erased from the database file "
            "itself. This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_all()

    def delete_all(self) -> None:
        if self._store is not None:
            self._store.delete_all().add_done_callback(lambda _: self.changed.emit())

    def export_current(self) -> None:
        if self.current_id is None:
            return
        doc = history.load_session(self._conn, self.current_id)
        if doc is None:
            return
        chosen = ask_export_path(self, export_name(doc.summary.display_title,
                                                   doc.summary.started_at))
        if chosen is not None:
            self.exporter.export_session(self.current_id, *chosen)
