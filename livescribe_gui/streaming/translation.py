"""The text of a translation the server sends back (an LLM Gateway response, shaped like a
chat completion), without the chatter a model sometimes adds around it."""

from __future__ import annotations

import re

_PREAMBLE = re.compile(
    r"^\s*(?:here(?: is|'s) the translation[^:\n]*:|translation[^:\n]{0,30}:)\s*", re.IGNORECASE)
_QUOTES = ('"', "“", "”", "«", "»", "'")


def translation_text(data: object) -> str:
    """`data["choices"][0]["message"]["content"]`, trimmed; "" when there is none."""
    try:
        content = data["choices"][0]["message"]["content"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return ""
    if not isinstance(content, str):
        return ""
    text = _PREAMBLE.sub("", content.strip()).strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return text
