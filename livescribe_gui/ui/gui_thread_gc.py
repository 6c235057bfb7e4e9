"""Python's cycle collector, run on the GUI thread only.

Left automatic, the collector runs on whichever thread happens to allocate when a threshold
is crossed: the sound card's callback, the SDK's socket threads, the store writer. A Qt
object caught in a reference cycle (a window whose helper holds one of its bound methods, a
worker after its session) is then destroyed on that thread, which Qt does not allow:
"QObject::killTimer: Timers cannot be stopped from another thread", then a crash (seen in
the benchmarks). Here automatic collection is off and a GUI-thread timer collects by the
same thresholds, so cycles are freed where their Qt objects live, and collection pauses
stay off the audio path.

After a full collection the C heap's free pages go back to the system (`heap`).

`freeze_startup()` moves what start-up created (Qt's and the SDK's modules: some 75,000
objects that live as long as the app, 53 ms for a full collection to walk) out of the
collector's sight, so a full collection only walks what the sessions made.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from livescribe_gui.heap import release_free_memory

INTERVAL_MS = 250

_installed: GuiThreadCollector | None = None


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def collect_due(self) -> None:
        """The generation CPython would have collected by now, if any: the oldest whose
        count is over its threshold."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                if generation == 2:
                    collect_fully()
                else:
                    gc.collect(generation)
                return


def collect_fully() -> None:
    gc.collect()
    release_free_memory()


def install() -> GuiThreadCollector:
    """From here on, cycles are collected on the GUI thread only (once per application;
    it must be called on the GUI thread, after the QApplication exists)."""
    global _installed
    if _installed is None:
        _installed = GuiThreadCollector(QCoreApplication.instance())
        _installed.start()
    return _installed


def freeze_startup() -> None:
    gc.freeze()
