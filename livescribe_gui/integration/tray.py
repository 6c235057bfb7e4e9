"""The tray icon: the session's state at a glance, and Start/Stop, captions, the window and
Quit a click away. Where the desktop has no tray, nothing is shown and the window says why
close-to-tray is unavailable."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

STATES = {"idle": "ready", "listening": "listening", "reconnecting": "reconnecting",
          "error": "stopped with an error"}


class Tray:
    def __init__(self, icon: QIcon, *, run: Callable[[str], None], parent: QWidget):
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.icon = QSystemTrayIcon(icon, parent)
        self.menu = QMenu(parent)
        self.toggle_action = QAction("Start listening", self.menu)
        self.toggle_action.triggered.connect(lambda: run("toggle"))
        self.captions_action = QAction("Show captions window", self.menu)
        self.captions_action.triggered.connect(lambda: run("show-captions"))
        self.show_action = QAction("Show LiveScribe", self.menu)
        self.show_action.triggered.connect(lambda: run("show"))
        self.quit_action = QAction("Quit", self.menu)
        self.quit_action.triggered.connect(lambda: run("quit"))
        for action in (self.toggle_action, self.captions_action, self.show_action):
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(
            lambda reason: run("show") if reason == QSystemTrayIcon.ActivationReason.Trigger
            else None)
        self.state = "idle"
        self.set_state("idle")
        if self.available:
            self.icon.show()

    def set_state(self, state: str) -> None:
        self.state = state
        self.icon.setToolTip(f"LiveScribe — {STATES[state]}")
        self.toggle_action.setText("Stop listening" if state in ("listening", "reconnecting")
                                   else "Start listening")

    def notify(self, message: str) -> None:
        """A message while the window is hidden (an error, where it went)."""
        if self.available:
            self.icon.showMessage("LiveScribe", message)

    def hide(self) -> None:
        self.icon.hide()
