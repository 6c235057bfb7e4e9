"""The lines a captions window shows, without Qt widgets: settled lines that never reflow,
and the growing turn's lines at the bottom.

Each final turn is wrapped once, at word boundaries, into lines that fit the width; only the
growing turn is wrapped again as it grows. So a turn that settles replaces just its own
lines, and the lines above it never jump. Work per update is proportional to one turn.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from livescribe_gui.transcript.model import (
    Change,
    FinalTurn,
    PartialChanged,
    TurnAdded,
    TurnReplaced,
    turn_label,
)

HISTORY_LINES = 500  # scrollback kept in the window


@dataclass(frozen=True)
class CaptionLine:
    text: str
    live: bool = False  # part of the growing turn


def wrap(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Greedy word wrap: as many words per line as fit; a word too long for any line is
    split by characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current:
            lines.append(current)
        while not fits(word) and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and not fits(word[:cut]):
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


class CaptionLines:
    def __init__(self, fits: Callable[[str], bool]):
        self._fits = fits
        self._settled: deque[CaptionLine] = deque(maxlen=HISTORY_LINES)
        self._turn_lines: dict[int, int] = {}  # final turn index -> how many lines it has
        self._live: list[CaptionLine] = []
        self.uppercase = False
        self.show_speakers = True
        self.translation_only = False
        self.speaker_names: dict[str, str] = {}

    def set_fits(self, fits: Callable[[str], bool]) -> None:
        """A new width or font: what is shown from now on is wrapped with it."""
        self._fits = fits

    def apply(self, changes: list[Change]) -> None:
        for change in changes:
            if isinstance(change, TurnAdded):
                self._settle(change.index, change.turn)
            elif isinstance(change, TurnReplaced):
                self._replace(change.index, change.turn)
            elif isinstance(change, PartialChanged):
                self._live = [CaptionLine(line, live=True)
                              for line in wrap(self._cased(change.text), self._fits)]

    def clear(self) -> None:
        self._settled.clear()
        self._turn_lines.clear()
        self._live = []

    def visible(self, count: int, *, back: int = 0) -> list[CaptionLine]:
        """The last `count` lines, `back` settled lines up from the newest; the growing turn
        stays at the bottom while reading back."""
        settled = list(self._settled)
        if back:
            settled = settled[:max(0, len(settled) - back)]
        return (settled + self._live)[-count:]

    @property
    def settled_count(self) -> int:
        return len(self._settled)

    def _text(self, turn: FinalTurn) -> str:
        text = turn.translation if self.translation_only and turn.translation else turn.text
        if turn.translation and not self.translation_only:
            text = f"{text} — {turn.translation}"
        if turn.source or (self.show_speakers and turn.speaker):  # a call's sides always
            text = f"{turn_label(turn, self.speaker_names)}: {text}"
        return self._cased(text)

    def _cased(self, text: str) -> str:
        return text.upper() if self.uppercase else text

    def _settle(self, index: int, turn: FinalTurn) -> None:
        lines = [] if turn.echo else [CaptionLine(line)
                                      for line in wrap(self._text(turn), self._fits)]
        self._settled.extend(lines)
        self._turn_lines[index] = len(lines)
        if len(self._turn_lines) > HISTORY_LINES:
            self._turn_lines.pop(min(self._turn_lines))

    def _replace(self, index: int, turn: FinalTurn) -> None:
        """A settled turn changed (formatted twin, speaker, translation): rewrite its lines
        if it is the newest turn; older turns keep theirs, so nothing above jumps."""
        if index != max(self._turn_lines, default=-1):
            return
        for _ in range(self._turn_lines.pop(index)):
            self._settled.pop()
        self._settle(index, turn)
