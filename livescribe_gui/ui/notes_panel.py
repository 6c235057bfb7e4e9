"""The Notes panel beside the transcript: the running summary while listening, the notes
after Stop, editable; what is shown is what is saved and exported.

The gateway is asked only while notes are on, on a background thread; the GUI thread only
appends the text that arrives. A new version replaces the shown one only once it is
complete: a failed or given-up request puts the previous text back."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from livescribe_gui.notes import jobs, prompts
from livescribe_gui.notes.schedule import SummarySchedule
from livescribe_gui.settings import Settings
from livescribe_gui.transcript.history import Notes
from livescribe_gui.transcript.model import FinalTurn
from livescribe_gui.transcript.store import StoreWriter, now_iso
from livescribe_gui.ui.background import BackgroundCall

TurnsSource = Callable[[], tuple[list[FinalTurn], dict[str, str]]]


class NotesPanel(QWidget):
    written = Signal(str)  # "running" or "final": a new version is complete
    shown = Signal(bool)  # the panel appeared (text arrived) or was hidden
    failed = Signal(str)  # the calm sentence shown
    settings_wanted = Signal()
    minute_seconds = 60.0  # how long a "minute" of the schedule is (tests shorten it)
    edit_save_delay_ms = 800

    def __init__(self, *, store: StoreWriter | None, turns: TurnsSource,
                 api_key: Callable[[], str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Notes")
        self._store = store
        self._turns = turns
        self._api_key = api_key
        self.settings = Settings()
        self.recording_id: int | None = None
        self.kind = ""  # what the shown text is: "", "running" or "final"
        self.model = ""
        self._listening = False
        self._summarised = 0  # turns the running summary covers
        self._schedule = SummarySchedule(self.settings.notes_every_minutes)
        self._previous = ""  # the text before the job that is running now
        self._fresh = False  # the running job has not sent text yet: the old text stays
        self._previous_kind = ""
        self._covering = 0  # turns the running summary being written will cover
        self._setting_text = False
        self._stop = threading.Event()
        self._then: Callable[[], None] | None = None  # what to do when the running job ends
        self._retry: Callable[[], None] | None = None
        self._job = self._new_job()

        title = QLabel("<b>Notes</b>")
        self.status = QLabel()
        self.status.setWordWrap(True)
        # A splitter does not pass height-for-width down: room for three wrapped lines.
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 3)
        self.status.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.status.setAccessibleName("Notes status")
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName("Notes text")
        self.editor.setPlaceholderText("A summary of the conversation appears here while you "
                                       "listen, and notes with decisions and action items "
                                       "after Stop.")
        self.editor.textChanged.connect(self._on_edited)
        self.update_button = QPushButton("Update now")
        self.update_button.setToolTip("Bring the notes up to date (Ctrl+Shift+N)")
        self.update_button.clicked.connect(self.update_now)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the notes as Markdown")
        self.copy_button.clicked.connect(self.copy)
        self.retry_button = QPushButton("Retry")
        self.retry_button.clicked.connect(self.retry)
        self.settings_button = QPushButton("Open Settings")
        self.settings_button.clicked.connect(self.settings_wanted.emit)
        buttons = QHBoxLayout()
        for button in (self.update_button, self.retry_button, self.settings_button,
                       self.copy_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 32)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.status)
        layout.addWidget(self.editor, 1)
        layout.addLayout(buttons)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(self.edit_save_delay_ms)
        self._save_timer.timeout.connect(self.save_edits)
        self.configure(self.settings)

    # -- from the main window -----------------------------------------------------------------
    def configure(self, settings: Settings) -> None:
        self.settings = settings
        self._schedule.every_seconds = settings.notes_every_minutes * self.minute_seconds
        self.settings_button.setVisible(not settings.notes)
        self.update_button.setEnabled(settings.notes and not self._job.busy)
        self._show_idle_status()

    def _label_update_button(self) -> None:
        """While listening it updates the summary; afterwards it writes (or rewrites) notes."""
        self.update_button.setText("Update now" if self._listening else
                                   "Regenerate" if self.kind == "final" else "Write notes")

    def session_started(self) -> None:
        """A new session: its notes start empty."""
        self.save_edits()
        self._give_up()
        self.recording_id = None
        self._listening = True
        self._summarised = 0
        self._schedule = SummarySchedule(self.settings.notes_every_minutes,
                                         minute_seconds=self.minute_seconds)
        self.kind = self.model = ""
        self._set_text("")
        self._label_update_button()
        self._show_idle_status()

    def turn_added(self, turn: FinalTurn) -> None:
        self._schedule.heard(max(0, turn.end_ms - turn.start_ms) / 1000)
        if (self.settings.notes and self._listening and not self._job.busy
                and self._schedule.due(time.monotonic())):
            self._update_running()

    def session_stopped(self) -> None:
        """After Stop: the notes, by themselves if the user chose so."""
        self._listening = False
        self._label_update_button()
        if not (self.settings.notes and self.settings.notes_after_stop and self._turns()[0]):
            self._show_idle_status()
            return
        if self._job.busy:  # a running summary is on its way: give it up, then write
            self._then = self.write_notes
            self._stop.set()
        else:
            self.write_notes()

    def notes(self) -> Notes | None:
        """The notes as they stand: while a new version is being written, the previous one."""
        if self._job.busy:
            text, kind = self._previous, self._previous_kind
        else:
            text, kind = self.editor.toPlainText(), self.kind
        return Notes(text, kind or "final", self.model, now_iso()) if text.strip() else None

    # -- actions ------------------------------------------------------------------------------
    def update_now(self) -> None:
        """Ctrl+Shift+N / Update now: the running summary while listening, else the notes."""
        if not self.settings.notes:
            self._show_idle_status()
            return
        if self._job.busy:
            return
        if self._listening:
            self._update_running()
        else:
            self.write_notes()

    def write_notes(self) -> None:
        """The notes of the whole session (also: Regenerate). The text shown until now comes
        back if this fails."""
        self._then = None
        lines = prompts.transcript_lines(*self._turns())
        if not self.settings.notes or self._job.busy or not lines:
            if not lines:
                self.status.setText("Nothing has been said yet: there is nothing to write "
                                    "notes about.")
            return
        request = self._request()
        self._begin("Writing the notes…", retry=self.write_notes)
        self._job.start_reporting(lambda report: jobs.final_notes(
            request, lines, report, self._stop))

    def retry(self) -> None:
        if self._retry is not None:
            self._retry()

    def copy(self) -> None:
        text = self.editor.toPlainText().strip()
        if text:
            QGuiApplication.clipboard().setText(text)
            self.status.setText("Notes copied as Markdown.")

    def save_edits(self) -> None:
        """Keep what the user changed (called shortly after typing stops)."""
        self._save_timer.stop()
        notes = self.notes()
        if notes is not None and self._store is not None and self.recording_id is not None:
            self._store.save_notes(self.recording_id, notes.text, kind=notes.kind,
                                   model=notes.model)

    def close_down(self) -> None:
        """The window closes: keep edits, give up a request that is on its way."""
        self.save_edits()
        self._give_up()

    # -- the work -------------------------------------------------------------------------------
    def _update_running(self) -> None:
        turns, names = self._turns()
        new_lines = prompts.transcript_lines(turns[self._summarised:], names)
        if not new_lines:
            return
        self._schedule.requested(time.monotonic())
        covered = len(turns)
        previous = self.editor.toPlainText() if self.kind == "running" else ""
        request = self._request()
        self._begin("Bringing the summary up to date…", retry=self._update_running)
        self._covering = covered
        self._job.start_reporting(lambda report: jobs.running_summary(
            request, previous, new_lines, report, self._stop))

    def _request(self) -> jobs.NotesRequest:
        s = self.settings
        return jobs.NotesRequest(self._api_key(), s.notes_model, s.notes_language,
                                 s.notes_zero_data_retention)

    def _begin(self, status: str, *, retry: Callable[[], None]) -> None:
        self._stop = threading.Event()
        self._retry = retry
        self._previous = self.editor.toPlainText()
        self._previous_kind = self.kind
        self.retry_button.hide()
        self.update_button.setEnabled(False)
        self.editor.setReadOnly(True)
        self.status.setText(status)
        self._fresh = True

    def show_news(self, news: jobs.Progress) -> None:
        if news.restart:
            self._fresh = True
        if news.status:
            self.status.setText(news.status)
        if news.text:
            if self._fresh:  # the new version starts replacing the old one on screen
                self._set_text("")
                self._fresh = False
            self._setting_text = True
            cursor = self.editor.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(news.text)
            self._setting_text = False
            if not self.isVisible():
                self.show()

    def _on_done(self, outcome: jobs.Written | jobs.Failed | None) -> None:
        self.editor.setReadOnly(False)
        self.update_button.setEnabled(self.settings.notes)
        self._label_update_button()
        if isinstance(outcome, jobs.Written):
            self._set_text(outcome.text)
            self.kind, self.model = outcome.kind, self.settings.notes_model
            self._label_update_button()
            if outcome.kind == "running":
                self._summarised = self._covering
            self._retry = None
            self.save_edits()
            self._show_written(outcome)
            self.show()
            self.written.emit(outcome.kind)
        else:
            self._set_text(self._previous)
            self.kind = self._previous_kind
            if outcome is not None and outcome.stopped:
                self._show_idle_status()
            else:
                message = (outcome.message if outcome is not None else
                           "Notes could not be written; details are in the log file.")
                self.status.setText(message + " The transcript is safe.")
                self.retry_button.show()
                self.show()
                self.failed.emit(message)
        then, self._then = self._then, None
        if then is not None:
            then()

    def _new_job(self) -> BackgroundCall:
        job = BackgroundCall(self, name="notes")
        job.progress.connect(self.show_news)
        job.done.connect(self._on_done)
        return job

    def _give_up(self) -> None:
        """Abandon a request on its way (a new session began, the window closes): it is told
        to stop, and whatever it still sends goes nowhere."""
        self._then = None
        self._stop.set()
        if self._job.busy:
            self._job.deleteLater()
            self._job = self._new_job()
            self.editor.setReadOnly(False)
            self._set_text(self._previous)
            self.kind = self._previous_kind

    # -- helpers --------------------------------------------------------------------------------
    def _set_text(self, text: str) -> None:
        self._setting_text = True
        self.editor.setPlainText(text)
        self._setting_text = False

    def _on_edited(self) -> None:
        if not self._setting_text and not self.editor.isReadOnly():
            self.kind = self.kind or "final"
            self._save_timer.start()

    def _show_written(self, written: jobs.Written) -> None:
        at = datetime.now().strftime("%H:%M")
        if written.kind == "running":
            text = f"Summary brought up to date at {at}."
        else:
            text = f"Written at {at} by {self.settings.notes_model}."
            if written.parts > 1:
                text += (f" The session was long, so it was summarised in {written.parts} "
                         "parts and merged.")
            text += " Edit freely: your edits are saved."
        self.status.setText(text)

    def _show_idle_status(self) -> None:
        self.retry_button.hide()
        if not self.settings.notes:
            self.status.setText("Notes are off. Turn them on in Settings → Notes (LLM Gateway "
                                "use is billed separately).")
        elif not self.editor.toPlainText():
            every = self.settings.notes_every_minutes
            self.status.setText(f"The summary is brought up to date every {every} minute"
                                f"{'s' if every > 1 else ''} of new speech, or now with "
                                "Ctrl+Shift+N.")

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt override)
        super().showEvent(event)
        self.shown.emit(True)

    def hideEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt override)
        super().hideEvent(event)
        self.shown.emit(False)
