"""One LiveScribe per user (and settings folder): a second launch hands its command to the
running one over a local socket, and exits.

Commands are single lines; the answer is one line ("ok", or why not). `show` brings the window
to the front; the others are what `--start`, `--stop`, `--toggle`, `--show-captions`,
`--hide-captions` and `--quit` ask for, so a desktop shortcut can run `livescribe-gui --toggle`
(Qt has no global hotkeys; this works on every desktop, Wayland included).
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from livescribe_gui import paths

log = logging.getLogger(__name__)

COMMANDS = ("show", "start", "stop", "toggle", "show-captions", "hide-captions", "quit")


def server_name() -> str:
    """Per user, and per settings folder (tests and portable setups get their own). On Unix
    the socket sits in a folder only this user can open, so no one else can send commands;
    on Windows it is a named pipe."""
    folder = hashlib.sha256(str(paths.config_dir()).encode()).hexdigest()[:12]
    if os.name != "posix":
        return f"livescribe-{getpass.getuser()}-{folder}"
    runtime = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    private = paths.private_dir(Path(runtime) / f"livescribe-{getpass.getuser()}")
    return str(private / f"{folder}.sock")


def send(command: str, *, timeout_ms: int = 3000) -> str | None:
    """Deliver `command` to the running instance: its answer, or None when none answers."""
    socket = QLocalSocket()
    socket.connectToServer(server_name())
    if not socket.waitForConnected(timeout_ms):
        return None
    socket.write(f"{command}\n".encode())
    socket.flush()
    answer = b""
    while not answer.endswith(b"\n") and socket.waitForReadyRead(timeout_ms):
        answer += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return answer.decode(errors="replace").strip() or None


class InstanceServer(QObject):
    """The running instance's end: commands arrive as `command_received`."""

    command_received = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        # No socket options: with them Qt makes the socket elsewhere and renames it into
        # place, so two launches at once would both "succeed". The folder is private instead.
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """False when another instance already listens. A socket left by a crashed run is
        removed, but only after nobody answered on it."""
        name = server_name()
        if self._server.listen(name):
            return True
        probe = QLocalSocket()
        probe.connectToServer(name)
        if probe.waitForConnected(1000):  # alive (it may still be starting up)
            probe.disconnectFromServer()
            return False
        QLocalServer.removeServer(name)
        return self._server.listen(name)

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._read(c))

    def _read(self, connection: QLocalSocket) -> None:
        while connection.canReadLine():
            command = bytes(connection.readLine().data()).decode(errors="replace").strip()
            if command == "ping":
                answer = "pong"
            elif command in COMMANDS:
                log.info("command from another launch: %s", command)
                self.command_received.emit(command)
                answer = "ok"
            else:
                answer = "unknown command"
            connection.write(f"{answer}\n".encode())
            connection.flush()
            connection.disconnectFromServer()
