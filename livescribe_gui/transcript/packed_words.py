"""A settled turn's word timings, kept compact.

A working day holds tens of thousands of words with their times, confidence and speaker. As
one `WordTiming` object each (with its own string and numbers) they cost about 2.6 KB a
turn, most of the transcript's memory; packed into one string and three arrays they cost
about a quarter of that, and a `WordTiming` is made again only when something reads it
(an export, the store). `PackedWords` is a read-only sequence and equals a tuple of the
same `WordTiming`s.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from typing import overload

from livescribe_gui.streaming.events import WordTiming

_SEPARATOR = "\x00"  # never inside a word the service sends
# text, start ms, end ms, confidence, final, speaker
WordRecord = tuple[str, int, int, float, bool, str | None]


class PackedWords(Sequence[WordTiming]):
    __slots__ = ("_texts", "_times", "_confidences", "_final", "_speakers")

    def __init__(self, words: Iterable[WordTiming] = ()) -> None:
        words = tuple(words)
        self._texts = _SEPARATOR.join(w.text for w in words)
        self._times = array("q", [t for w in words for t in (w.start_ms, w.end_ms)])
        self._confidences = array("d", [w.confidence for w in words])
        self._final = bytes(w.is_final for w in words)
        speakers = tuple(w.speaker for w in words)
        self._speakers = speakers if any(speakers) else None

    def __len__(self) -> int:
        return len(self._confidences)

    def __iter__(self) -> Iterator[WordTiming]:
        return (WordTiming(*record) for record in self.records())

    def records(self) -> Iterator[WordRecord]:
        """The words as plain tuples, in WordTiming's field order: what exports and the
        store read, without making a WordTiming each (30,000 of them took 60 ms)."""
        if not self._confidences:
            return iter(())
        speakers = self._speakers or repeat(None)  # endless: hence strict=False
        return zip(self._texts.split(_SEPARATOR), self._times[0::2], self._times[1::2],
                   self._confidences, map(bool, self._final), speakers, strict=False)

    @overload
    def __getitem__(self, index: int) -> WordTiming: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[WordTiming, ...]: ...
    def __getitem__(self, index: int | slice) -> WordTiming | tuple[WordTiming, ...]:
        return tuple(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedWords | tuple | list):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"PackedWords({tuple(self)!r})"


def word_records(words: Sequence[WordTiming]) -> Iterator[WordRecord]:
    """A turn's words as plain tuples, packed or not."""
    if isinstance(words, PackedWords):
        return words.records()
    return ((w.text, w.start_ms, w.end_ms, w.confidence, w.is_final, w.speaker) for w in words)
