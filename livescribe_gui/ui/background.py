"""Blocking calls (a credential store over D-Bus, a test connection, an export that fsyncs,
a device scan) run on their own threads; their result comes back to the GUI thread as a
queued signal.

Nothing here ever makes the GUI thread wait: a window that closes while a call runs is
gone at once, and the result that arrives later is dropped. Results travel through one
relay object that lives as long as the application, so a call that outlives its owner
never emits on a deleted object. At exit, `join_all` gives unfinished calls (a key being
saved, an export being written) a bounded chance to finish.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

log = logging.getLogger(__name__)

_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()


class _Relay(QObject):
    """Lives on the GUI thread until the application ends; hands results to their owners."""

    delivered = Signal(object, object)  # weakref to a BackgroundCall, the call's result
    reported = Signal(object, object)  # weakref to a BackgroundCall, news while it runs

    def __init__(self) -> None:
        super().__init__()
        self.delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.reported.connect(self._report, Qt.ConnectionType.QueuedConnection)

    def _report(self, owner_ref: weakref.ref[BackgroundCall], news: object) -> None:
        owner = owner_ref()
        if owner is not None and shiboken6.isValid(owner):
            owner.progress.emit(news)

    def _deliver(self, owner_ref: weakref.ref[BackgroundCall], result: object) -> None:
        owner = owner_ref()
        if owner is not None and shiboken6.isValid(owner):
            owner._running -= 1
            owner.done.emit(result)


_relay: _Relay | None = None


def _the_relay() -> _Relay:
    global _relay
    if _relay is None:
        _relay = _Relay()
        app = QCoreApplication.instance()
        if app is not None:
            _relay.moveToThread(app.thread())
    return _relay


class BackgroundCall(QObject):
    done = Signal(object)  # what the call returned, delivered on the GUI thread
    progress = Signal(object)  # what a reporting call said while running (`start_reporting`)

    def __init__(self, parent: QObject | None = None, *, name: str = "background-call"):
        super().__init__(parent)
        self._name = name
        self._running = 0

    @property
    def busy(self) -> bool:
        return self._running > 0

    def start_reporting(self, call: Callable[[Callable[[object], None]], object]) -> None:
        """Like `start`, for a call that takes a `report(news)` function: each piece of news
        arrives as `progress` on the GUI thread, before `done`."""
        relay, owner_ref = _the_relay(), weakref.ref(self)
        self.start(lambda: call(lambda news: relay.reported.emit(owner_ref, news)))

    def start(self, call: Callable[[], object]) -> None:
        relay, owner_ref = _the_relay(), weakref.ref(self)
        self._running += 1

        def run() -> None:
            try:
                result = call()
            except Exception:
                log.exception("%s failed", self._name)
                result = None
            finally:
                with _threads_lock:
                    _threads.discard(threading.current_thread())
            relay.delivered.emit(owner_ref, result)

        thread = threading.Thread(target=run, name=self._name, daemon=True)
        with _threads_lock:
            _threads.add(thread)
        thread.start()


def join_all(timeout: float) -> list[str]:
    """At exit, after the windows are gone: wait at most `timeout` seconds for unfinished
    calls. Returns the names of those still running."""
    deadline = time.monotonic() + timeout
    with _threads_lock:
        pending = list(_threads)
    for thread in pending:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [t.name for t in pending if t.is_alive()]
