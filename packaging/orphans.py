"""Libraries that only a left-out binary needed.

PyInstaller collects each binary's shared-library dependencies (ELF `NEEDED`) before the spec
filters its plugins; leaving a plugin out leaves its dependencies behind, unused. Qt's GTK
platform theme alone brings 20 MB of GTK, GDK, Cairo, Pango and their libraries.
"""

from __future__ import annotations

import functools
import os
import subprocess

Entry = tuple  # (name in the bundle, source path, kind), as in a PyInstaller TOC


@functools.cache
def dynamic_section(path: str) -> str:
    """An ELF file's dynamic section as `readelf -d` prints it, read once per build: the
    spec asks for its NEEDED entries here and for its RUNPATH when stripping."""
    return subprocess.run(["readelf", "-d", "--wide", path], capture_output=True,
                          text=True).stdout


def needed(path: str) -> set[str]:
    """The sonames an ELF file names as NEEDED."""
    return {line.split("[", 1)[1].split("]", 1)[0]
            for line in dynamic_section(path).splitlines() if "(NEEDED)" in line}


def orphaned_by(dropped: list[Entry], kept: list[Entry]) -> set[str]:
    """Names of kept libraries that the dropped entries needed, directly or through each
    other, and that no other kept entry needs."""
    by_soname = {os.path.basename(entry[0]): entry for entry in kept}
    wants = {entry[0]: needed(entry[1]) for entry in (*dropped, *kept)}
    reached: set[str] = set()
    todo = [soname for entry in dropped for soname in wants[entry[0]]]
    while todo:
        entry = by_soname.get(todo.pop())
        if entry is not None and entry[0] not in reached:
            reached.add(entry[0])
            todo.extend(wants[entry[0]])
    orphans = set(reached)
    while True:
        wanted = {soname for entry in kept if entry[0] not in orphans
                  for soname in wants[entry[0]]}
        still_needed = {name for name in orphans if os.path.basename(name) in wanted}
        if not still_needed:
            return orphans
        orphans -= still_needed
