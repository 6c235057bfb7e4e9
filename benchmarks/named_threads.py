"""`python -m benchmarks.named_threads MODULE ARGS…` runs MODULE as `python -m` would, each
Python thread's name given to its OS thread, so `/proc/PID/task/*/comm` tells the threads
apart when their CPU is sampled (Python 3.11 leaves them all named after the process).

A thread is named after what it runs when it has no name of its own ("Thread-7
(_read_message)" becomes "_read_message"); the main thread is "main". Threads started by C
code (PortAudio's, libpulse's) keep the name of the thread that started them, or their own.
"""

from __future__ import annotations

import ctypes
import runpy
import sys
import threading

PR_SET_NAME = 15
_libc = ctypes.CDLL(None)


def _name_this_thread(name: str) -> None:
    _libc.prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)


def _thread_name(thread: threading.Thread) -> str:
    target = getattr(thread, "_target", None)
    if thread.name.startswith("Thread-") and target is not None:
        return getattr(target, "__name__", thread.name)
    return thread.name


_bootstrap_inner = threading.Thread._bootstrap_inner  # type: ignore[attr-defined]


def _named_bootstrap(thread: threading.Thread) -> None:
    _name_this_thread(_thread_name(thread))
    _bootstrap_inner(thread)


if __name__ == "__main__":
    threading.Thread._bootstrap_inner = _named_bootstrap  # type: ignore[attr-defined]
    _name_this_thread("main")
    sys.argv = sys.argv[1:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
