"""Past sessions: newest first, full-text search with the hits highlighted, a read-only view,
rename, delete (after asking) and export. Reads use their own connection; writes go through
the store's writer thread."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QAction,
    QKeySequence,
    QPalette,
    QTextDocument,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from livescribe_gui.transcript import history
from livescribe_gui.transcript import store as store_module
from livescribe_gui.transcript.model import PartialChanged, format_timestamp
from livescribe_gui.transcript.store import StoreWriter
from livescribe_gui.ui.background import BackgroundCall
from livescribe_gui.ui.exporting import Exporter, ask_export_path, export_name
from livescribe_gui.ui.screen_fit import resize_within_screen
from livescribe_gui.ui.transcript_view import TranscriptView

SESSION_ID = Qt.ItemDataRole.UserRole
RICH_TEXT = Qt.ItemDataRole.UserRole + 2  # the row as it is drawn
HIT_MS = Qt.ItemDataRole.UserRole + 1  # a search hit's turn


def describe_date(iso: str) -> str:
    try:
        when = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return when.strftime("%a %d %b %Y, %H:%M")


def highlighted(snippet: str) -> str:
    escaped = html.escape(snippet)
    mark = "<b style='background:#fde68a; color:#000000'>"  # readable on a selected row too
    return escaped.replace(history.HIT_START, mark).replace(
        history.HIT_END, "</b>"
    )


@dataclass(frozen=True)
class Row:
    """A session (its text is made when the row is first shown: ten thousand rows are
    listed without formatting ten thousand dates) or a search hit."""

    session_id: int
    hit_ms: int | None = None
    title: str = ""  # what renaming in place starts from (sessions only, not hits)
    summary: history.SessionSummary | None = None  # a session row
    hit_text: str = ""  # a search hit's rich text

    @cached_property
    def rich_text(self) -> str:
        return _session_rich(self.summary) if self.summary is not None else self.hit_text

    @cached_property
    def plain_text(self) -> str:
        return _session_plain(self.summary) if self.summary is not None else _plain(
            self.hit_text)

    @property
    def recording(self) -> bool:
        return self.summary is not None and self.summary.status == "recording"


FIRST_PAGE = 100  # more rows than any screen shows
# An open session is drawn this many turns at a time between events: a long one (ten
# thousand turns take a second to draw) opens without freezing the window.
TURNS_PER_PART = 250


def list_rows(query: str, first_page: Callable[[list[Row]], None] | None = None) -> list[Row]:
    """The list's rows: sessions newest first, or search hits with where they are. Runs on
    a background thread with a connection of its own. With `first_page`, a long list of
    sessions is handed over early as its newest page, so the window shows rows at once
    while the rest are read."""
    conn = store_module.connect()
    try:
        if not query:
            rows = [_session_row(s) for s in history.list_sessions(conn, limit=FIRST_PAGE)]
            if len(rows) == FIRST_PAGE:
                if first_page is not None:
                    first_page(list(rows))
                rows += [_session_row(s)
                         for s in history.list_sessions(conn, offset=FIRST_PAGE)]
            return rows
        hits = history.search(conn, query)
        sessions = history.summaries(conn, {hit.session_id for hit in hits})
        rows = []
        for hit in hits:
            s = sessions.get(hit.session_id)
            where = (f"<b>{html.escape(s.display_title)}</b> · "
                     f"{html.escape(describe_date(s.started_at))}" if s else "")
            at = "Notes" if hit.in_notes else format_timestamp(hit.start_ms)
            if hit.source:
                at += f" · {html.escape(hit.source)}"
            rich = f"{where}<br><small>{at}</small> {highlighted(hit.snippet)}"
            rows.append(Row(hit.session_id, None if hit.in_notes else hit.start_ms,
                            hit_text=rich))
        return rows
    finally:
        conn.close()


# What History is drawing: which opening, the session, its turns' numbers by start ms (where
# its search hits are), and the number of the hit to show.
_Drawing = tuple[int, history.SessionTranscript, dict[int, int], int | None]


def read_session(session_id: int) -> history.SessionTranscript | None:
    """One session's transcript (a long one takes a good part of a second to read); runs
    on a background thread with a connection of its own."""
    conn = store_module.connect()
    try:
        return history.load_session(conn, session_id)
    finally:
        conn.close()


def _session_row(s: history.SessionSummary) -> Row:
    return Row(s.id, title=s.title or s.first_words.rstrip("…"), summary=s)


def _when(s: history.SessionSummary) -> str:
    return f"{describe_date(s.started_at)} · {format_timestamp(s.duration_ms)}"


def _session_rich(s: history.SessionSummary) -> str:
    marked = {"interrupted": " · <i>interrupted</i>",
              "recording": " · <b>● recording</b>"}.get(s.status, "")
    return (f"<b>{html.escape(s.display_title)}</b><br>"
            f"<small>{html.escape(_when(s))}{marked}</small>")


def _session_plain(s: history.SessionSummary) -> str:
    state = {"interrupted": "interrupted", "recording": "● recording"}.get(s.status, "")
    return f"{s.display_title}, {_when(s)}" + (f", {state}" if state else "")


def _plain(rich: str) -> str:
    return QTextDocumentFragment.fromHtml(rich).toPlainText()


class RichTextDelegate(QStyledItemDelegate):
    """Rows are a little HTML (a title, a date, highlighted hits), painted without a widget
    per row."""

    def _document(self, option: QStyleOptionViewItem, index) -> QTextDocument:  # noqa: ANN001
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setHtml(index.data(RICH_TEXT) or "")
        document.setDocumentMargin(0)
        return document

    def paint(self, painter, option, index) -> None:  # noqa: ANN001
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        document = self._document(options, index)
        options.text = ""
        style = options.widget.style() if options.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, options, painter, options.widget)
        painter.save()
        painter.setClipRect(options.rect.adjusted(4, 0, -4, 0))  # long lines are cut, not wrapped
        painter.translate(options.rect.left() + 4, options.rect.top() + 4)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = options.state & QStyle.StateFlag.State_Selected
        context.palette.setColor(QPalette.ColorRole.Text, options.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: ANN001, N802 (Qt override)
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        width = options.widget.viewport().width() if options.widget else 300
        options.rect.setWidth(width)
        document = self._document(options, index)
        return QSize(width, int(document.size().height()) + 8)


class RowsModel(QAbstractListModel):
    """The list's rows, swapped whole for each answer: with uniform row sizes the view lays
    out only what it shows, so ten thousand rows cost no more than ten."""

    def __init__(self, rename: Callable[[int, str], None], parent: QObject | None = None):
        super().__init__(parent)
        self.rows: list[Row] = []
        self._rename = rename
        self.editable = True

    def replace(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def extend(self, rows: list[Row]) -> None:
        """Add rows below the ones shown, leaving selection and scrolling where they are."""
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows += rows
            self.endInsertRows()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.rows[index.row()]
        if role == RICH_TEXT:
            return row.rich_text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return row.plain_text
        return {
            SESSION_ID: row.session_id,
            HIT_MS: row.hit_ms,
            Qt.ItemDataRole.DisplayRole: row.title,
            Qt.ItemDataRole.EditRole: row.title,
        }.get(role)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self.editable and self.rows[index.row()].hit_ms is None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: QModelIndex, value: object,  # noqa: N802 (Qt override)
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        title = str(value).strip()
        if role != Qt.ItemDataRole.EditRole or not title:
            return False
        self._rename(self.rows[index.row()].session_id, title)  # F2: renamed in place
        return True


class HistoryWindow(QWidget):
    changed = Signal()
    rows_shown = Signal()  # the list shows the answer to the newest question
    session_shown = Signal()  # the session chosen last is on screen (or could not be)

    def __init__(self, *, store: StoreWriter | None, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("LiveScribe History")
        resize_within_screen(self, 900, 560)
        self._store = store
        self._conn = store_module.connect()
        self.exporter = Exporter(self)
        self.current_id: int | None = None
        self._hits_in_view: dict[int, int] = {}  # the open session's turns: start ms -> number

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search every transcript…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search transcripts")
        clear = self.search_edit.findChild(QAction, "_q_qlineeditclearaction")
        if clear is not None:
            clear.setText("Clear the search")
        self.search_edit.textChanged.connect(self.reload)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._query)
        self._asked = 0
        self._first_page_of = 0  # the question whose first page is on screen
        self._shown_query: str | None = None
        self._lister = BackgroundCall(self, name="history-query")
        self._lister.progress.connect(self._show_first_page)
        self._lister.done.connect(self._show_rows)
        self._opening = 0  # the newest session asked for; older answers are dropped
        self._reader = BackgroundCall(self, name="history-open")
        self._reader.done.connect(self._show_session)
        self._drawing: _Drawing | None = None
        self._drawn = 0  # turns of `_drawing` on screen so far
        self._draw_timer = QTimer(self)
        self._draw_timer.setSingleShot(True)
        self._draw_timer.setInterval(0)
        self._draw_timer.timeout.connect(self._draw_part)
        # A session being recorded grows while the window is open: look again now and then.
        self._live = QTimer(self)
        self._live.setInterval(3000)
        self._live.timeout.connect(lambda: self.reload(at_once=True))
        self.model = RowsModel(self.rename, self)
        self.model.editable = store is not None
        self.results = QListView()
        self.results.setModel(self.model)
        self.results.setAccessibleName("Sessions")
        self.results.setItemDelegate(RichTextDelegate(self.results))
        # Every row is two lines: measured once, so ten thousand rows cost no more to show.
        self.results.setUniformItemSizes(True)
        # Ten thousand rows are laid out a few hundred at a time between events, not in
        # one 20 ms pass on the GUI thread.
        self.results.setLayoutMode(QListView.LayoutMode.Batched)
        self.results.setBatchSize(500)
        self.results.selectionModel().currentChanged.connect(self._on_selected)
        self.results.setEditTriggers(QListView.EditTrigger.EditKeyPressed)
        self.results.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.search_edit)
        left_layout.addWidget(self.results)

        self.header = QLabel("Choose a session on the left.")
        self.header.setWordWrap(True)
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setAccessibleName("Notes")
        self.notes.setMaximumHeight(self.fontMetrics().lineSpacing() * 12)
        self.notes.hide()
        self.view = TranscriptView()
        self.view.offers_jump = False
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
        for keys, slot in ((("F3",), lambda: self.next_hit(+1)),
                           (("Shift+F3",), lambda: self.next_hit(-1)),
                           (("Esc", "Ctrl+W"), self.close),
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
        right_layout.addWidget(self.notes)
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

    def reload(self, *, at_once: bool = False) -> None:
        """Look again (typing waits for a pause of 150 ms; opening the window does not); the
        query runs off the GUI thread and only the newest answer is shown."""
        if at_once:
            self._debounce.stop()
            self._query()
        else:
            self._debounce.start()

    def _query(self) -> None:
        self._asked += 1
        asked, query = self._asked, self.search_edit.text().strip()
        if query == self._shown_query:  # a fresh look at the same list: swap it whole
            self._lister.start(lambda: (asked, query, list_rows(query)))
        else:
            self._lister.start_reporting(lambda report: (asked, query, list_rows(
                query, lambda page: report((asked, query, page)))))

    def _show_first_page(self, answer: tuple[int, str, list[Row]]) -> None:
        self._show_rows(answer)
        self._first_page_of = answer[0]

    def _show_rows(self, answer: tuple[int, str, list[Row]] | None) -> None:
        if answer is None or answer[0] != self._asked:
            return  # a newer question is on its way
        asked, query, rows = answer
        if self._first_page_of == asked:
            self._first_page_of = 0
            self.model.extend(rows[self.model.rowCount():])
            self._rows_changed(query, self.model.rows)
            return
        keep = self.current_id
        selection = self.results.selectionModel()
        selection.blockSignals(True)
        self.model.replace(rows)
        for number, row in enumerate(rows):
            if row.session_id == keep:
                self.select_row(number)
                break
        selection.blockSignals(False)
        self.open_session(keep)
        self._rows_changed(query, rows)

    def _rows_changed(self, query: str, rows: list[Row]) -> None:
        self._shown_query = query
        recording = any(row.recording for row in rows)
        if recording and not query:
            self._live.start()
        else:
            self._live.stop()
        if not rows:
            self.header.setText(
                f"Nothing matches “{html.escape(query)}”. Try fewer or other words."
                if query else "No transcripts yet. Press Start in the main window: every "
                "session is kept here, and you can search them all.")
        self.rows_shown.emit()

    def row_texts(self) -> list[str]:
        return [row.rich_text for row in self.model.rows]

    def select_row(self, number: int) -> None:
        self.results.setCurrentIndex(self.model.index(number))

    def next_hit(self, step: int) -> None:
        """F3 / Shift+F3: the next (previous) search hit in the same session."""
        current = self.results.currentIndex().row()
        if current < 0:
            return
        rows = self.model.rows
        for offset in range(1, len(rows)):
            number = (current + step * offset) % len(rows)
            same = rows[number].session_id == rows[current].session_id
            if same and rows[number].hit_ms is not None:
                self.select_row(number)
                return

    def _on_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.open_session(None)
            return
        row = self.model.rows[current.row()]
        shown = self._hits_in_view.get(row.hit_ms) if row.session_id == self.current_id else None
        if shown is not None:  # another hit in the session on screen (F3): just go there
            self.view.show_turn(shown)
            return
        self.open_session(row.session_id, hit_ms=row.hit_ms)

    def open_session(self, session_id: int | None, *, hit_ms: int | None = None) -> None:
        """Show a session, read off the GUI thread (`session_shown` once it is on screen);
        opened from a search hit, the hit's turn is shown and selected."""
        self.current_id = session_id
        self._hits_in_view = {}
        self._opening += 1
        opening = self._opening
        self._set_buttons()
        if session_id is None:
            self._show_session((opening, None, None))
        else:
            self._reader.start(lambda: (opening, hit_ms, read_session(session_id)))

    def _show_session(self, answer: tuple[int, int | None, history.SessionTranscript | None]
                      | None) -> None:
        if answer is not None and answer[0] != self._opening:
            return  # another session was chosen meanwhile
        self.view.clear_transcript()
        self._draw_timer.stop()
        doc = answer[2] if answer is not None else None
        if doc is None:
            self.current_id = None
            self.notes.hide()
            self.header.setText("Choose a session on the left." if answer is not None else
                                "This session could not be read; details are in the log.")
            self._set_buttons()
            self.session_shown.emit()
            return
        s = doc.summary
        self.header.setText(
            f"<b>{html.escape(s.display_title)}</b><br>{html.escape(describe_date(s.started_at))}"
            f" · {format_timestamp(s.duration_ms)} · {html.escape(s.device)} · "
            f"{html.escape(s.speech_model)}"
        )
        self.notes.setPlainText(doc.notes.text if doc.notes else "")
        self.notes.setVisible(doc.notes is not None)
        self._set_buttons()
        turn_at = {t.start_ms: i for i, t in reversed(list(enumerate(doc.turns)))}
        self._drawing, self._drawn = (answer[0], doc, turn_at, turn_at.get(answer[1])), 0
        self._draw_part()

    def _draw_part(self) -> None:
        """The next part of the session being opened; the hit is shown as soon as it is."""
        if self._drawing is None or self._drawing[0] != self._opening:
            return
        _opening, doc, turn_at, hit = self._drawing
        first, turns = self._drawn, doc.turns[self._drawn:self._drawn + TURNS_PER_PART]
        self._drawn += len(turns)
        last = self._drawn >= len(doc.turns)
        partial = PartialChanged(doc.partial_text, doc.partial_start_ms) if last else None
        self.view.show_more(turns, first, partial)
        if hit is not None and first <= hit < self._drawn:
            self.view.show_turn(hit)
        if not last:
            self._draw_timer.start()
            return
        self._drawing = None
        self._hits_in_view = turn_at
        self.session_shown.emit()

    def _set_buttons(self) -> None:
        enabled = self.current_id is not None
        for button in (self.rename_button, self.delete_button, self.export_button):
            button.setEnabled(enabled and (button is self.export_button or self._store is not None))

    def rename_current(self) -> None:
        """Rename in place: the row becomes an editor holding the real title, selected."""
        index = self.results.currentIndex()
        if index.isValid() and self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.results.edit(index)

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
        """The chosen session, or each of several selected: one file each, named by date and
        title, in the folder and format chosen for the first."""
        picked = self.results.selectionModel().selectedIndexes()
        ids = list(dict.fromkeys(self.model.rows[i.row()].session_id for i in picked))
        ids = ids or ([self.current_id] if self.current_id is not None else [])
        found = history.summaries(self._conn, set(ids))
        sessions = [found[i] for i in ids if i in found]
        if not sessions:
            return
        names = [export_name(s.display_title, s.started_at) for s in sessions]
        chosen = ask_export_path(self, names[0])
        if chosen is None:
            return
        path, fmt = chosen
        for session, name in zip(sessions, names, strict=True):
            target = path if session is sessions[0] else path.with_name(f"{name}.{fmt}")
            self.exporter.export_session(session.id, target, fmt)
