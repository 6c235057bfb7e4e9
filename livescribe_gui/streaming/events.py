"""Immutable payloads that cross from the worker and SDK threads to the GUI thread."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from livescribe_gui.audio.devices import InputDevice
from livescribe_gui.audio.preview import CaptureHandover
from livescribe_gui.streaming.options import StreamingOptions


@dataclass(frozen=True)
class SessionConfig:
    device: InputDevice
    api_key: str = field(repr=False)
    host: str
    options: StreamingOptions
    # The level preview's open stream for this device, passed on with its pre-roll.
    handover: CaptureHandover | None = field(default=None, compare=False, repr=False)
    silence_hint_seconds: float = 5.0
    stall_seconds: float = 8.0
    rollover_margin_seconds: float = 120.0
    stop_after_silence_seconds: float = 0.0  # 0: never stop on its own
    # In a call, each side runs its own worker into one saved transcript:
    source: str = ""  # this side's label ("You", "Them"); "": the one input
    segment_base: int = 0  # its server sessions are numbered from here (kept apart per side)
    clock_ms: int = 0  # where its audio starts on the transcript's clock
    recording_id: int | None = None  # the saved transcript to add to (another side opened it)


@dataclass(frozen=True)
class SessionStarted:
    """A server session began. A transcript spans several when connections are renewed;
    `segment` counts them and `offset_ms` is where this one starts on the transcript clock."""

    session_id: str
    expires_at: datetime
    sample_rate: int
    capture_rate: int
    capture_channels: int
    segment: int = 0
    offset_ms: int = 0


@dataclass(frozen=True)
class Reconnecting:
    attempt: int
    delay_seconds: float
    reason: str
    kind: FailureKind


@dataclass(frozen=True, slots=True)
class WordTiming:
    text: str
    start_ms: int
    end_ms: int
    confidence: float
    is_final: bool
    speaker: str | None = None


@dataclass(frozen=True)
class TurnUpdate:
    """One Turn message: the same `turn_order` is re-sent as the turn grows, then final."""

    turn_order: int
    transcript: str
    end_of_turn: bool
    is_formatted: bool
    words: tuple[WordTiming, ...] = ()
    speaker: str | None = None
    segment: int = 0
    offset_ms: int = 0  # add to word times to place them on the transcript clock
    language: str | None = None  # with language detection: the turn's language code
    source: str = ""  # in a call: whose side ("You", "Them"); "": the one input
    saved: bool = False  # a final turn committed to the transcript store, word timings and all

    @property
    def start_ms(self) -> int:
        return self.words[0].start_ms if self.words else 0

    @property
    def end_ms(self) -> int:
        return self.words[-1].end_ms if self.words else 0


@dataclass(frozen=True)
class RevisedTurn:
    """An earlier final turn's speakers, corrected by the service (text and times stay)."""

    turn_order: int
    speaker: str | None
    words: tuple[WordTiming, ...]  # on the transcript clock


@dataclass(frozen=True)
class SpeakersRevised:
    segment: int
    turns: tuple[RevisedTurn, ...]


@dataclass(frozen=True)
class Translation:
    """The translation of one final turn of one server session."""

    segment: int
    turn_order: int
    text: str


@dataclass(frozen=True)
class ServiceWarning:
    code: int
    text: str


@dataclass(frozen=True)
class InputSilence:
    """The input has been quiet for a while; `digital_zero` means exact zeros (muted driver,
    or on macOS a refused microphone permission)."""

    device_name: str
    seconds: float
    digital_zero: bool


@dataclass(frozen=True)
class SessionEnded:
    """The session is over: `terminated` tells whether the server confirmed with Termination."""

    terminated: bool
    audio_seconds: float | None = None
    session_seconds: float | None = None
    auto_stopped: bool = False


class FailureKind(enum.Enum):
    AUTH = "auth"
    INVALID = "invalid"
    DEVICE = "device"
    UNREACHABLE = "unreachable"
    TOO_MANY_SESSIONS = "too_many_sessions"
    SERVER = "server"
    DROPPED = "dropped"


@dataclass(frozen=True)
class StreamFailure:
    kind: FailureKind
    message: str
    code: int | None = None
    retry: bool = False
    min_delay: float = 0.0
