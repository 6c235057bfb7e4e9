"""Right-to-left text (Arabic, Hebrew, Persian, Urdu) in a left-to-right app.

Left to Qt, a paragraph takes its direction from its first letter: a Hebrew turn flipped its
whole block, pushing the time stamp out of sight and putting the English translation's
question mark at its left; an Arabic translation under an English turn was ordered as if it
were English (its full stop at the right end, beside its first word). Paragraphs keep the
app's direction, and each piece of user text whose first letter is right-to-left is wrapped
in a first-strong isolate (U+2068 … U+2069): it is ordered as its own paragraph would be, and
the text around it is left as it was. Text that starts left to right (an English sentence
quoting an Arabic word) is ordered right already, and is never touched.
"""

from __future__ import annotations

import unicodedata

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def reads_right_to_left(text: str) -> bool:
    """Whether the first character with a direction of its own is right-to-left."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction == "L":
            return False
        if direction in ("R", "AL"):
            return True
    return False


def isolated(text: str) -> str:
    """`text` as the view shows it: wrapped in an isolate if it reads right to left."""
    if not reads_right_to_left(text):
        return text
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"


def without_isolates(text: str) -> str:
    """Shown text as it was said (for the clipboard)."""
    return text.replace(FIRST_STRONG_ISOLATE, "").replace(POP_DIRECTIONAL_ISOLATE, "")
