"""`--install-desktop-entry`: a menu entry and icons for pip/pipx installs on Linux.

Everything goes under the user's XDG data directory; nothing needs root. The entry's `Exec`
is this installation's own launcher, so it keeps working whatever the user's PATH is.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from livescribe_gui import assets

_RESERVED = set(' \t\n"\'\\><~|&;$*?#()`')


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def launcher() -> list[str]:
    """How to start this installation: the bundle, the `livescribe-gui` script beside this
    Python (a venv or pipx), or this Python with `-m`."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = Path(sys.executable).with_name("livescribe-gui")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "livescribe_gui"]


def quote_exec_argument(argument: str) -> str:
    """Quote one Exec argument the way the Desktop Entry Specification asks."""
    if not argument or _RESERVED & set(argument):
        escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
        return f'"{escaped}"'
    return argument.replace("%", "%%")


def installed_paths(root: Path) -> list[Path]:
    icons = root / "icons" / "hicolor"
    return [
        root / "applications" / f"{assets.APP_ID}.desktop",
        icons / "scalable" / "apps" / f"{assets.APP_ID}.svg",
        *[icons / f"{size}x{size}" / "apps" / f"{assets.APP_ID}.png" for size in assets.ICON_SIZES],
    ]


def install(root: Path | None = None) -> list[Path]:
    root = root or data_home()
    entry, svg, *pngs = installed_paths(root)
    command = " ".join(quote_exec_argument(a) for a in launcher())
    lines = assets.desktop_file().read_text(encoding="utf-8").splitlines()
    text = "\n".join(f"Exec={command}" if line.startswith("Exec=") else line for line in lines)
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = entry.with_name(entry.name + ".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, entry)
    svg.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(assets.icon_svg(), svg)
    for size, png in zip(assets.ICON_SIZES, pngs, strict=True):
        png.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(assets.icon_png(size), png)
    return [entry, svg, *pngs]


def uninstall(root: Path | None = None) -> list[Path]:
    removed = []
    for path in installed_paths(root or data_home()):
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed
