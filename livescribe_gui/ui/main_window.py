"""The main window: input picker, Start/Stop, the transcript pane and a status line.

It stays thin: merging turns lives in `transcript.model`, the session in `streaming`.
Closing while a session runs asks the worker to stop and finishes closing on its `finished`.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from livescribe_gui.audio.devices import InputDevice, find_device
from livescribe_gui.credentials import ENV_VAR, ApiKeyStore
from livescribe_gui.settings import Settings, SettingsWriter, streaming_host
from livescribe_gui.streaming.controller import SessionController
from livescribe_gui.streaming.events import (
    SessionConfig,
    SessionEnded,
    SessionStarted,
    StreamFailure,
    TurnUpdate,
)
from livescribe_gui.transcript.model import Transcript, format_timestamp
from livescribe_gui.ui.level_meter import FLOOR_DB, LevelMeter
from livescribe_gui.ui.settings_dialog import SettingsDialog
from livescribe_gui.ui.transcript_view import TranscriptView

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    status_changed = Signal(str)

    def __init__(
        self,
        *,
        settings: Settings,
        settings_writer: SettingsWriter,
        keys: ApiKeyStore,
        devices: list[InputDevice],
    ):
        super().__init__()
        self.setWindowTitle("LiveScribe")
        self.settings = settings
        self._writer = settings_writer
        self._keys = keys
        self.transcript = Transcript()
        self.controller = SessionController(self)
        self._closing = False
        self._stopping = False
        self._listening_since: float | None = None
        self._device_name = ""
        self._error_shown = False

        self._build_widgets(devices)
        self._build_actions()
        self._wire_controller()
        self._elapsed_timer = QTimer(self)
        self._elapsed_timer.setInterval(1000)
        self._elapsed_timer.timeout.connect(self._show_listening)
        if settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(settings.window_geometry.encode()))
        else:
            self.resize(760, 520)
        self._set_status("Ready. Choose an input and press Start.")

    # -- construction -----------------------------------------------------------------------
    def _build_widgets(self, devices: list[InputDevice]) -> None:
        self.device_combo = QComboBox()
        self.device_combo.setMinimumContentsLength(28)
        self.device_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.device_combo.setToolTip("The microphone or sound source to transcribe")
        for device in devices:
            self.device_combo.addItem(device.label, device)
        remembered = find_device(
            devices, name=self.settings.device_name, host_api=self.settings.device_host_api
        )
        if remembered is not None:
            self.select_device(remembered)
        self.level_meter = LevelMeter()
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.start_button.setMinimumWidth(96)
        self.start_button.clicked.connect(self.toggle_session)
        self.copy_button = QPushButton("Copy transcript")
        self.copy_button.clicked.connect(self.copy_transcript)

        bar = QHBoxLayout()
        input_label = QLabel("&Input:")
        input_label.setBuddy(self.device_combo)
        bar.addWidget(input_label)
        bar.addWidget(self.device_combo, 1)
        bar.addWidget(self.level_meter)
        bar.addSpacing(8)
        bar.addWidget(self.start_button)
        bar.addWidget(self.copy_button)

        self.view = TranscriptView()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.setCentralWidget(central)

        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.statusBar().addWidget(self.status_label, 1)
        if not devices:
            self.start_button.setEnabled(False)

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.copy_action = QAction("&Copy transcript", self)
        self.copy_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_action.triggered.connect(self.copy_transcript)
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.open_settings)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        for action in (self.copy_action, self.settings_action, quit_action):
            file_menu.addAction(action)
            self.addAction(action)
        session_menu = self.menuBar().addMenu("&Session")
        self.toggle_action = QAction("&Start listening", self)
        self.toggle_action.setShortcut(QKeySequence("Ctrl+Return"))
        self.toggle_action.triggered.connect(self.toggle_session)
        session_menu.addAction(self.toggle_action)
        self.addAction(self.toggle_action)

    def _wire_controller(self) -> None:
        c = self.controller
        c.connecting.connect(lambda: self._set_status("Connecting to AssemblyAI…"))
        c.session_started.connect(self._on_session_started)
        c.turn_received.connect(self._on_turn)
        c.failed.connect(self._on_failure)
        c.session_ended.connect(self._on_session_ended)
        c.level_measured.connect(self.level_meter.set_level)
        c.finished.connect(self._on_finished)

    # -- public actions ---------------------------------------------------------------------
    def select_device(self, device: InputDevice) -> None:
        for i in range(self.device_combo.count()):
            if self.device_combo.itemData(i) == device:
                self.device_combo.setCurrentIndex(i)
                return

    def current_device(self) -> InputDevice | None:
        return self.device_combo.currentData()

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
            self.open_settings()
            return
        self.settings = self.settings.replace(
            device_name=device.name, device_host_api=device.host_api
        )
        self._writer.save(self.settings)
        self._device_name = device.name
        self._error_shown = False
        self._stopping = False
        config = SessionConfig(
            device=device,
            api_key=key,
            host=streaming_host(self.settings),
            speech_model=self.settings.speech_model,
            format_turns=self.settings.format_turns,
        )
        log.info("starting a session on input %r (%s)", device.name, device.host_api)
        self.controller.start(config)
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

    def copy_transcript(self) -> None:
        text = self.transcript.plain_text()
        QGuiApplication.clipboard().setText(text)
        if text:
            self._set_status_note("Transcript copied to the clipboard.")

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self._keys, self)
        dialog.accepted.connect(lambda: self._apply_settings(dialog.result_settings()))
        dialog.open()

    # -- controller events ------------------------------------------------------------------
    def _on_session_started(self, started: SessionStarted) -> None:
        log.info(
            "session %s started (capture %d Hz x%d -> %d Hz)",
            started.session_id, started.capture_rate, started.capture_channels,
            started.sample_rate,
        )
        self.transcript.begin_segment()
        self._listening_since = time.monotonic()
        if not self._stopping:
            self._elapsed_timer.start()
            self._show_listening()

    def _on_turn(self, update: TurnUpdate) -> None:
        self.view.apply(self.transcript.apply(update))

    def _on_failure(self, failure: StreamFailure) -> None:
        log.warning("session failed: %s", failure.kind.value)
        self._error_shown = True
        self._set_status(failure.message)

    def _on_session_ended(self, ended: SessionEnded) -> None:
        self._elapsed_timer.stop()
        if self._error_shown:
            return
        if ended.audio_seconds is not None:
            duration = format_timestamp(int(ended.audio_seconds * 1000))
            self._set_status(f"Stopped. {duration} of audio transcribed.")
        elif self._listening_since is not None:
            self._set_status("Stopped.")
        else:
            self._set_status("Stopped before the session began.")

    def _on_finished(self) -> None:
        self._listening_since = None
        self._stopping = False
        self._set_running_ui(False)
        self.level_meter.set_level(FLOOR_DB)
        if self._closing:
            self.close()

    # -- helpers ----------------------------------------------------------------------------
    def _apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        self._writer.save(settings)

    def _set_running_ui(self, running: bool) -> None:
        self.start_button.setText("Stop" if running else "Start")
        self.start_button.setEnabled(True)
        self.toggle_action.setText("&Stop listening" if running else "&Start listening")
        self.device_combo.setEnabled(not running)

    def _show_listening(self) -> None:
        if self._listening_since is None or self._stopping:
            return
        elapsed = int((time.monotonic() - self._listening_since) * 1000)
        self._set_status(f"● Listening — {format_timestamp(elapsed)} · {self._device_name}")

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_changed.emit(text)

    def _set_status_note(self, text: str) -> None:
        self.statusBar().showMessage(text, 3000)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self.controller.running:
            self._closing = True
            event.ignore()
            self.stop_session()
            return
        geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.settings = self.settings.replace(window_geometry=geometry)
        self._writer.save(self.settings)
        event.accept()
