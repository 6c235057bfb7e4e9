"""Qt objects caught in reference cycles are freed on the GUI thread, however busy the
other threads are (the sound card's callback, the SDK's sockets, the store writer); after a
full collection, memory freed in small pieces goes back to the system."""

from __future__ import annotations

import ctypes
import gc
import os
import threading
import weakref

import pytest
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


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_memory_freed_between_live_allocations_goes_back_after_a_full_collection():
    libc = ctypes.CDLL(None)
    if not hasattr(libc, "malloc_trim"):
        pytest.skip("only glibc hands free pages inside its heap back")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    # 80 MB in 2 KB pieces, as text buffers and line layouts are; one piece in 32 stays.
    pieces = [libc.malloc(2048) for _ in range(40_000)]
    for piece in pieces:
        ctypes.memset(piece, 1, 2048)
    held = _resident_mb()
    for piece in (p for i, p in enumerate(pieces) if i % 32):
        libc.free(piece)
    try:
        assert _resident_mb() > held - 10, "glibc keeps what is freed between live pieces"
        gui_thread_gc.collect_fully()
        assert _resident_mb() < held - 50
    finally:
        for piece in pieces[::32]:
            libc.free(piece)
