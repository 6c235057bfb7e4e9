"""Typed settings with defaults, stored as JSON under the user config directory.

The API key is deliberately not a field here: it never reaches the settings file.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livescribe_gui import paths

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

SPEECH_MODELS = {
    "universal-streaming-english": "Universal Streaming (English): fast, low latency",
    "universal-streaming-multilingual": "Universal Streaming (multilingual): several languages",
    "u3-rt-pro": "Universal-3 Pro real-time: most accurate, arrives formatted",
}

REGIONS = {
    "default": ("Default (nearest)", "streaming.assemblyai.com"),
    "us": ("United States data zone", "streaming.us.assemblyai.com"),
    "eu": ("European Union data zone", "streaming.eu.assemblyai.com"),
}


@dataclass(frozen=True)
class Settings:
    schema_version: int = SCHEMA_VERSION
    device_name: str = ""
    device_host_api: str = ""
    speech_model: str = "universal-streaming-english"
    format_turns: bool = True
    region: str = "default"
    stop_after_silence_minutes: float = 0.0  # 0: keep listening however long it is quiet
    window_geometry: str = ""

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def streaming_host(settings: Settings) -> str:
    """The host the SDK connects to; `LIVESCRIBE_STREAMING_HOST` (host or ws://host:port) wins."""
    override = os.environ.get("LIVESCRIBE_STREAMING_HOST")
    if override:
        return override.rstrip("/")
    return REGIONS.get(settings.region, REGIONS["default"])[1]


def _coerce(raw: dict[str, Any]) -> Settings:
    defaults = Settings()
    values: dict[str, Any] = {}
    for field in dataclasses.fields(Settings):
        if field.name not in raw:
            continue
        value = raw[field.name]
        expected = type(getattr(defaults, field.name))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, expected):
            values[field.name] = value
        else:
            log.warning("settings: ignoring %s of the wrong type", field.name)
    settings = dataclasses.replace(defaults, **values)
    if settings.speech_model not in SPEECH_MODELS:
        log.warning("settings: unknown speech model, using the default")
        settings = settings.replace(speech_model=defaults.speech_model)
    if settings.region not in REGIONS:
        settings = settings.replace(region=defaults.region)
    return settings.replace(schema_version=SCHEMA_VERSION)


def load(path: Path | None = None) -> Settings:
    """Read settings; a missing or unreadable file gives defaults (a bad file is set aside)."""
    path = path or paths.settings_file()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("settings file does not hold an object")
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        aside = path.with_name(path.name + ".corrupt")
        log.warning("settings: %s is unreadable (%s); moved to %s", path, exc, aside)
        try:
            os.replace(path, aside)
        except OSError:
            log.warning("settings: could not move %s aside", path)
        return Settings()
    return _coerce(raw)


def save(settings: Settings, path: Path | None = None) -> None:
    """Write atomically: a temp file in the same directory, fsync, then rename over the old one."""
    path = path or paths.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(dataclasses.asdict(settings), indent=2, sort_keys=True)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class SettingsWriter:
    """Saves on a background thread, so the GUI thread never waits for fsync.

    After `close()` (the app is exiting, the event loop is gone) a save is written directly.
    """

    def __init__(self, path: Path | None = None):
        self._path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="settings-writer")
        self._closed = False

    def save(self, settings: Settings) -> None:
        if self._closed:
            self._save(settings)
        else:
            self._executor.submit(self._save, settings)

    def _save(self, settings: Settings) -> None:
        try:
            save(settings, self._path)
        except OSError as exc:
            log.warning("settings: could not save (%s)", exc)

    def close(self) -> None:
        """Wait for pending writes; call at exit."""
        self._closed = True
        self._executor.shutdown(wait=True)
