"""The speech models people can choose, what each is good at, and which options each takes.

Every model of the installed SDK's `SpeechModel` is offered except the deprecated ones. A
name the app does not know (a newer SDK, an edited settings file) is passed through to the
server as it is, with only the options every model takes.

The SDK is read only when its lists are asked for (Settings, a command-line check): importing
it costs a fifth of a second, which start-up does not pay.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

DEFAULT_MODEL = "u3-rt-pro"  # the quickstart's choice
DEPRECATED = {"u3-pro"}  # the SDK marks it so: "use u3_rt_pro instead"


@functools.cache
def pii_policies() -> tuple[str, ...]:
    """The kinds of personal information the SDK can redact."""
    from assemblyai.streaming.v3.models import StreamingPiiPolicy

    return tuple(p.value for p in StreamingPiiPolicy)


@functools.cache
def _sdk_models() -> tuple[str, ...]:
    from assemblyai.streaming.v3 import SpeechModel

    return tuple(m.value for m in SpeechModel if m.value not in DEPRECATED)


@dataclass(frozen=True)
class ModelInfo:
    name: str
    summary: str  # one plain line: accuracy, latency, languages
    languages: bool = False  # language_codes / language_detection, language on each turn
    prompt: bool = False  # a natural-language prompt (Universal-3 Pro)
    mode: bool = False  # min latency / balanced / max accuracy
    silence_messages: bool = False  # Silence messages (acknowledge_silence)
    formats_itself: bool = False  # final turns arrive formatted; no format_turns copy
    translation: bool = False  # LLM Gateway per turn (real-time translation)


_PRO = {"languages": True, "prompt": True, "mode": True, "silence_messages": True,
        "formats_itself": True}
# AssemblyAI documents real-time translation (llm_gateway) for these two.
_TRANSLATES = {"translation": True}

KNOWN: dict[str, ModelInfo] = {
    info.name: info for info in (
        ModelInfo("u3-rt-pro", "Universal-3 Pro real-time: most accurate, prompts, six "
                  "languages with code switching; turns arrive formatted", **_PRO),
        ModelInfo("universal-3-6-pro", "Universal-3.6 Pro: the newest and most accurate, "
                  "32 languages with code switching, prompts, live translation; turns arrive "
                  "formatted", **_PRO, **_TRANSLATES),
        ModelInfo("universal-3-5-pro", "Universal-3.5 Pro: very accurate, 19 languages with "
                  "code switching, prompts, live translation; turns arrive formatted",
                  **_PRO, **_TRANSLATES),
        ModelInfo("u3-rt-pro-beta-1", "Universal-3 Pro real-time, first beta: kept to "
                  "compare against; prefer u3-rt-pro", **_PRO),
        ModelInfo("universal-3-6", "Universal-3.6: accurate and quick, 32 languages, "
                  "no prompt; turns arrive formatted", languages=True, mode=True,
                  formats_itself=True),
        ModelInfo("whisper-rt", "Whisper real-time: the most languages (99), "
                  "slower to settle", languages=True),
        ModelInfo("universal-streaming-english", "Universal Streaming (English): fast and "
                  "inexpensive, English only"),
        ModelInfo("universal-streaming-multilingual", "Universal Streaming (multilingual): "
                  "fast; English, Spanish, French, German, Italian, Portuguese, detects the "
                  "language of each turn", languages=True),
    )
}


def offered() -> list[ModelInfo]:
    """What the Settings list shows: the SDK's models, minus deprecated ones, the default
    first; a model the SDK lists that this table does not describe is still offered."""
    names = list(_sdk_models())
    names.sort(key=lambda n: (n != DEFAULT_MODEL, list(KNOWN).index(n) if n in KNOWN else 99))
    return [info(n) for n in names]


def info(name: str) -> ModelInfo:
    return KNOWN.get(name) or ModelInfo(name, f"{name}: a model this LiveScribe does not "
                                        "know; sent to the service as it is")


def is_known(name: str) -> bool:
    return name in _sdk_models()


TRANSLATION_LLM = "gemini-2.5-flash-lite"  # AssemblyAI's own translation guide uses it

# Languages to translate into: code -> name. Codes are what --translate-to takes.
TRANSLATION_LANGUAGES = {
    "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech", "da": "Danish",
    "de": "German", "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian",
    "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi",
    "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese",
    "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "ms": "Malay", "nl": "Dutch",
    "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili",
    "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "vi": "Vietnamese", "zh": "Chinese",
}


def translation_prompt(language_code: str) -> str:
    """The LLM Gateway prompt: `{{turn}}` is replaced by each final turn on the server."""
    language = TRANSLATION_LANGUAGES.get(language_code, language_code)
    return (f"Translate the following text into {language}. Reply with the translation only: "
            "no preamble, no quotation marks, no notes. If it is already in "
            f"{language}, repeat it unchanged.\n\nText: {{{{turn}}}}")
