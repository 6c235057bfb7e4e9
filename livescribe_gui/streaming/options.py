"""Recognition options: from settings to the SDK's connection and UpdateConfiguration
parameters. Some can change mid-session (UpdateConfiguration); the rest need a new session.
Only options the chosen model takes are sent (`speech_models.info`)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from assemblyai.streaming.v3 import (
    Encoding,
    SpeechModel,
    StreamingParameters,
    StreamingSessionParameters,
)
from assemblyai.streaming.v3.models import (
    LLMGatewayConfig,
    LLMGatewayMessage,
    NoiseSuppressionModel,
    StreamingDomain,
    StreamingMode,
    StreamingPiiPolicy,
    StreamingPiiSubstitution,
)

from livescribe_gui.audio.converter import SESSION_RATE
from livescribe_gui.settings import Settings
from livescribe_gui.streaming.speech_models import (
    DEFAULT_MODEL,
    TRANSLATION_LLM,
    info,
    translation_prompt,
)

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


def _live_fields(options: StreamingOptions) -> dict:
    model = info(options.speech_model)
    return {
        # A model that formats its turns itself sends no second, formatted copy.
        "format_turns": None if model.formats_itself else options.format_turns,
        "keyterms_prompt": list(options.keyterms) or None,
        "end_of_turn_confidence_threshold": options.end_of_turn_confidence,
        "min_turn_silence": options.min_turn_silence_ms,
        "max_turn_silence": options.max_turn_silence_ms,
        "filter_profanity": options.filter_profanity or None,
        "prompt": options.prompt.strip() or None if model.prompt else None,
        "language_codes": list(options.language_codes) or None if model.languages else None,
    }


class ConnectionParameters(StreamingParameters):
    """The SDK's parameters, but a speech model it does not list (a newer one, or a name from
    an edited settings file) is sent as it is and the server decides."""

    speech_model: SpeechModel | str | None = None


def connection_parameters(options: StreamingOptions) -> StreamingParameters:
    model = info(options.speech_model)
    detect = model.languages and (options.language_detection
                                  or options.speech_model == "universal-streaming-multilingual")
    params = ConnectionParameters(
        speech_model=options.speech_model,
        sample_rate=SESSION_RATE,
        encoding=Encoding.pcm_s16le,
        # What the server says it heard lets the app release audio it keeps for a replay.
        session_heartbeat=True,
        acknowledge_silence=True if model.silence_messages else None,
        language_detection=True if detect else None,
        speaker_labels=True if options.speaker_labels else None,
        max_speakers=options.max_speakers if options.speaker_labels and options.max_speakers
        else None,
        mode=StreamingMode(options.mode) if model.mode and options.mode else None,
        voice_focus=NoiseSuppressionModel(options.voice_focus) if options.voice_focus else None,
        domain=StreamingDomain(options.domain) if options.domain else None,
        redact_pii=True if options.redact_pii else None,
        redact_pii_policies=[StreamingPiiPolicy(p) for p in options.redact_pii_policies]
        if options.redact_pii and options.redact_pii_policies else None,
        redact_pii_sub=StreamingPiiSubstitution(options.redact_pii_sub)
        if options.redact_pii and options.redact_pii_sub else None,
        inactivity_timeout=options.inactivity_timeout_s or None,
        llm_gateway=_translation(options) if model.translation else None,
        **_live_fields(options),
    )
    return params


def _translation(options: StreamingOptions) -> LLMGatewayConfig | None:
    """Each final turn, translated on the server and sent back as an LLMGatewayResponse."""
    if not options.translate_to:
        return None
    prompt = translation_prompt(options.translate_to)
    return LLMGatewayConfig(model=options.translation_llm or TRANSLATION_LLM, max_tokens=1000,
                            messages=[LLMGatewayMessage(role="user", content=prompt)])


def update_parameters(options: StreamingOptions) -> StreamingSessionParameters:
    return StreamingSessionParameters(**_live_fields(options))


def needs_new_session(old: StreamingOptions, new: StreamingOptions) -> bool:
    """Whether some change waits for the next session (UpdateConfiguration cannot make it)."""
    return any(getattr(old, f.name) != getattr(new, f.name)
               for f in fields(StreamingOptions) if f.name not in _LIVE)
