"""The main window: input picker, Start/Stop, the transcript pane and a status line.

It stays thin: merging turns lives in `transcript.model`, the session in `streaming`.
Closing while a session runs asks the worker to stop and finishes closing on its `finished`.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from livescribe_gui import diagnostics
from livescribe_gui.assets import window_icon
from livescribe_gui.audio.devices import InputDevice, find_device
from livescribe_gui.audio.preview import LevelPreview
from livescribe_gui.audio.scanner import scan_devices
from livescribe_gui.credentials import ENV_VAR, ApiKeyStore
from livescribe_gui.integration import autostart
from livescribe_gui.integration.caption_feed import CaptionFeed, FeedError, caption_page
from livescribe_gui.integration.live_file import LiveTextFile
from livescribe_gui.integration.tray import Tray
from livescribe_gui.settings import Settings, SettingsWriter, streaming_host
from livescribe_gui.streaming.events import (
    FailureKind,
    InputSilence,
    Reconnecting,
    SessionConfig,
    SessionEnded,
    SessionStarted,
    StreamFailure,
    TurnUpdate,
)
from livescribe_gui.streaming.options import (
    StreamingOptions,
    needs_new_session,
    streaming_options,
)
from livescribe_gui.streaming.sources import SourcesController
from livescribe_gui.transcript.history import SessionSummary, SessionTranscript
from livescribe_gui.transcript.model import (
    Change,
    PartialChanged,
    Transcript,
    TurnAdded,
    TurnReplaced,
    format_timestamp,
    said,
    turn_label,
)
from livescribe_gui.transcript.store import StoreWriter, now_iso
from livescribe_gui.ui.about_dialog import AboutDialog
from livescribe_gui.ui.accessibility import Announcer
from livescribe_gui.ui.background import BackgroundCall
from livescribe_gui.ui.call_bar import CallBar
from livescribe_gui.ui.captions_window import CaptionsWindow, caption_style
from livescribe_gui.ui.device_picker import DevicePicker
from livescribe_gui.ui.exporting import Exporter, ask_export_path, export_name
from livescribe_gui.ui.history_window import HistoryWindow
from livescribe_gui.ui.level_meter import FLOOR_DB, LevelMeter
from livescribe_gui.ui.notes_panel import NotesPanel
from livescribe_gui.ui.screen_fit import resize_within_screen
from livescribe_gui.ui.settings_dialog import SettingsDialog
from livescribe_gui.ui.theme import apply_theme
from livescribe_gui.ui.transcript_view import TranscriptView

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    status_changed = Signal(str)
    note_shown = Signal(str)  # a passing note (copied, saved, a service warning)
    key_saved = Signal(str)  # where the key went: keyring, file or memory
    silence_hint_seconds = 5.0
    stall_seconds = 8.0
    rollover_margin_seconds = 120.0

    def __init__(
        self,
        *,
        settings: Settings,
        settings_writer: SettingsWriter,
        keys: ApiKeyStore,
        devices: list[InputDevice] | None,
        store: StoreWriter | None = None,
        notice: str = "",
    ):
        super().__init__()
        self.setWindowTitle("LiveScribe")
        self.settings = settings
        self._writer = settings_writer
        self._keys = keys
        self.transcript = Transcript()
        self.store = store
        self.controller = SourcesController(self, store=store)
        self.exporter = Exporter(self)
        self.recording_id: int | None = None
        self.speech_model_override: str | None = None  # --model: this run only, not saved
        self.translate_to_override: str | None = None  # --translate-to: this run only
        self._history_window: HistoryWindow | None = None
        self.announcer = Announcer(self)
        self._quitting = False
        self.live_file: LiveTextFile | None = None
        self.caption_feed: CaptionFeed | None = None
        self.tray = Tray(window_icon(), run=self.run_command, parent=self)
        self.captions: CaptionsWindow | None = None
        self._closing = False
        self._echoes: set[tuple[int, int]] = set()  # (segment, turn order) of a call's echoes
        self._notes_sized = False
        self._stopping = False
        self._listening_since: float | None = None
        self._device_name = ""
        self._error_shown = False
        self._device_failed = False
        self._overflows = 0
        self._silence: InputSilence | None = None
        self._reconnect: tuple[Reconnecting, float] | None = None
        self._auto_stop_in: int | None = None
        self.preview = LevelPreview(self)
        self.scanner = BackgroundCall(self, name="device-scan")

        self._build_widgets()
        self._build_actions()
        self._wire_controller()
        self._elapsed_timer = QTimer(self)
        self._elapsed_timer.setInterval(1000)
        self._elapsed_timer.timeout.connect(self._show_listening)
        if settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(settings.window_geometry.encode()))
        else:
            resize_within_screen(self, 760, 520)
        self._notice = notice
        if devices is None:
            self._set_status("Looking for audio inputs…")
            self.start_button.setEnabled(False)
        else:
            self.show_devices_found(devices)
        self._retention_timer = QTimer(self)
        self._retention_timer.setSingleShot(True)
        self._retention_timer.timeout.connect(self.apply_retention)
        self.apply_retention()
        self._open_live_file()
        self._open_caption_feed()
        self._key_saver = BackgroundCall(self, name="key-save")
        self._key_saver.done.connect(self.key_saved.emit)
        self.notes_panel.configure(settings)
        self._apply_display()

    # -- construction -----------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.device_combo = DevicePicker()
        self.device_combo.about_to_open.connect(self.refresh_devices)
        self.device_combo.currentIndexChanged.connect(self._restart_preview)
        self.device_combo.setAccessibleName("Input")
        self.refresh_button = QToolButton()
        self.refresh_button.setText("↻")
        self.refresh_button.setAccessibleName("Refresh inputs")
        self.refresh_button.setToolTip("Look for inputs connected since LiveScribe started (F5)")
        self.refresh_button.clicked.connect(self.refresh_devices)
        self.level_meter = LevelMeter()
        self.start_button = QPushButton("Start")
        self.start_button.setMinimumWidth(self.start_button.fontMetrics().horizontalAdvance(
            "  Start  ") + 24)  # Start and Stop take the same room
        self.start_button.clicked.connect(self.toggle_session)
        self.copy_button = QPushButton("Copy transcript")
        self.copy_button.setMinimumWidth(self.copy_button.sizeHint().width())
        self.copy_button.clicked.connect(self.copy_transcript)

        bar = QHBoxLayout()
        self.input_label = input_label = QLabel("&Input:")
        input_label.setBuddy(self.device_combo)
        bar.addWidget(input_label)
        bar.addWidget(self.device_combo, 1)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.level_meter)
        bar.addSpacing(8)
        bar.addWidget(self.start_button)
        bar.addWidget(self.copy_button)

        self.view = TranscriptView()
        self.view.speaker_names = self.transcript.speaker_names
        self.view.restyled.connect(
            lambda: self.view.show_all(self.transcript.turns, self.transcript.live_line()))
        self.notes_panel = NotesPanel(
            store=self.store, api_key=self._keys.get,
            turns=lambda: (self.transcript.turns, self.transcript.speaker_names))
        self.notes_panel.hide()  # until used
        self.notes_panel.settings_wanted.connect(self.open_settings)
        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.notes_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.call_bar = CallBar()
        self.call_bar.set_call(self.settings.call_mode)
        self.call_bar.mode_changed.connect(self._on_call_mode)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(bar)
        layout.addWidget(self.call_bar)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.note_label = QLabel()
        self.note_label.setAccessibleName("Note")
        self.statusBar().addPermanentWidget(self.note_label)
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.timeout.connect(lambda: self._set_note_text(""))
        self.settings_button = QPushButton("Open Settings")
        self.settings_button.setToolTip("Check the API key (Ctrl+,)")
        self.settings_button.clicked.connect(lambda: self.open_settings(focus_key=True))
        self.settings_button.hide()
        self.statusBar().addPermanentWidget(self.settings_button)
        self.reattach_button = QPushButton()
        self.reattach_button.setAccessibleName("Reattach the input that came back")
        self.reattach_button.clicked.connect(self.reattach_source)
        self.reattach_button.hide()
        self.statusBar().addPermanentWidget(self.reattach_button)
        self._lost_source: int | None = None  # in a call: the side whose input went away
        self._lost_found: InputDevice | None = None
        self._look_for_lost = QTimer(self)
        self._look_for_lost.setInterval(3000)
        self._look_for_lost.timeout.connect(self.refresh_devices)
        self.status_label = QLabel()
        self.status_label.setAccessibleName("Status")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.statusBar().addWidget(self.status_label, 1)

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.copy_action = QAction("&Copy transcript", self)
        self.copy_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_action.triggered.connect(self.copy_transcript)
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.open_settings)
        self.copy_markdown_action = QAction("Copy as &Markdown", self)
        self.copy_markdown_action.triggered.connect(self.copy_markdown)
        self.export_action = QAction("&Export…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.export_current)
        self.export_selection_action = QAction("Export the &selection…", self)
        self.export_selection_action.triggered.connect(self.export_selection)
        self.history_action = QAction("&History…", self)
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.history_action.triggered.connect(self.open_history)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.quit)
        for action in (self.copy_action, self.copy_markdown_action, self.export_action,
                       self.export_selection_action, self.history_action,
                       self.settings_action, quit_action):
            file_menu.addAction(action)
            self.addAction(action)
        session_menu = self.menuBar().addMenu("&Session")
        self.toggle_action = QAction("&Start listening", self)
        self.toggle_action.setShortcut(QKeySequence("Ctrl+Return"))
        self.toggle_action.triggered.connect(self.toggle_session)
        self.refresh_action = QAction("&Refresh inputs", self)
        self.refresh_action.setShortcut(QKeySequence("F5"))
        self.refresh_action.triggered.connect(self.refresh_devices)
        self.speakers_action = QAction("&Name speakers…", self)
        self.speakers_action.triggered.connect(self.ask_speaker_names)
        self.update_notes_action = QAction("Update &notes", self)
        self.update_notes_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.update_notes_action.triggered.connect(self.update_notes)
        for action in (self.toggle_action, self.refresh_action, self.speakers_action,
                       self.update_notes_action):
            session_menu.addAction(action)
            self.addAction(action)
        view_menu = self.menuBar().addMenu("&View")
        self.captions_action = QAction("&Captions window", self, checkable=True)
        self.captions_action.setShortcut(QKeySequence("Ctrl+K"))
        self.captions_action.toggled.connect(self.show_captions)
        self.click_through_action = QAction("Captions &click-through", self, checkable=True)
        self.click_through_action.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self.click_through_action.setToolTip("Clicks on the captions go to the window below")
        self.click_through_action.toggled.connect(self._set_click_through)
        self.notes_action = QAction("&Notes", self, checkable=True)
        self.notes_action.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.notes_action.toggled.connect(self.notes_panel.setVisible)
        self.notes_panel.shown.connect(self._on_notes_shown)
        view_menu.addAction(self.notes_action)
        self.addAction(self.notes_action)
        view_menu.addSeparator()
        self.zoom_in_action = QAction("Zoom &in", self)
        self.zoom_in_action.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self.zoom_in_action.triggered.connect(lambda: self.zoom(+2))
        self.zoom_out_action = QAction("Zoom &out", self)
        self.zoom_out_action.setShortcut(QKeySequence("Ctrl+-"))
        self.zoom_out_action.triggered.connect(lambda: self.zoom(-2))
        self.zoom_reset_action = QAction("&Actual size", self)
        self.zoom_reset_action.setShortcut(QKeySequence("Ctrl+0"))
        self.zoom_reset_action.triggered.connect(lambda: self.zoom(0))
        for action in (self.captions_action, self.click_through_action, self.zoom_in_action,
                       self.zoom_out_action, self.zoom_reset_action):
            view_menu.addAction(action)
            self.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        self.diagnostics_action = QAction("Copy &diagnostics", self)
        self.diagnostics_action.triggered.connect(self.copy_diagnostics)
        self.about_action = QAction("&About LiveScribe", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.open_about)
        help_menu.addAction(self.diagnostics_action)
        help_menu.addAction(self.about_action)

    def _wire_controller(self) -> None:
        c = self.controller
        c.connecting.connect(lambda: self._set_status("Connecting to AssemblyAI…"))
        c.session_started.connect(self._on_session_started)
        c.turn_received.connect(self._on_turn)
        c.speech_heard.connect(lambda at_ms: self._show(self.transcript.speech_heard(at_ms)))
        c.speakers_revised.connect(
            lambda revised: self._show(self.transcript.revise_speakers(revised)))
        c.translation_received.connect(
            lambda translation: self._show(self.transcript.set_translation(translation)))
        c.service_warning.connect(
            lambda warning: self._set_status_note(f"AssemblyAI: {warning.text}"))
        c.failed.connect(self._on_failure)
        c.session_ended.connect(self._on_session_ended)
        c.level_measured.connect(self._on_level)
        c.source_finished.connect(self._on_source_finished)
        c.input_silence.connect(self._on_input_silence)
        c.overflows_changed.connect(self._on_overflows)
        c.finished.connect(self._on_finished)
        c.recording_started.connect(self._on_recording_started)
        c.reconnecting.connect(self._on_reconnecting)
        c.auto_stop_warning.connect(self._on_auto_stop_warning)
        c.store_failed.connect(self._set_status)
        self.exporter.finished.connect(lambda ok, message: self._set_status(message))
        self.key_saved.connect(self._on_key_saved)
        self.preview.level_measured.connect(self._on_preview_level)
        self.preview.unavailable.connect(self._on_preview_unavailable)
        self.scanner.done.connect(self._on_devices_scanned)

    # -- public actions ---------------------------------------------------------------------
    def show_devices_found(self, devices: list[InputDevice]) -> None:
        """The first device list (found off the GUI thread at start-up): choose the input
        used last time, or say that it is gone."""
        self.device_combo.set_devices(devices)
        self._offer_call_devices(devices)
        self.call_bar.set_call(self.settings.call_mode)
        remembered = find_device(
            devices, name=self.settings.device_name, host_api=self.settings.device_host_api
        )
        if remembered is not None:
            self.select_device(remembered)
        self.start_button.setEnabled(bool(devices))
        self._set_status(self._notice or "Ready. Choose an input and press Start."
                         if devices else
                         "No audio input was found. Connect a microphone and press F5.")
        self._tell_if_remembered_device_is_missing(devices)
        self._restart_preview()

    def _offer_call_devices(self, devices: list[InputDevice]) -> None:
        """The call row's "Them" choices, with the one used last time chosen."""
        self.call_bar.set_devices(devices, remembered=(self.settings.them_device_name,
                                                       self.settings.them_device_host_api))

    def select_device(self, device: InputDevice) -> None:
        self.device_combo.select(device)

    def select_call(self, them: InputDevice) -> None:
        """Both sides of a call, with `them` as the other side (--device given twice)."""
        self.call_bar.them_combo.select(them)
        self.call_bar.set_call(True)

    def current_device(self) -> InputDevice | None:
        return self.device_combo.current_device()

    def refresh_devices(self) -> None:
        """Look for devices again, off the GUI thread; a running session is not disturbed."""
        if not self.scanner.busy:
            self.scanner.start(scan_devices)

    def toggle_session(self) -> None:
        if self.controller.running:
            self.stop_session()
        else:
            self.start_session()

    def start_session(self) -> None:
        if self.controller.running:
            return
        device = self.current_device()
        if device is None:
            self._set_status("No audio input was found. Connect a microphone and restart.")
            return
        key = self._keys.get()
        if not key:
            self._set_status(
                "No API key yet. Open Settings (Ctrl+,) and paste your AssemblyAI key, "
                f"or set {ENV_VAR} before starting LiveScribe."
            )
            self.open_settings(focus_key=True)
            return
        them = self.call_bar.them_device()
        if them is not None and them == device:
            self._set_status("In a call, “You” and “Them” must be two different inputs.")
            return
        self.settings = self.settings.replace(
            device_name=device.name, device_host_api=device.host_api, call_mode=them is not None,
            **({"them_device_name": them.name, "them_device_host_api": them.host_api}
               if them is not None else {}))
        self._writer.save(self.settings)
        self._device_name = device.name if them is None else f"{device.name} + {them.name}"
        self.settings_button.hide()
        self._error_shown = False
        self._device_failed = False
        self._stopping = False
        self._overflows = 0
        self._silence = None
        self._reconnect = None
        self._auto_stop_in = None
        handover = self.preview.hand_over(device)
        self.transcript = Transcript()
        self.transcript.mic_source = self.settings.you_label if them is not None else ""
        self._echoes = set()
        self.view.speaker_names = self.transcript.speaker_names
        self.view.clear_transcript()
        if self.captions is not None:
            self.captions.clear()
        self.recording_id = None
        self.notes_panel.session_started()
        config = SessionConfig(
            device=device,
            api_key=key,
            host=streaming_host(self.settings),
            options=self._options(self.settings),
            silence_hint_seconds=self.silence_hint_seconds,
            stall_seconds=self.stall_seconds,
            rollover_margin_seconds=self.rollover_margin_seconds,
            stop_after_silence_seconds=self.settings.stop_after_silence_minutes * 60,
            handover=handover,
        )
        configs = [config]
        if them is not None:  # both sides of a call: two sources, two server sessions
            configs = [dataclasses.replace(config, source=self.settings.you_label),
                       dataclasses.replace(config, device=them, handover=None,
                                           source=self.settings.them_label)]
        log.info("starting a session on %s", " and ".join(
            f"input {c.device.name!r} ({c.device.host_api})" for c in configs))
        self.controller.start(configs, keep_history=self.settings.history != "none")
        self._set_running_ui(True)
        self._set_status(f"Opening “{device.name}”…")

    def stop_session(self) -> None:
        if not self.controller.running or self._stopping:
            return
        self._stopping = True
        self._elapsed_timer.stop()
        self.start_button.setEnabled(False)
        self._set_status("Stopping… waiting for the last words.")
        self.controller.stop()

    def _on_notes_shown(self, shown: bool) -> None:
        """The panel takes two fifths of the width when it first appears."""
        self.notes_action.setChecked(shown)
        if shown and not self._notes_sized:
            self._notes_sized = True
            width = sum(self.splitter.sizes())
            self.splitter.setSizes([width * 3 // 5, width - width * 3 // 5])

    def update_notes(self) -> None:
        """Ctrl+Shift+N: show the notes and bring them up to date now."""
        self.notes_panel.show()
        self.notes_panel.update_now()

    def zoom(self, step: int) -> None:
        """Ctrl+= / Ctrl+- change the transcript's text size (8-72 pt); Ctrl+0 goes back to
        the system's size. Remembered, and History follows."""
        if step == 0:
            size = 0
        else:
            current = self.settings.font_size or round(self.view.font().pointSizeF())
            size = max(8, min(72, current + step))
        self.apply_settings(self.settings.replace(font_size=size))

    def _show(self, changes: list) -> None:
        """Transcript changes go to every view of the live text."""
        self.view.apply(changes)
        if self.captions is not None:
            self.captions.apply(changes)
        if self.live_file is not None and changes:
            self.live_file.update([t.text for t in said(self.transcript.turns[-50:])],
                                  self.transcript.partial_text)
        if self.caption_feed is not None:
            for change in changes:
                self.caption_feed.publish(self._feed_event(change))

    def _feed_event(self, change: Change) -> dict:
        if isinstance(change, PartialChanged):
            return {"type": "partial", "text": change.text, "start_ms": change.start_ms}
        turn = change.turn
        return {"type": "final", "index": change.index, "text": "" if turn.echo else turn.text,
                "start_ms": turn.start_ms, "translation": turn.translation,
                "speaker": turn_label(turn, self.transcript.speaker_names) or None}

    def _open_caption_feed(self) -> None:
        """Settings -> caption feed: on, off, or on another port."""
        if self.caption_feed is not None:
            self.caption_feed.close()
            self.caption_feed = None
        if not self.settings.caption_feed:
            return
        style = caption_style(self.settings.captions_style)
        background = QColor(style.background)
        background.setAlphaF(style.opacity)
        page = caption_page(lines=style.lines, size=round(style.font_size * 4 / 3),
                            color=style.text_color, outline=style.outline,
                            background=f"rgba({background.red()}, {background.green()}, "
                                       f"{background.blue()}, {style.opacity:.2f})")
        try:
            self.caption_feed = CaptionFeed(self.settings.caption_feed_port, page)
        except FeedError as exc:
            self._set_status(str(exc))

    def _open_live_file(self) -> None:
        """Settings -> live text file: on, off, or moved."""
        if self.live_file is not None:
            self.live_file.close()
            self.live_file = None
        if self.settings.live_text_file:
            self.live_file = LiveTextFile(Path(self.settings.live_text_file),
                                          lines=self.settings.live_text_lines)

    def show_captions(self, on: bool = True) -> None:
        """View → Captions window: the live text on top of everything, remembered."""
        if self.captions_action.isChecked() != on:
            self.captions_action.setChecked(on)  # comes back here through `toggled`
            return
        if on and self.captions is None:
            self.captions = CaptionsWindow(caption_style(self.settings.captions_style))
            self.captions.lines.speaker_names = self.transcript.speaker_names
            self.captions.restore(self.settings.captions_geometry)
            self.captions.style_changed.connect(self._remember_captions)
            self.captions.click_through_changed.connect(self.click_through_action.setChecked)
            self.captions.destroyed.connect(lambda: setattr(self, "captions", None))
            self.captions.installEventFilter(self)
            self.captions.apply([TurnAdded(i, t) for i, t in enumerate(self.transcript.turns)]
                                + [self.transcript.live_line()])
            if QGuiApplication.platformName().startswith("wayland"):
                self._set_status_note("This desktop may not keep the captions window above "
                                      "others; it works as a normal window here.")
        if on and self.captions is not None:
            self.captions.show()
            self.captions.raise_()
        elif not on and self.captions is not None:
            self.captions.close()
        self._remember_captions()

    def _set_click_through(self, on: bool) -> None:
        if on and self.captions is None:
            self.show_captions(True)
        if self.captions is not None:
            self.captions.set_click_through(on)

    def _remember_captions(self, *_args: object) -> None:
        captions = self.captions
        changes: dict = {"captions_open": captions is not None and captions.isVisible()}
        if captions is not None:
            changes.update(captions_style=dataclasses.asdict(captions.style_),
                           captions_geometry=captions.saved_geometry())
        self.settings = self.settings.replace(**changes)
        self._writer.save(self.settings)

    def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802 (Qt override)
        """The captions window closed by itself (its menu, the window system)."""
        if watched is self.captions and event.type() == QEvent.Type.Close:
            self.captions_action.blockSignals(True)
            self.captions_action.setChecked(False)
            self.captions_action.blockSignals(False)
            QTimer.singleShot(0, self._remember_captions)
        return super().eventFilter(watched, event)

    def rename_speaker(self, label: str, name: str) -> None:
        """Call speaker `label` `name` in this session: on screen, in the store, in exports."""
        self._show(self.transcript.rename_speaker(label, name))
        if self.store is not None and self.recording_id is not None:
            self.store.name_speaker(self.recording_id, label, name)

    def ask_speaker_names(self) -> None:
        labels = self.transcript.speakers()
        if not labels:
            self._set_status_note("No speakers yet: turn on speaker labels in Settings.")
            return
        names = self.transcript.speaker_names
        label, ok = QInputDialog.getItem(
            self, "Name a speaker", "Speaker:",
            [f"{label} — {names[label]}" if label in names else label for label in labels],
            0, False)
        if not ok:
            return
        label = label.split(" — ")[0]
        name, ok = QInputDialog.getText(self, "Name a speaker", f"Name for speaker {label}:",
                                        text=names.get(label, ""))
        if ok:
            self.rename_speaker(label, name)

    def run_command(self, command: str) -> None:
        """A command from another launch (`livescribe-gui --toggle`, …) or the tray."""
        if command == "show":
            self.showNormal()
            self.raise_()
            self.activateWindow()
        elif command == "start":
            self.start_session()
        elif command == "stop":
            self.stop_session()
        elif command == "toggle":
            self.toggle_session()
        elif command in ("show-captions", "hide-captions"):
            self.show_captions(command == "show-captions")
        elif command == "quit":
            self.quit()

    def quit(self) -> None:
        """Quit for real (the tray's Quit, --quit, Ctrl+Q), even with close-to-tray on."""
        self._quitting = True
        self.close()

    def commit_data(self, _manager: object = None) -> None:
        """Logging out: end the session (Terminate) before the session manager ends us."""
        self.stop_session()

    def copy_transcript(self) -> None:
        text = self.transcript.plain_text()
        if not text:  # the clipboard keeps what it had
            self._set_status_note("Nothing to copy yet.")
            return
        QGuiApplication.clipboard().setText(text)
        self._set_status_note("Transcript copied to the clipboard.")

    def copy_markdown(self) -> None:
        lines = [f"**{format_timestamp(t.start_ms)}** {t.text}"
                 for t in said(self.transcript.turns)]
        if not lines:
            self._set_status_note("Nothing to copy yet.")
            return
        QGuiApplication.clipboard().setText("\n\n".join(lines))
        self._set_status_note("Transcript copied as Markdown.")

    def export_current(self) -> None:
        if self.recording_id is None and not self.transcript.turns:
            self._set_status("Nothing to export yet: start a session first.")
            return
        title = self.transcript.turns[0].text if self.transcript.turns else ""
        chosen = ask_export_path(self, export_name(title, now_iso()))
        if chosen is not None:
            self.export_to(*chosen)

    def export_to(self, path, fmt: str) -> None:  # noqa: ANN001
        """Export the current (or last) session; the outcome appears in the status line.
        With history off, what is on screen is exported (it is nowhere else)."""
        if self.recording_id is not None:
            self.exporter.export_session(self.recording_id, path, fmt,
                                         notes=self.notes_panel.notes())
        elif self.transcript.turns:
            self.exporter.export_document(self._in_memory_document(), path, fmt)

    def selected_turns(self) -> list:
        """The turns the selection in the transcript touches (any part of them)."""
        cursor = self.view.textCursor()
        if not cursor.hasSelection():
            return []
        document = self.view.document()
        first = document.findBlock(cursor.selectionStart()).blockNumber()
        last = document.findBlock(cursor.selectionEnd()).blockNumber()
        return self.transcript.turns[first:last + 1]

    def export_selection(self, path=None, fmt: str = "") -> None:  # noqa: ANN001
        """File -> Export the selection: just the turns selected in the transcript."""
        turns = self.selected_turns()
        if not turns:
            self._set_status_note("Select part of the transcript first.")
            return
        if path is None:
            chosen = ask_export_path(self, export_name(turns[0].text, now_iso()))
            if chosen is None:
                return
            path, fmt = chosen
        self.exporter.export_document(self._in_memory_document(turns), path, fmt,
                                      words_from=self.recording_id)

    def _in_memory_document(self, turns: list | None = None) -> SessionTranscript:
        whole = turns is None  # the notes go with the whole session, not a selection
        turns = list(self.transcript.turns if turns is None else turns)
        summary = SessionSummary(0, now_iso(), turns[-1].end_ms if turns else 0,
                                 self._device_name, self.settings.speech_model, "",
                                 "not saved", turns[0].text if turns else "")
        return SessionTranscript(summary, turns, speaker_names=dict(self.transcript.speaker_names),
                                 notes=self.notes_panel.notes() if whole else None)

    def _options(self, settings: Settings) -> StreamingOptions:
        """The recognition options of `settings`, with this run's command-line choices."""
        options = streaming_options(settings, speech_model=self.speech_model_override)
        if self.translate_to_override:
            options = dataclasses.replace(options, translate_to=self.translate_to_override)
        return options

    def apply_retention(self) -> None:
        """Keep N days: at start-up and every midnight while running."""
        if self.store is not None and self.settings.history == "days":
            self.store.apply_retention(self.settings.history_days)
        tomorrow = datetime.combine(date.today() + timedelta(days=1), datetime.min.time())
        self._retention_timer.start(
            max(1000, int((tomorrow - datetime.now()).total_seconds() * 1000)))

    def open_history(self) -> None:
        if self._history_window is None:
            self._history_window = HistoryWindow(store=self.store)
        self._history_window.exporter.subtitle_text = self.settings.subtitle_text
        self._history_window.view.speaker_colours = self.settings.theme != "high-contrast"
        self._history_window.view.set_text_size(self.settings.font_size)
        self._history_window.reload(at_once=True)
        self._history_window.show()
        self._history_window.raise_()

    def open_settings(self, *, focus_key: bool = False) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self._keys, self)
        if focus_key:
            QTimer.singleShot(0, dialog.focus_key)
        dialog.accepted.connect(
            lambda: self.apply_settings(dialog.result_settings(), key=dialog.entered_key())
        )
        dialog.open()
        return dialog

    def apply_settings(self, settings: Settings, *, key: str | None = None) -> None:
        """Take edited settings: save them, keep the key safe (off the GUI thread), apply
        what a running session can change at once, and redraw if the display changed."""
        previous = self.settings
        self.settings = settings
        self._writer.save(settings)
        if key is not None and not self._keys.from_environment and key != self._keys.get():
            # Usable at once; storing it (a credential store may be slow) happens elsewhere.
            self._keys.use(key)
            keys, allow_file = self._keys, settings.key_in_file
            self._key_saver.start(lambda: keys.save(key, allow_file=allow_file))
        if self.controller.running:
            old, new = self._options(previous), self._options(settings)
            if old != new:
                self.controller.update_options(new)
                note = ("Applied now" + (", except the speech model and speaker labels, which "
                                         "apply to the next session" if needs_new_session(old, new)
                                         else "") + ".")
                self._set_status_note(note)
        if previous.captions_style != settings.captions_style and self.captions is not None:
            self.captions.apply_style(caption_style(settings.captions_style))
        if (previous.caption_feed, previous.caption_feed_port, previous.captions_style) != (
                settings.caption_feed, settings.caption_feed_port, settings.captions_style):
            self._open_caption_feed()
        if (previous.live_text_file, previous.live_text_lines) != (settings.live_text_file,
                                                                   settings.live_text_lines):
            self._open_live_file()
        if previous.start_at_login != settings.start_at_login and autostart.supported():
            try:
                autostart.set_start_at_login(settings.start_at_login)
            except OSError as exc:
                self._set_status(f"Could not change starting at login: {exc.strerror}.")
        if (previous.history, previous.history_days) != (settings.history,
                                                         settings.history_days):
            self.apply_retention()
        self.notes_panel.configure(settings)
        display = ("show_timestamps", "font_size", "theme", "translation_display",
                   "subtitle_text")
        if any(getattr(previous, name) != getattr(settings, name) for name in display):
            self._apply_display()

    def _apply_display(self) -> None:
        apply_theme(self.settings.theme)
        self.exporter.subtitle_text = self.settings.subtitle_text
        self.view.translation_display = self.settings.translation_display
        self.view.show_timestamps = self.settings.show_timestamps
        self.view.speaker_colours = self.settings.theme != "high-contrast"
        self.view.set_text_size(self.settings.font_size)
        self.view.show_all(self.transcript.turns, self.transcript.live_line())

    def open_about(self) -> None:
        self.about_dialog = AboutDialog(self)
        self.about_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about_dialog.show()

    def copy_diagnostics(self) -> None:
        text = diagnostics.gather(devices=self.device_combo.devices(), settings=self.settings,
                                  secret=self._keys.get())
        QGuiApplication.clipboard().setText(text)
        self._set_status_note("Diagnostics copied (the API key is left out).")

    # -- controller events ------------------------------------------------------------------
    def _on_session_started(self, started: SessionStarted) -> None:
        self.tray.set_state("listening")
        log.info(
            "session %s started (capture %d Hz x%d -> %d Hz)",
            started.session_id, started.capture_rate, started.capture_channels,
            started.sample_rate,
        )
        self._reconnect = None
        if self._listening_since is None:
            self._listening_since = time.monotonic()
        if not self._stopping:
            self._elapsed_timer.start()
            self._show_listening()

    def _on_reconnecting(self, reconnecting: Reconnecting) -> None:
        self.tray.set_state("reconnecting")
        self._show(self.transcript.drop_partial())
        self._reconnect = (reconnecting, time.monotonic() + reconnecting.delay_seconds)
        self._elapsed_timer.start()
        self._show_listening()

    def _on_auto_stop_warning(self, seconds_left: int) -> None:
        self._auto_stop_in = seconds_left if seconds_left >= 0 else None
        self._show_listening()

    def _on_turn(self, update: TurnUpdate) -> None:
        changes = self.transcript.apply(update)
        self._show(changes)
        if update.end_of_turn:
            log.debug("final turn %d of segment %d shown", update.turn_order, update.segment)
        self._keep_echoes(changes)
        added = [c.turn for c in changes if isinstance(c, TurnAdded) and not c.turn.echo]
        for turn in added:
            self.notes_panel.turn_added(turn)
        if added and self.settings.announce_turns:  # once per turn, never a partial
            turn = added[-1]
            speaker = turn_label(turn, self.transcript.speaker_names)
            self.announcer.announce(self.view, f"{speaker}: {turn.text}" if speaker
                                    else turn.text)

    def _keep_echoes(self, changes: list[Change]) -> None:
        """Echoes just found are marked in the store; the first one ever suggests headphones."""
        echoes = [c.turn for c in changes
                  if isinstance(c, (TurnAdded, TurnReplaced)) and c.turn.echo
                  and (c.turn.segment, c.turn.turn_order) not in self._echoes]
        for turn in echoes:
            self._echoes.add((turn.segment, turn.turn_order))
            log.info("segment %d turn %d: an echo of the other side, folded away",
                     turn.segment, turn.turn_order)
            if self.store is not None and self.recording_id is not None:
                self.store.mark_echo(self.recording_id, turn.segment, turn.turn_order)
        if echoes and not self.settings.told_about_echo:
            self.settings = self.settings.replace(told_about_echo=True)
            self._writer.save(self.settings)
            self._set_status_note(f"“{self.settings.them_label}” echoed into your microphone "
                                  "and was hidden: headphones avoid this.", seconds=15)

    def _on_key_saved(self, where: str) -> None:
        notes = {
            "keyring": "API key saved in the system's credential store.",
            "file": "API key saved in a file only you can read.",
            "memory": "API key kept for this run only (no credential store on this system).",
        }
        self._set_status_note(notes.get(where, ""))

    def _on_recording_started(self, recording_id: int) -> None:
        self.recording_id = recording_id
        self.notes_panel.recording_id = recording_id

    def _on_failure(self, failure: StreamFailure) -> None:
        self.tray.set_state("error")
        if not self.isVisible():
            self.tray.notify(failure.message)
        log.warning("session failed: %s", failure.kind.value)
        self._error_shown = True
        self._device_failed = failure.kind is FailureKind.DEVICE
        self._set_status(failure.message)
        self.settings_button.setVisible(failure.kind is FailureKind.AUTH)

    def _on_session_ended(self, ended: SessionEnded) -> None:
        self._elapsed_timer.stop()
        self._reconnect = None
        if self._error_shown:
            return
        if ended.auto_stopped:
            self._set_status(
                "Stopped after a long time without speech (you can change this in Settings)."
            )
        elif ended.audio_seconds is not None:
            duration = format_timestamp(int(ended.audio_seconds * 1000))
            self._set_status(f"Stopped. {duration} of audio transcribed.")
        else:
            self._set_status("Stopped before the session began.")

    def _on_finished(self) -> None:
        self._forget_lost_source()
        self._listening_since = None
        self._stopping = False
        self._set_running_ui(False)
        self.level_meter.set_level(FLOOR_DB)
        if self._closing:
            self.close()
            return
        self.notes_panel.session_stopped()
        if self._device_failed:
            # The input may be gone: look again; the preview restarts on what is chosen then.
            self.refresh_devices()
        else:
            self._restart_preview()

    def _on_level(self, source: int, level: float) -> None:
        (self.level_meter if source == 0 else self.call_bar.them_meter).set_level(level)

    def _on_call_mode(self, call: bool) -> None:
        self.input_label.setText("&You:" if call else "&Input:")

    def _on_source_finished(self, source: int) -> None:
        """One side of a call stopped (its input went away): the other goes on, and the
        inputs are looked at every few seconds to offer it back when it returns."""
        if self._stopping or self._closing:
            return  # Stop ends both; one is just done first
        labels = (self.settings.you_label, self.settings.them_label)
        self._lost_source = source
        self._set_status_note(f"“{labels[source]}” stopped; the other side is still being "
                              "transcribed.", seconds=10)
        self._look_for_lost.start()

    def reattach_source(self) -> None:
        """The "Reattach" button: the side that was lost starts again on its input."""
        found = self._lost_found
        if self._lost_source is None or found is None or not self.controller.running:
            return
        self.controller.reattach(self._lost_source, found)
        self._forget_lost_source()
        self._set_status_note(f"“{found.name}” is back and transcribed again.")

    def _forget_lost_source(self) -> None:
        self._lost_source = self._lost_found = None
        self._look_for_lost.stop()
        self.reattach_button.hide()

    def _offer_reattach(self, devices: list[InputDevice]) -> None:
        if self._lost_source is None or not self.controller.running:
            return
        lost = self.controller.device_of(self._lost_source)
        self._lost_found = find_device(devices, name=lost.name, host_api=lost.host_api)
        if self._lost_found is not None:
            self.reattach_button.setText(f"Reattach “{lost.name}”")
            self.reattach_button.show()

    def _on_input_silence(self, silence: InputSilence | None) -> None:
        self._silence = silence
        self._show_listening()

    def _on_overflows(self, count: int) -> None:
        self._overflows = count
        self._show_listening()

    def _on_preview_level(self, level: float) -> None:
        if not self.controller.running:
            self.level_meter.set_level(level)

    def _on_preview_unavailable(self, message: str) -> None:
        if not self._error_shown and not self.controller.running:
            self._set_status(message)

    def _on_devices_scanned(self, devices: list[InputDevice] | None) -> None:
        devices = devices or []
        self._offer_reattach(devices)
        self.device_combo.set_devices(devices)
        if not self.controller.running:
            self.start_button.setEnabled(bool(devices))
            self._offer_call_devices(devices)
        if self._device_failed and not self.controller.running:
            self._device_failed = False
            self._restart_preview()

    # -- helpers ----------------------------------------------------------------------------
    def _set_running_ui(self, running: bool) -> None:
        if not running and self.tray.state != "error":
            self.tray.set_state("idle")
        self.start_button.setText("Stop" if running else "Start")
        self.start_button.setEnabled(True)
        self.toggle_action.setText("&Stop listening" if running else "&Start listening")
        self.device_combo.setEnabled(not running)
        self.call_bar.set_running(running)

    def _show_listening(self) -> None:
        """Each second: the clock and countdowns on screen; a listener is told the state
        (what is said here without the numbers that tick), and only when it changes."""
        if self._stopping:
            return
        if self._reconnect is not None:
            reconnecting = self._reconnect[0]
            self._set_status(reconnect_status(*self._reconnect), spoken=(
                f"{reconnecting.reason} Reconnecting (attempt {reconnecting.attempt}); "
                "audio is being kept."))
            return
        if self._listening_since is None:
            return
        elapsed = int((time.monotonic() - self._listening_since) * 1000)
        shown = [f"● Listening — {format_timestamp(elapsed)}", self._device_name]
        spoken = ["Listening", self._device_name]
        if self.settings.history == "none":
            shown.append("not saved: history is off")
            spoken.append("not saved: history is off")
        if self._auto_stop_in is not None:
            shown.append(f"no speech for a while: stopping in {self._auto_stop_in} s")
            spoken.append("no speech for a while: stopping soon")
        if self._silence is not None:
            shown.append(silence_hint(self._silence))
            spoken.append(f"no sound from “{self._silence.device_name}”: is it muted?")
        if self._overflows:
            shown.append(
                f"{self._overflows} audio dropout{'s' if self._overflows > 1 else ''}: "
                "the computer is too busy"
            )
            spoken.append("audio dropouts: the computer is too busy")
        self._set_status(" · ".join(shown), spoken=" · ".join(spoken))

    def _restart_preview(self) -> None:
        device = self.current_device()
        if device is None or self.controller.running or self._closing or not self.isVisible():
            return
        self.preview.start(device)

    def _tell_if_remembered_device_is_missing(self, devices: list[InputDevice]) -> None:
        name = self.settings.device_name
        if name and find_device(devices, name=name, host_api=self.settings.device_host_api) is None:
            fallback = self.current_device()
            instead = f"; using “{fallback.name}” instead" if fallback else ""
            self._set_status(f"The input you used last time, “{name}”, is not connected{instead}.")

    def _set_status(self, text: str, *, spoken: str | None = None) -> None:
        """`spoken` is the status as a screen reader has it (its description, announced
        when it changes): `text` without the figures that change every second."""
        self.status_label.setText(text)
        self.status_changed.emit(text)
        self._tell_listener(self.status_label, text if spoken is None else spoken)

    def _tell_listener(self, label: QLabel, spoken: str) -> None:
        if spoken and spoken != label.accessibleDescription():
            self.announcer.announce(label, spoken)
        label.setAccessibleDescription(spoken)

    def _set_note_text(self, text: str) -> None:
        self.note_label.setText(text)
        self._tell_listener(self.note_label, text)

    def _set_status_note(self, text: str, *, seconds: float = 3) -> None:
        """A passing note beside the status (which stays in view), gone after a while."""
        self._set_note_text(text)
        self._note_timer.start(int(seconds * 1000))
        self.note_shown.emit(text)

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt override)
        super().showEvent(event)
        if not self.preview.running:
            self._restart_preview()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self.settings.close_to_tray and self.tray.available and not self._quitting:
            event.ignore()  # keeps listening; Quit (tray, Ctrl+Q, --quit) ends it
            self.hide()
            if not self.settings.told_about_tray:
                self.tray.notify("LiveScribe is still running here. Quit from this menu.")
                self.settings = self.settings.replace(told_about_tray=True)
                self._writer.save(self.settings)
            return
        self.preview.stop()
        self.notes_panel.close_down()
        if self.controller.running:
            self._closing = True
            event.ignore()
            self.stop_session()
            return
        geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.settings = self.settings.replace(window_geometry=geometry)
        self._remember_captions()
        if self.captions is not None:
            self.captions.removeEventFilter(self)
            self.captions.close()
            self.captions.deleteLater()
            self.captions = None
        if self._history_window is not None:
            self._history_window.close()
        self.tray.hide()
        if self.live_file is not None:
            self.live_file.close()
            self.live_file = None
        if self.caption_feed is not None:
            self.caption_feed.close()
            self.caption_feed = None
        event.accept()


def reconnect_status(reconnecting: Reconnecting, due: float) -> str:
    seconds = max(0, round(due - time.monotonic()))
    when = f"in {seconds} s" if seconds else "now"
    return (f"{reconnecting.reason} Reconnecting {when} (attempt {reconnecting.attempt}); "
            "audio is being kept.")


def silence_hint(silence: InputSilence) -> str:
    seconds = int(silence.seconds)
    hint = f"no sound from “{silence.device_name}” for {seconds} s: is it muted?"
    if silence.digital_zero and sys.platform == "darwin":
        hint += (" macOS may be blocking the microphone: allow LiveScribe in System Settings → "
                 "Privacy & Security → Microphone.")
    return hint
