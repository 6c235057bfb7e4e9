"""Recognition options as the SDK's connection and UpdateConfiguration parameters. Only
options the chosen model takes are sent (`speech_models.info`). Imported with the SDK, by
the modules that talk to the service; the rest of the app knows only `options`."""

from __future__ import annotations

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

from livescribe_gui.audio.session_format import SESSION_RATE
from livescribe_gui.streaming.options import StreamingOptions
from livescribe_gui.streaming.speech_models import TRANSLATION_LLM, info, translation_prompt


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
