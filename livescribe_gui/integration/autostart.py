"""Starting LiveScribe at login. On Linux (and other XDG desktops) an autostart entry under
`$XDG_CONFIG_HOME/autostart`; Windows and macOS are described in the README (a shortcut in
the Startup folder, Login Items) and not written by the app."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from livescribe_gui import assets
from livescribe_gui.desktop_entry import launcher, quote_exec_argument


def supported() -> bool:
    return sys.platform.startswith(("linux", "freebsd", "openbsd"))


def autostart_file() -> Path:
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "autostart" / f"{assets.APP_ID}.desktop"


def set_start_at_login(on: bool) -> None:
    """Write (atomically) or remove the autostart entry. Its Exec is this installation."""
    path = autostart_file()
    if not on:
        path.unlink(missing_ok=True)
        return
    command = " ".join(quote_exec_argument(a) for a in launcher())
    lines = assets.desktop_file().read_text(encoding="utf-8").splitlines()
    lines = [f"Exec={command}" if line.startswith("Exec=") else line for line in lines]
    lines.append("X-GNOME-Autostart-enabled=true")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)
