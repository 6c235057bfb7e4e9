"""What a test leaves behind: Python threads, child processes, and TCP sockets of this
process. `LeakCheck` notes them before a test and, after it, waits (bounded) for the new
ones to go; whatever is still there is a leak."""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

GRACE_SECONDS = 10.0


def child_pids() -> set[int]:
    pids: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        try:
            pids.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    return {pid for pid in pids if _running(pid)}


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _socket_inodes() -> dict[str, int]:
    inodes: dict[str, int] = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes[target[8:-1]] = int(fd)
    return inodes


def tcp_sockets() -> set[str]:
    """'local -> remote (state)' of every TCP socket this process holds open."""
    mine = _socket_inodes()
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[9] in mine:
                found.add(f"{_addr(fields[1])} -> {_addr(fields[2])} (state {fields[3]})")
    return found


def _addr(hex_addr: str) -> str:
    host, port = hex_addr.split(":")
    return f"…:{int(port, 16)}"


@dataclass
class LeakCheck:
    threads: set[threading.Thread]
    children: set[int]
    sockets: set[str]

    @classmethod
    def now(cls) -> LeakCheck:
        return cls(set(threading.enumerate()), child_pids(), tcp_sockets())

    def leftovers(self, grace: float = GRACE_SECONDS) -> list[str]:
        deadline = time.monotonic() + grace
        while True:
            # Dummy entries stand for threads Python did not start (a QThread that ran a
            # slot): they never leave the list; the controller joins its QThread itself.
            threads = [t for t in threading.enumerate()
                       if t not in self.threads and t.is_alive()
                       and not isinstance(t, threading._DummyThread)]
            children = child_pids() - self.children
            sockets = tcp_sockets() - self.sockets
            if not (threads or children or sockets) or time.monotonic() > deadline:
                break
            for thread in threads:
                thread.join(0.05)
            time.sleep(0.05)
        found = [f"thread {t.name!r}" for t in threads]
        found += [f"child process {pid} ({_command(pid)})" for pid in children]
        found += [f"TCP socket {s}" for s in sockets]
        for pid in children:  # so that one leak does not fail the tests after it
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return "?"
