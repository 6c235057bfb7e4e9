"""Which transcript text is laid out without HarfBuzz shaping, and which is never slanted.

Qt keeps what shaping allocated in a laid-out block for as long as the block lives: about 45
bytes a character (5,000 lines of 130 characters: 35 MB shaped, 3 MB not), and a transcript
grows all day. Latin, Greek, Cyrillic, CJK, kana and Hangul syllables are drawn from the font's
own glyphs one by one and read the same unshaped; Arabic (its letters join), Hebrew points, the
Indic scripts, Thai, emoji sequences and combining marks need shaping to be legible, and get
it: the view asks for shaping wherever a piece of text holds any of those.

Those scripts are not written in italics either, and the italic face of a common desktop font
may not have them at all (DejaVu Sans Oblique has no Arabic: Qt drew empty boxes for an
italic growing turn or translation in Arabic). Such text is set upright; the view's quieter
colour still tells it apart.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QFont, QTextCharFormat

# Ranges whose characters each map to one glyph that needs no neighbours to look right.
_NO_SHAPING_NEEDED = re.compile(
    "["
    "\u0000-\u02ff"  # Latin (Basic, Latin-1, Extended-A and -B), IPA, spacing modifiers
    "\u0370-\u0482\u048a-\u052f"  # Greek, Cyrillic (without its combining marks)
    "\u1e00-\u1fff"  # Latin Extended Additional (Vietnamese), Greek Extended
    "\u2000-\u200b\u200e-\u20cf"  # punctuation, super/subscripts, currency (no ZWNJ, ZWJ)
    "\u2100-\u2bff"  # letterlike symbols, arrows, mathematical operators, shapes
    "\u3000-\u3029\u3030-\u3098\u309b-\u9fff"  # CJK punctuation, kana, ideographs
    "\uac00-\ud7a3"  # Hangul syllables
    "\uff00-\uffef"  # half- and full-width forms
    "\U00020000-\U0003ffff"  # CJK ideographs beyond the first plane
    "]*"
)


def needs_shaping(text: str) -> bool:
    return _NO_SHAPING_NEEDED.fullmatch(text) is None


def format_for_script(form: QTextCharFormat, text: str) -> QTextCharFormat:
    """`form` for `text`: as it is (the view's font shapes nothing it need not), or a copy
    that asks for shaping and is upright."""
    if not needs_shaping(text):
        return form
    shaped = QTextCharFormat(form)
    shaped.setFontStyleStrategy(QFont.StyleStrategy.PreferDefault)
    shaped.setFontItalic(False)
    return shaped
