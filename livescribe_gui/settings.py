"""Typed settings with defaults, stored as JSON under the user config directory.

The file cannot hurt: a corrupt, unreadable or newer-version file is moved aside (kept for the
user) and defaults are used; unknown keys are kept; invalid values fall back to defaults with
a warning in the log; writes are atomic. The API key is deliberately not a field here.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from livescribe_gui import paths
from livescribe_gui.notes import DEFAULT_NOTES_MODEL
from livescribe_gui.streaming.speech_models import (
    DEFAULT_MODEL,
    TRANSLATION_LANGUAGES,
    TRANSLATION_LLM,
    pii_policies,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3

REGIONS = {
    "default": ("Default (nearest)", "streaming.assemblyai.com"),
    "us": ("United States data zone", "streaming.us.assemblyai.com"),
    "eu": ("European Union data zone", "streaming.eu.assemblyai.com"),
}

# end_of_turn_confidence_threshold, min_turn_silence (ms), max_turn_silence (ms)
TURN_PRESETS = {
    "aggressive": (0.4, 160, 400),
    "balanced": (0.4, 400, 1280),
    "conservative": (0.7, 800, 3600),
}

HISTORY_CHOICES = ("all", "days", "none")
MODES = ("", "min_latency", "balanced", "max_accuracy")
VOICE_FOCUS = ("", "near-field", "far-field")
DOMAINS = ("", "medical-v1")
PII_SUBSTITUTIONS = ("", "hash", "entity_name")
MAX_PROMPT_CHARS = 10_000
MAX_KEYTERMS = 100
MAX_KEYTERM_CHARS = 50
THEMES = ("system", "light", "dark", "high-contrast")


@dataclass(frozen=True)
class Settings:
    schema_version: int = SCHEMA_VERSION
    device_name: str = ""
    device_host_api: str = ""
    call_mode: bool = False  # both sides of a call: the input is "You", these are "Them"
    them_device_name: str = ""
    them_device_host_api: str = ""
    you_label: str = "You"
    them_label: str = "Them"
    told_about_echo: bool = False  # the first echo in a call suggested headphones
    speech_model: str = DEFAULT_MODEL  # any name: one the app does not know is passed on
    region: str = "default"
    format_turns: bool = True
    keyterms: list[str] = field(default_factory=list)
    turn_detection: str = "balanced"  # a TURN_PRESETS name, or "custom"
    end_of_turn_confidence: float = 0.4
    min_turn_silence_ms: int = 400
    max_turn_silence_ms: int = 1280
    filter_profanity: bool = False
    speaker_labels: bool = False
    max_speakers: int = 0  # 0: let the service decide
    stop_after_silence_minutes: float = 0.0  # 0: keep listening however long it is quiet
    prompt: str = ""  # Universal-3 Pro: what the conversation is about, how to write it
    language_codes: list[str] = field(default_factory=list)  # expected languages; []: any
    language_detection: bool = False  # tell the language of each turn
    mode: str = ""  # "", "min_latency", "balanced" or "max_accuracy"
    voice_focus: str = ""  # noise suppression: "", "near-field" or "far-field"
    domain: str = ""  # "" or "medical-v1"
    redact_pii: bool = False
    redact_pii_policies: list[str] = field(default_factory=list)  # []: the service's default
    redact_pii_sub: str = ""  # "", "hash" or "entity_name"
    inactivity_timeout_s: int = 0  # the service ends a session this long without audio
    translate_to: str = ""  # a language code; "": no translation
    translation_display: str = "both"  # "both" (translation under the original) or "only"
    subtitle_text: str = "original"  # in SRT/WebVTT exports: "original", "translation", "both"
    translation_llm: str = TRANSLATION_LLM
    captions_style: dict[str, Any] = field(default_factory=dict)  # CaptionStyle fields
    captions_geometry: str = ""
    captions_open: bool = False
    live_text_file: str = ""  # a path: the last lines, kept current for OBS; "": off
    live_text_lines: int = 2  # 0: the whole session
    caption_feed: bool = False  # a caption page and event stream on 127.0.0.1
    caption_feed_port: int = 47315
    listen_on_open: bool = False  # start listening when LiveScribe opens
    start_at_login: bool = False  # an autostart entry (Linux: XDG autostart)
    close_to_tray: bool = False
    told_about_tray: bool = False  # the first close to the tray says where the window went
    history: str = "all"  # "all", "days" (keep history_days days) or "none" (never on disk)
    history_days: int = 30
    show_timestamps: bool = True
    font_size: int = 0  # 0: the system's size, enlarged a little
    theme: str = "system"
    announce_turns: bool = True  # screen readers hear each finished turn
    key_in_file: bool = False  # opted in to a private file where no keyring exists
    notes: bool = False  # meeting notes through the LLM Gateway; off: nothing is sent
    notes_model: str = DEFAULT_NOTES_MODEL
    notes_language: str = ""  # a language code; "": the transcript's language
    notes_every_minutes: int = 3  # the running summary: after this much new speech, at most
    notes_after_stop: bool = True  # write the notes by themselves when a session stops
    notes_zero_data_retention: bool = True
    window_geometry: str = ""
    # Keys this version does not know (from a newer one, or a hand edit): kept, never used.
    unknown: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def turn_silences(self) -> tuple[float, int, int]:
        if self.turn_detection in TURN_PRESETS:
            return TURN_PRESETS[self.turn_detection]
        return self.end_of_turn_confidence, self.min_turn_silence_ms, self.max_turn_silence_ms


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    notice: str = ""  # tell the user once, e.g. that a bad file was set aside


def validate_keyterms(terms: list[str]) -> str:
    """An empty string when the list is acceptable, else a sentence saying what to fix."""
    if len(terms) > MAX_KEYTERMS:
        return f"At most {MAX_KEYTERMS} key terms are allowed; this list has {len(terms)}."
    long = [t for t in terms if len(t) > MAX_KEYTERM_CHARS]
    if long:
        return (f"Key terms can be at most {MAX_KEYTERM_CHARS} characters: "
                f"“{long[0][:20]}…” is {len(long[0])}.")
    return ""


def streaming_host(settings: Settings) -> str:
    """The host the SDK connects to; `LIVESCRIBE_STREAMING_HOST` (host or ws://host:port) wins."""
    override = os.environ.get("LIVESCRIBE_STREAMING_HOST")
    if override:
        return override.rstrip("/")
    return REGIONS.get(settings.region, REGIONS["default"])[1]


def _v1_to_v2(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no turn detection choice; it behaved like today's "balanced"."""
    raw.setdefault("turn_detection", "balanced")
    return raw


def _v2_to_v3(raw: dict[str, Any]) -> dict[str, Any]:
    """The default model became u3-rt-pro; a file written before kept the old default's
    behaviour, so the model it used is written down and kept."""
    raw.setdefault("speech_model", "universal-streaming-english")
    return raw


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _v1_to_v2, 2: _v2_to_v3}


def _valid(name: str, value: Any) -> bool:
    if name == "speech_model":
        return bool(value.strip())
    if name == "region":
        return value in REGIONS
    if name == "turn_detection":
        return value in TURN_PRESETS or value == "custom"
    if name == "theme":
        return value in THEMES
    if name == "keyterms":
        return all(isinstance(t, str) for t in value) and not validate_keyterms(value)
    if name in ("max_speakers", "font_size", "min_turn_silence_ms", "max_turn_silence_ms"):
        return value >= 0
    if name == "end_of_turn_confidence":
        return 0.0 <= value <= 1.0
    if name == "stop_after_silence_minutes":
        return value >= 0
    if name == "mode":
        return value in MODES
    if name == "voice_focus":
        return value in VOICE_FOCUS
    if name == "domain":
        return value in DOMAINS
    if name == "redact_pii_sub":
        return value in PII_SUBSTITUTIONS
    if name == "redact_pii_policies":
        return all(p in pii_policies() for p in value)
    if name == "language_codes":
        return all(isinstance(c, str) and 2 <= len(c) <= 8 for c in value)
    if name == "prompt":
        return len(value) <= MAX_PROMPT_CHARS
    if name == "translate_to":
        return value == "" or value in TRANSLATION_LANGUAGES
    if name == "translation_display":
        return value in ("both", "only")
    if name == "subtitle_text":
        return value in ("original", "translation", "both")
    if name == "translation_llm":
        return bool(value.strip())
    if name in ("you_label", "them_label"):
        return 0 < len(value.strip()) <= 30
    if name == "notes_model":
        return bool(value.strip())
    if name == "notes_language":
        return value == "" or value in TRANSLATION_LANGUAGES
    if name == "notes_every_minutes":
        return 1 <= value <= 60
    if name == "caption_feed_port":
        return 1024 <= value <= 65535
    if name == "history":
        return value in HISTORY_CHOICES
    if name == "history_days":
        return 1 <= value <= 3650
    if name == "inactivity_timeout_s":
        return value == 0 or 5 <= value <= 3600
    return True


def _coerce(raw: dict[str, Any]) -> Settings:
    defaults = Settings()
    known = {f.name for f in dataclasses.fields(Settings)} - {"unknown"}
    values: dict[str, Any] = {}
    for name in known & raw.keys():
        value = raw[name]
        expected = type(getattr(defaults, name))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and expected is not bool:
            value = None
        if isinstance(value, expected) and _valid(name, value):
            values[name] = value
        else:
            log.warning("settings: %s has an invalid value; using the default", name)
    unknown = {k: v for k, v in raw.items() if k not in known and k != "unknown"}
    values["schema_version"] = SCHEMA_VERSION
    return dataclasses.replace(defaults, unknown=unknown, **values)


def _set_aside(path: Path, why: str) -> str:
    aside = path.with_name(path.name + ".bad")
    log.warning("settings: %s %s; moved to %s", path, why, aside)
    try:
        os.replace(path, aside)
    except OSError:
        log.warning("settings: could not move %s aside", path)
        return f"The settings file {why} and could not be moved aside; defaults are in use."
    return (f"The settings file {why}, so LiveScribe started with defaults. "
            f"Your old file is kept as {aside}.")


def load(path: Path | None = None) -> Loaded:
    """Read settings; a missing file gives defaults, a bad one is set aside."""
    path = path or paths.settings_file()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Loaded(Settings())
    except (OSError, ValueError):
        return Loaded(Settings(), _set_aside(path, "could not be read"))
    if not isinstance(raw, dict):
        return Loaded(Settings(), _set_aside(path, "did not hold settings"))
    version = raw.get("schema_version", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        return Loaded(Settings(), _set_aside(path, "is from a newer LiveScribe"))
    for step in range(max(version, 1), SCHEMA_VERSION):
        raw = MIGRATIONS[step](raw)
    return Loaded(_coerce(raw))


def to_json(settings: Settings) -> str:
    data = {k: v for k, v in dataclasses.asdict(settings).items() if k != "unknown"}
    merged = {**settings.unknown, **data}
    return json.dumps(merged, indent=2, sort_keys=True)


def save(settings: Settings, path: Path | None = None) -> None:
    """Write atomically: a temp file in the same directory, fsync, then rename over the old one."""
    path = path or paths.settings_file()
    paths.private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(to_json(settings) + "\n")
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
