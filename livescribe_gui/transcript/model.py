"""Merges the server's Turn messages into a transcript, with no Qt in sight.

A turn is re-sent while it grows, then sent once with `end_of_turn`; with `format_turns` one more
final copy arrives with `turn_is_formatted` and replaces its unformatted twin. `apply()` returns
the changes a view must make, so a view never has to re-read the whole transcript.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from livescribe_gui.streaming.events import SpeakersRevised, Translation, TurnUpdate, WordTiming
from livescribe_gui.transcript.packed_words import PackedWords

SPEECH_HEARD = "…"  # the live line while speech was heard but no word has arrived yet
ECHO_WINDOW_MS = 2000  # an echo starts and ends this close to the words it repeats
ECHO_SIMILARITY = 0.6  # and shares at least this much of them, word by word
ECHO_LOOKBACK = 20  # turns searched for what an echo repeats


@dataclass(frozen=True, slots=True)
class FinalTurn:
    segment: int
    turn_order: int
    text: str
    start_ms: int
    end_ms: int
    formatted: bool
    words: Sequence[WordTiming] = ()  # packed (`PackedWords`) when there are any
    speaker: str | None = None
    language: str | None = None
    translation: str | None = None
    source: str = ""  # in a call: "You" or "Them" (as named when it was said)
    echo: bool = False  # in a call: the other side's words heard again by the microphone

    def __post_init__(self) -> None:
        if self.words and not isinstance(self.words, PackedWords):
            object.__setattr__(self, "words", PackedWords(self.words))


def speaker_display(label: str | None, names: dict[str, str]) -> str:
    """How a speaker is shown: the name given in this session, else 'Speaker A'."""
    if not label:
        return ""
    return names.get(label) or f"Speaker {label}"


def turn_label(turn: FinalTurn, names: dict[str, str]) -> str:
    """Who said it: "Speaker A" (or the name given); in a call the side ("You", "Them"),
    with the service's speaker on that side when there is one ("Them · A")."""
    if not turn.source:
        return speaker_display(turn.speaker, names)
    if turn.speaker:
        return f"{turn.source} · {names.get(turn.speaker) or turn.speaker}"
    return turn.source


def is_echo(mine: FinalTurn, theirs: FinalTurn) -> bool:
    """Without headphones the microphone hears the speakers: a turn on the user's side that
    repeats, at the same moment, what the other side said."""
    if (abs(mine.start_ms - theirs.start_ms) > ECHO_WINDOW_MS
            or abs(mine.end_ms - theirs.end_ms) > ECHO_WINDOW_MS):
        return False
    a, b = _words(mine.text), _words(theirs.text)
    return bool(a and b) and SequenceMatcher(None, a, b).ratio() >= ECHO_SIMILARITY


def said(turns: list[FinalTurn]) -> list[FinalTurn]:
    """The turns people read: a call's echoes (the other side heard again by the microphone)
    stay in the transcript and the store, marked, and are left out of what is shown."""
    return [t for t in turns if not t.echo]


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower())


@dataclass(frozen=True)
class TurnAdded:
    index: int
    turn: FinalTurn


@dataclass(frozen=True)
class TurnReplaced:
    index: int
    turn: FinalTurn


@dataclass(frozen=True)
class PartialChanged:
    """The live, still-growing line; an empty text means there is none."""

    text: str
    start_ms: int = 0


Change = TurnAdded | TurnReplaced | PartialChanged


def final_turn(update: TurnUpdate, *, segment: int, offset_ms: int,
               with_words: bool = True) -> FinalTurn:
    """A final Turn message as a transcript turn, its times moved onto the transcript's clock
    (and without its word timings when `with_words` is false)."""
    return FinalTurn(
        segment=segment,
        turn_order=update.turn_order,
        text=update.transcript,
        start_ms=update.start_ms + offset_ms,
        end_ms=update.end_ms + offset_ms,
        formatted=update.is_formatted,
        words=tuple(
            WordTiming(w.text, w.start_ms + offset_ms, w.end_ms + offset_ms, w.confidence,
                       w.is_final, w.speaker)
            for w in update.words
        ) if with_words else (),
        speaker=update.speaker,
        language=update.language,
        source=update.source,
    )


def format_timestamp(ms: int) -> str:
    seconds = max(0, ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class Transcript:
    def __init__(self) -> None:
        self.turns: list[FinalTurn] = []
        self._index: dict[tuple[int, int], int] = {}
        # The growing turn of each side (one, "", outside a call); the newest is shown.
        self._partials: dict[str, TurnUpdate] = {}
        self._heard_at: int | None = None  # speech heard, no word yet (U3 SpeechStarted)
        self.speaker_names: dict[str, str] = {}
        # In a call: the user's own side, whose turns may be the other side's echo.
        self.mic_source = ""

    @property
    def _partial(self) -> TurnUpdate | None:
        return next(reversed(self._partials.values()), None)

    @property
    def partial_text(self) -> str:
        return self._partial.transcript if self._partial else ""

    def speech_heard(self, at_ms: int) -> list[Change]:
        """The service heard speech begin: show that, until its first words arrive."""
        if self._partial is not None:
            return []
        self._heard_at = at_ms
        return [self._partial_change()]

    def revise_speakers(self, revised: SpeakersRevised) -> list[Change]:
        """The service corrected the speakers of earlier turns of one server session."""
        changes: list[Change] = []
        for item in revised.turns:
            index = self._index.get((revised.segment, item.turn_order))
            if index is None:
                continue
            old = self.turns[index]
            words = item.words if len(item.words) == len(old.words) else old.words
            turn = dataclasses.replace(old, speaker=item.speaker, words=words)
            if turn != old:
                self.turns[index] = turn
                changes.append(TurnReplaced(index, turn))
        return changes

    def set_translation(self, translation: Translation) -> list[Change]:
        """A final turn's translation arrived (any time after the turn, in any order)."""
        index = self._index.get((translation.segment, translation.turn_order))
        if index is None:
            return []
        self.turns[index] = dataclasses.replace(self.turns[index], translation=translation.text)
        return [TurnReplaced(index, self.turns[index])]

    def rename_speaker(self, label: str, name: str) -> list[Change]:
        """Call speaker `label` `name` (empty: back to 'Speaker A') in this session."""
        if name.strip():
            self.speaker_names[label] = name.strip()
        else:
            self.speaker_names.pop(label, None)
        return [TurnReplaced(i, t) for i, t in enumerate(self.turns) if t.speaker == label]

    def speakers(self) -> list[str]:
        return sorted({t.speaker for t in self.turns if t.speaker})

    def live_line(self) -> PartialChanged:
        return self._partial_change()

    def drop_partial(self) -> list[Change]:
        """The connection broke mid-turn: the live line goes (the turn is heard again)."""
        if self._partial is None and self._heard_at is None:
            return []
        self._partials.clear()
        self._heard_at = None
        return [PartialChanged("")]

    def apply(self, update: TurnUpdate) -> list[Change]:
        """Each server session restarts `turn_order` and its clock at 0: turns are keyed by
        segment, and times moved by the segment's offset onto the transcript clock."""
        key = (update.segment, update.turn_order)
        existing = self._index.get(key)
        if not update.end_of_turn:
            if existing is not None:
                return []
            self._partials.pop(update.source, None)
            self._partials[update.source] = update  # the newest goes last
            self._heard_at = None
            return [self._partial_change()]
        turn = self._final_from(update)
        if existing is not None:
            if turn.formatted and not self.turns[existing].formatted:
                turn = dataclasses.replace(turn, translation=self.turns[existing].translation,
                                           echo=self.turns[existing].echo)
                self.turns[existing] = turn
                return [TurnReplaced(existing, turn)]
            return []
        turn, folded = self._fold_echoes(turn)
        self._index[key] = len(self.turns)
        self.turns.append(turn)
        partial = self._partials.get(update.source)
        if partial is not None and (partial.segment, partial.turn_order) == key:
            del self._partials[update.source]
        self._heard_at = None
        return [*folded, TurnAdded(len(self.turns) - 1, turn), self._partial_change()]

    def _fold_echoes(self, turn: FinalTurn) -> tuple[FinalTurn, list[Change]]:
        """A new turn of the user's side that repeats the other side is an echo; a new turn
        of the other side makes the user's recent turns that repeat it echoes."""
        if not self.mic_source or not turn.source:
            return turn, []
        recent = range(len(self.turns) - 1, max(-1, len(self.turns) - 1 - ECHO_LOOKBACK), -1)
        if turn.source == self.mic_source:
            theirs = (self.turns[i] for i in recent if self.turns[i].source != self.mic_source)
            return dataclasses.replace(turn, echo=any(is_echo(turn, t) for t in theirs)), []
        folded: list[Change] = []
        for i in recent:
            mine = self.turns[i]
            if mine.source == self.mic_source and not mine.echo and is_echo(mine, turn):
                self.turns[i] = dataclasses.replace(mine, echo=True)
                folded.append(TurnReplaced(i, self.turns[i]))
        return turn, folded

    def _partial_change(self) -> PartialChanged:
        if self._partial is None:
            if self._heard_at is not None:
                return PartialChanged(SPEECH_HEARD, self._heard_at)
            return PartialChanged("")
        partial = self._partial
        text = f"{partial.source}: {partial.transcript}" if partial.source else partial.transcript
        return PartialChanged(text, partial.start_ms + partial.offset_ms)

    def _final_from(self, update: TurnUpdate) -> FinalTurn:
        """A turn the store holds leaves its word timings there: only exports read them,
        and they read them from the store (a working day's are megabytes)."""
        return final_turn(update, segment=update.segment, offset_ms=update.offset_ms,
                          with_words=not update.saved)

    def plain_text(self) -> str:
        lines = [
            f"[{format_timestamp(t.start_ms)}] "
            + (f"{turn_label(t, self.speaker_names)}: " if t.speaker or t.source else "")
            + t.text + (f"\n    → {t.translation}" if t.translation else "")
            for t in said(self.turns)
        ]
        live = self._partial_change()
        if live.text and self._partial is not None:
            lines.append(f"[{format_timestamp(live.start_ms)}] {live.text}")
        return "\n".join(lines)
