"""What every benchmark shares: results with their baselines, percentiles, process sampling."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Result:
    """One row of the table. `baseline` is measured in the same run; `met` says whether the
    target holds (None where there is no target)."""

    benchmark: str
    measure: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline  # type: ignore[operator]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; values need not be sorted."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (its own threads; not its children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * PAGE_SIZE / 1e6


def rss_parts(pid: int) -> str:
    """What the resident memory is: the process's own (anonymous), mapped files (libraries),
    shared memory (the sound server's buffers), in MB."""
    status = dict(line.split(":", 1) for line in
                  Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    mb = {key: int(status[key].split()[0]) * 1024 / 1e6
          for key in ("RssAnon", "RssFile", "RssShmem")}
    return (f"anonymous {mb['RssAnon']:.0f}, files {mb['RssFile']:.0f}, "
            f"shared {mb['RssShmem']:.0f} MB")


def thread_cpu_seconds(pid: int) -> dict[int, tuple[str, float]]:
    """Each thread of a process: its OS name and its user + system CPU time so far."""
    threads = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        threads[int(task.name)] = name, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return threads


@dataclass(frozen=True)
class Usage:
    cpu_percent: float  # of one core
    rss_mb: float  # at the end
    rss_parts: str  # at the end: `rss_parts`
    rss_peak_mb: float
    by_thread: dict[str, float]  # % of one core, by OS thread name (threads of one name summed)


def sample_usage(pid: int, seconds: float) -> Usage:
    """CPU (% of one core) over `seconds` of a running process, in all and by thread, and
    its RSS."""
    start_cpu, start = cpu_seconds(pid), time.monotonic()
    start_threads = thread_cpu_seconds(pid)
    peak = 0.0
    while time.monotonic() - start < seconds:
        peak = max(peak, rss_mb(pid))
        time.sleep(0.5)
    used = cpu_seconds(pid) - start_cpu
    end_threads = thread_cpu_seconds(pid)
    elapsed = time.monotonic() - start
    end_rss, parts = rss_mb(pid), rss_parts(pid)
    by_thread: dict[str, float] = {}
    for tid, (name, spent) in end_threads.items():
        spent -= start_threads.get(tid, (name, 0.0))[1]
        by_thread[name] = by_thread.get(name, 0.0) + 100 * spent / elapsed
    return Usage(100 * used / elapsed, end_rss, parts, max(peak, end_rss), by_thread)


def cpu_ticks() -> tuple[int, int]:
    """All CPU time so far and the part the hypervisor gave to other guests (steal), in
    ticks: a shared host that is busy elsewhere slows every figure of a run."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields), fields[7]


def machine_description() -> str:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    pulse = subprocess.run(["pulseaudio", "--version"], capture_output=True, text=True).stdout
    import PySide6
    import sounddevice as sd

    return (f"{model or platform.processor()}, {os.cpu_count()} cores, "
            f"{memory_kb / 2**20:.0f} GiB; {platform.platform()}; Python "
            f"{platform.python_version()}, PySide6 {PySide6.__version__}, "
            f"{sd.get_portaudio_version()[1].split(',')[0]}, {pulse.strip()}")


def collect_as_the_app_does() -> None:
    """In-process benchmarks run the app's windows as the app runs them: cycles collected
    on the GUI thread, and what start-up loaded frozen out of the collector's sight.
    Call with the QApplication made."""
    import livescribe_gui.ui.main_window  # noqa: F401 (loaded, as at start-up)
    from livescribe_gui.app import load_the_rest
    from livescribe_gui.ui import gui_thread_gc

    gui_thread_gc.install()
    load_the_rest()
    gui_thread_gc.freeze_startup()
