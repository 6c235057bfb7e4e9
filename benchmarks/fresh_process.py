"""Memory over a long session, each in a process of its own.

`python -m benchmarks.fresh_process NAME SCALE HOME` runs one of `in_app`'s long-session
benchmarks (`three_hours`, `eight_hours`) in a newly started process and prints its results as
JSON. Run after other benchmarks in the same process, the heap they grew and freed is reused
and the growth looks smaller than a newly started app's (0.7 vs 13.5 MB for three hours).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

from benchmarks.common import ROOT, Result

BENCHMARKS = ("three_hours", "eight_hours")


def run(name: str, scale: float, home: Path) -> list[Result]:
    """The results of `in_app.<name>` measured in a process of its own (the sound server and
    the environment are this process's)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.fresh_process", name, str(scale), str(home)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800, check=True).stdout
    return [dataclasses.replace(Result(**row), benchmark=f"{row['benchmark']} (fresh process)")
            for row in json.loads(out.splitlines()[-1])]


def main() -> None:
    name, scale, home = sys.argv[1], float(sys.argv[2]), Path(sys.argv[3])
    if name not in BENCHMARKS:
        sys.exit(f"fresh_process: {name} is not one of {', '.join(BENCHMARKS)}")
    from benchmarks import in_app
    from benchmarks.common import collect_as_the_app_does

    app = in_app.PaintClock(["benchmarks", "-platform", "offscreen"])
    collect_as_the_app_does()
    results = getattr(in_app, name)(app, home, scale)
    print(json.dumps([dataclasses.asdict(r) for r in results]))


if __name__ == "__main__":
    main()
