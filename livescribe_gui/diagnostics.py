"""What to paste into a bug report: versions, devices, settings and recent log lines, with
the API key removed wherever it might appear."""

from __future__ import annotations

from livescribe_gui import paths, versions
from livescribe_gui.audio.devices import InputDevice
from livescribe_gui.settings import Settings, to_json

LOG_LINES = 60


def _recent_log() -> list[str]:
    try:
        lines = (paths.log_dir() / "livescribe.log").read_text(encoding="utf-8",
                                                               errors="replace").splitlines()
    except OSError:
        return ["(no log file)"]
    return lines[-LOG_LINES:]


def gather(*, devices: list[InputDevice], settings: Settings, secret: str) -> str:
    parts = [
        *[f"{name}: {version}" for name, version in versions.components()],
        "",
        "Inputs:",
        *[f"  {d.host_api}: {d.name}{' (default)' if d.is_default else ''}" for d in devices],
        "",
        "Settings:",
        to_json(settings),
        "",
        f"Last {LOG_LINES} log lines:",
        *_recent_log(),
    ]
    text = "\n".join(parts)
    return text.replace(secret, "[redacted]") if secret else text
