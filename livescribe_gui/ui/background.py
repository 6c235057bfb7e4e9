"""Blocking calls (a credential store over D-Bus, a test connection) run on a pool thread;
their result comes back to the GUI thread as a queued signal."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class BackgroundCall(QObject):
    done = Signal(object)  # what the call returned, delivered on the owner's thread

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)

    def start(self, call: Callable[[], object]) -> None:
        self._pool.start(_Run(self, call))

    def wait(self, msecs: int) -> None:
        self._pool.waitForDone(msecs)


class _Run(QRunnable):
    def __init__(self, owner: BackgroundCall, call: Callable[[], object]):
        super().__init__()
        self._owner, self._call = owner, call

    def run(self) -> None:
        result = self._call()
        try:
            self._owner.done.emit(result)
        except RuntimeError:
            # The owner was deleted while the call ran (its window closed, and the pool's
            # destructor waited for this call): the work is done, nobody is left to tell.
            pass
