"""Recognition options, from settings: what a session asks the service for. Some can change
mid-session (UpdateConfiguration); the rest need a new session. `parameters` turns them into
the SDK's parameters."""

from __future__ import annotations

from dataclasses import dataclass, fields

from livescribe_gui.settings import Settings
from livescribe_gui.streaming.speech_models import DEFAULT_MODEL

LIVE_OPTIONS = ("key terms, prompt, languages, turn detection, formatting and the "
                "profanity filter")
NEXT_SESSION_OPTIONS = ("speech model, data zone, speakers, language detection, mode, "
                        "noise suppression, medical domain, redaction, inactivity timeout and "
                        "translation")


@dataclass(frozen=True)
class StreamingOptions:
    speech_model: str = DEFAULT_MODEL
    format_turns: bool = True
    keyterms: tuple[str, ...] = ()
    end_of_turn_confidence: float = 0.4
    min_turn_silence_ms: int = 400
    max_turn_silence_ms: int = 1280
    filter_profanity: bool = False
    speaker_labels: bool = False
    max_speakers: int = 0
    prompt: str = ""
    language_codes: tuple[str, ...] = ()
    language_detection: bool = False
    mode: str = ""  # "": the service's default
    voice_focus: str = ""
    domain: str = ""
    redact_pii: bool = False
    redact_pii_policies: tuple[str, ...] = ()
    redact_pii_sub: str = ""
    inactivity_timeout_s: int = 0  # 0: none
    translate_to: str = ""  # a language code; "": no translation
    translation_llm: str = ""


# What UpdateConfiguration can change; everything else waits for the next session.
_LIVE = ("format_turns", "keyterms", "end_of_turn_confidence", "min_turn_silence_ms",
         "max_turn_silence_ms", "filter_profanity", "prompt", "language_codes")


def streaming_options(settings: Settings, *, speech_model: str | None = None) -> StreamingOptions:
    """The options of `settings`; `speech_model` overrides the model for this run (--model)."""
    confidence, min_silence, max_silence = settings.turn_silences()
    return StreamingOptions(
        speech_model=speech_model or settings.speech_model,
        format_turns=settings.format_turns,
        keyterms=tuple(settings.keyterms),
        end_of_turn_confidence=confidence,
        min_turn_silence_ms=min_silence,
        max_turn_silence_ms=max_silence,
        filter_profanity=settings.filter_profanity,
        speaker_labels=settings.speaker_labels,
        max_speakers=settings.max_speakers,
        prompt=settings.prompt,
        language_codes=tuple(settings.language_codes),
        language_detection=settings.language_detection,
        mode=settings.mode,
        voice_focus=settings.voice_focus,
        domain=settings.domain,
        redact_pii=settings.redact_pii,
        redact_pii_policies=tuple(settings.redact_pii_policies),
        redact_pii_sub=settings.redact_pii_sub,
        inactivity_timeout_s=settings.inactivity_timeout_s,
        translate_to=settings.translate_to,
        translation_llm=settings.translation_llm,
    )


def needs_new_session(old: StreamingOptions, new: StreamingOptions) -> bool:
    """Whether some change waits for the next session (UpdateConfiguration cannot make it)."""
    return any(getattr(old, f.name) != getattr(new, f.name)
               for f in fields(StreamingOptions) if f.name not in _LIVE)
