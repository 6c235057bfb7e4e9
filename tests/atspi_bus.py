"""A private accessibility bus with a listener on it: what a screen reader on Linux hears.

A session D-Bus of its own starts the AT-SPI bus (`org.a11y.Bus`) and its registry on
demand; the listener registers for object events as Orca does, so Qt's AT-SPI bridge in an
app started with `env` sends them (Qt sends only events someone registered for)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jeepney import DBusAddress, MatchRule, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

OBJECT_EVENTS = "org.a11y.atspi.Event.Object"


@dataclass(frozen=True)
class Heard:
    """One event: `kind` is the AT-SPI member ("Announcement", "PropertyChange",
    "TextChanged"...), `detail` its first argument ("accessible-name", "insert"...),
    `path` the object it is about, `value` what it carries (a name, inserted text)."""

    at: float
    kind: str
    detail: str
    path: str
    value: object


class ScreenReader:
    def __init__(self, connection: DBusConnection, env: dict[str, str]):
        self.env = env  # what an app needs to talk to this bus
        self.heard: list[Heard] = []
        self._lock = threading.Lock()
        self._connection = connection
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="atspi-listener", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        rule = MatchRule(type="signal", interface=OBJECT_EVENTS)
        with self._connection.filter(rule) as queue:
            while not self._stop.is_set():
                try:
                    message = self._connection.recv_until_filtered(queue, timeout=0.2)
                except TimeoutError:
                    continue
                except OSError:
                    return
                detail, _one, _two, (_signature, value), *_ = message.body
                with self._lock:
                    self.heard.append(Heard(time.monotonic(), message.header.fields[3],
                                            detail, message.header.fields[1], value))

    def events(self, kind: str, detail: str | None = None) -> list[Heard]:
        with self._lock:
            return [h for h in self.heard
                    if h.kind == kind and (detail is None or h.detail == detail)]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._connection.close()


def _registry_call(connection: DBusConnection, event: str) -> None:
    registry = DBusAddress("/org/a11y/atspi/registry", bus_name="org.a11y.atspi.Registry",
                           interface="org.a11y.atspi.Registry")
    connection.send_and_get_reply(
        new_method_call(registry, "RegisterEvent", "sass", (event, [], "")), timeout=10)


@contextmanager
def session_bus(runtime_dir: Path) -> Iterator[str]:
    """A session D-Bus of its own, living in `runtime_dir`; yields its address. The services
    it starts on demand share its process group and end with it."""
    if shutil.which("dbus-daemon") is None:
        raise RuntimeError("dbus-daemon is needed (packaging/setup-debian.sh --test installs it)")
    runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=dict(os.environ, XDG_RUNTIME_DIR=str(runtime_dir)), start_new_session=True,
    )
    try:
        yield daemon.stdout.readline().strip()
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(10)
        daemon.stdout.close()


@contextmanager
def screen_reader(runtime_dir: Path) -> Iterator[ScreenReader]:
    """A session bus and AT-SPI bus that live in `runtime_dir` and end with the block."""
    if not Path("/usr/libexec/at-spi-bus-launcher").exists():
        raise RuntimeError("at-spi2-core is needed (packaging/setup-debian.sh --test installs it)")
    with session_bus(runtime_dir) as address:
        session = open_dbus_connection(address)
        try:
            bus = DBusAddress("/org/a11y/bus", bus_name="org.a11y.Bus", interface="org.a11y.Bus")
            a11y_address = session.send_and_get_reply(
                new_method_call(bus, "GetAddress"), timeout=10).body[0]
        finally:
            session.close()
        connection = open_dbus_connection(a11y_address)
        connection.send_and_get_reply(
            message_bus.AddMatch(MatchRule(type="signal", interface=OBJECT_EVENTS)), timeout=10)
        _registry_call(connection, "object:")
        reader = ScreenReader(connection, dict(
            XDG_RUNTIME_DIR=str(runtime_dir), DBUS_SESSION_BUS_ADDRESS=address,
            QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1"))
        try:
            yield reader
        finally:
            reader.close()
