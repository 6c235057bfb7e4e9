"""Run every benchmark, print the table and write docs/benchmarks.md.

    python -m benchmarks          quick mode (about two minutes)
    python -m benchmarks --full   full mode: 5 minutes of listening per process, a full
                                  3-hour session in memory, longer latency runs
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.common import ROOT, Result, cpu_ticks, machine_description
from tests.audio_stack import PulseAudioServer
from tests.xserver import xvfb

METHODS = ROOT / "benchmarks" / "METHODS.md"


def fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"


def table(results: list[Result]) -> str:
    rows = ["| benchmark | measure | value | baseline | ratio | target | met |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        baseline = f"{fmt(r.baseline)} {r.unit} ({r.baseline_name})" if r.baseline_name else ""
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None and r.baseline_name else ""
        met = {True: "yes", False: "**no**", None: ""}[r.met]
        rows.append(f"| {r.benchmark} | {r.measure} | {fmt(r.value)} {r.unit} | {baseline} | "
                    f"{ratio} | {r.target} | {met} |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the long versions")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()

    pulse = PulseAudioServer()
    pulse.start()  # before sounddevice is imported: PortAudio sees servers running then
    started, ticks_before = time.monotonic(), cpu_ticks()
    try:
        from benchmarks import (
            audio_to_wire,
            fresh_process,
            history_scale,
            in_app,
            processes,
            store_export,
        )

        results: list[Result] = []
        with tempfile.TemporaryDirectory() as tmp:
            steps = [
                ("audio to wire", lambda: audio_to_wire.run(90 if args.full else 15)),
                ("in the app", lambda: in_app.measure_app(Path(tmp), full=args.full)),
                *((f"{name.replace('_', ' ')} in a fresh process",
                   lambda name=name: fresh_process.run(name, 1.0 if args.full else 0.1,
                                                      Path(tmp) / name))
                  for name in fresh_process.BENCHMARKS),
                ("CPU and memory", lambda: processes.light_while_listening(
                    300 if args.full else 15, pulse)),
                ("store and export", store_export.run),
                ("history at scale", lambda: history_scale.run(
                    Path(tmp) / "history", 10_000 if args.full else 2_000)),
            ]
            for name, step in steps:
                print(f"benchmarks: {name}…", file=sys.stderr, flush=True)
                results += step()
            print("benchmarks: start-up…", file=sys.stderr, flush=True)
            with xvfb() as display:
                results += processes.start_up(display, 5)
    finally:
        pulse.stop()

    took = time.monotonic() - started
    total, steal = (after - before for after, before in zip(cpu_ticks(), ticks_before,
                                                            strict=True))
    mode = "full" if args.full else "quick"
    body = table(results)
    print(body)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        f"# Benchmarks\n\n"
        f"Measured {date.today()} with `python -m benchmarks{' --full' if args.full else ''}` "
        f"({mode} mode, {took:.0f} s) on: {machine_description()}. CPU time the host gave to "
        f"other guests meanwhile (steal): {100 * steal / max(total, 1):.1f} %.\n\n"
        f"Every baseline was measured in the same run, on the same stand-in server and "
        f"PulseAudio test device. Rerun it to check; the numbers move by a few percent between "
        f"runs on this shared machine.\n\n{body}\n\n{METHODS.read_text()}"
    )
    missed = sum(r.met is not None and not r.met for r in results)  # NumPy's bools too
    print(f"benchmarks: wrote {args.output}; {missed} target(s) missed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
