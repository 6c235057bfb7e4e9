"""Recognition options: from settings to the SDK's connection and UpdateConfiguration
parameters. Some can change mid-session (UpdateConfiguration); the rest need a new session."""

from __future__ import annotations

from dataclasses import dataclass

from assemblyai.streaming.v3 import (
    Encoding,
    SpeechModel,
    StreamingParameters,
    StreamingSessionParameters,
)

from livescribe_gui.audio.converter import SESSION_RATE
from livescribe_gui.settings import Settings

LIVE_OPTIONS = "key terms, turn detection, formatting and the profanity filter"
NEXT_SESSION_OPTIONS = "speech model, data zone, speaker labels"


@dataclass(frozen=True)
class StreamingOptions:
    speech_model: str = "universal-streaming-english"
    format_turns: bool = True
    keyterms: tuple[str, ...] = ()
    end_of_turn_confidence: float = 0.4
    min_turn_silence_ms: int = 400
    max_turn_silence_ms: int = 1280
    filter_profanity: bool = False
    speaker_labels: bool = False
    max_speakers: int = 0


def streaming_options(settings: Settings) -> StreamingOptions:
    confidence, min_silence, max_silence = settings.turn_silences()
    return StreamingOptions(
        speech_model=settings.speech_model,
        format_turns=settings.format_turns,
        keyterms=tuple(settings.keyterms),
        end_of_turn_confidence=confidence,
        min_turn_silence_ms=min_silence,
        max_turn_silence_ms=max_silence,
        filter_profanity=settings.filter_profanity,
        speaker_labels=settings.speaker_labels,
        max_speakers=settings.max_speakers,
    )


def _live_fields(options: StreamingOptions) -> dict:
    return {
        "format_turns": options.format_turns,
        "keyterms_prompt": list(options.keyterms) or None,
        "end_of_turn_confidence_threshold": options.end_of_turn_confidence,
        "min_turn_silence": options.min_turn_silence_ms,
        "max_turn_silence": options.max_turn_silence_ms,
        "filter_profanity": options.filter_profanity or None,
    }


def acknowledges_silence(speech_model: str) -> bool:
    """Universal-3 Pro models can report stretches heard without speech (`Silence`)."""
    return speech_model.startswith(("u3-", "universal-3-")) and speech_model.endswith("pro")


def connection_parameters(options: StreamingOptions) -> StreamingParameters:
    multilingual = options.speech_model == "universal-streaming-multilingual"
    return StreamingParameters(
        # What the server says it heard lets the app release audio it keeps for a replay.
        session_heartbeat=True,
        acknowledge_silence=True if acknowledges_silence(options.speech_model) else None,
        sample_rate=SESSION_RATE,
        encoding=Encoding.pcm_s16le,
        speech_model=SpeechModel(options.speech_model),
        language_detection=True if multilingual else None,
        speaker_labels=True if options.speaker_labels else None,
        max_speakers=options.max_speakers if options.speaker_labels and options.max_speakers
        else None,
        **_live_fields(options),
    )


def update_parameters(options: StreamingOptions) -> StreamingSessionParameters:
    return StreamingSessionParameters(**_live_fields(options))


def needs_new_session(old: StreamingOptions, new: StreamingOptions) -> bool:
    return (old.speech_model, old.speaker_labels, old.max_speakers) != (
        new.speech_model, new.speaker_labels, new.max_speakers)
