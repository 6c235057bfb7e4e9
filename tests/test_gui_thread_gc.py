"""Qt objects caught in reference cycles are freed on the GUI thread, however busy the
other threads are (the sound card's callback, the SDK's sockets, the store writer)."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject, Qt

from livescribe_gui.ui import gui_thread_gc


class _Cyclic(QObject):
    """A window-like object that keeps one of its own bound methods: a cycle only the
    collector frees."""

    def __init__(self) -> None:
        super().__init__()
        self.keep = self.deleteLater


def _allocate_on_another_thread(containers: int) -> tuple[list[int], list[list]]:
    """Another thread allocates and keeps `containers` lists; the threads the collector ran
    on meanwhile, and the lists."""
    ran_on: list[int] = []
    kept: list[list] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            ran_on.append(threading.get_ident())

    def churn() -> None:
        kept.extend([] for _ in range(containers))

    gc.callbacks.append(note)
    try:
        thread = threading.Thread(target=churn, name="busy")
        thread.start()
        thread.join()
    finally:
        gc.callbacks.remove(note)
    return ran_on, kept


def test_cycles_made_on_the_gui_thread_are_freed_there_while_others_allocate(qapp, qtbot):
    gui_thread_gc.install()
    gui = threading.get_ident()
    freed_on: list[int] = []
    cyclic = _Cyclic()
    cyclic.destroyed.connect(lambda: freed_on.append(threading.get_ident()),
                             Qt.ConnectionType.DirectConnection)
    alive = weakref.ref(cyclic)
    del cyclic

    # Far past every threshold: automatic collection would have run on "busy" many times.
    ran_on, kept = _allocate_on_another_thread(200_000)
    assert ran_on == []
    assert alive() is not None

    qtbot.waitUntil(lambda: alive() is None, timeout=5000)
    assert freed_on == [gui]
    del kept


def test_installing_twice_keeps_one_collector(qapp):
    assert gui_thread_gc.install() is gui_thread_gc.install()
    assert not gc.isenabled()
