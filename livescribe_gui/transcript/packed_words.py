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
from typing import overload

from livescribe_gui.streaming.events import WordTiming

_SEPARATOR = "\x00"  # never inside a word the service sends


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
        if not self._confidences:
            return
        times, speakers = self._times, self._speakers
        for i, text in enumerate(self._texts.split(_SEPARATOR)):
            yield WordTiming(text, times[2 * i], times[2 * i + 1], self._confidences[i],
                             bool(self._final[i]), speakers[i] if speakers else None)

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
