"""The transcript model merges growing, final and formatted Turns without duplicates."""

from __future__ import annotations

import dataclasses

from livescribe_gui.streaming.events import TurnUpdate, WordTiming
from livescribe_gui.transcript.model import (
    PartialChanged,
    Transcript,
    TurnAdded,
    TurnReplaced,
    format_timestamp,
)
from livescribe_gui.transcript.packed_words import PackedWords, word_records


def turn(order: int, text: str, *, end: bool = False, formatted: bool = False,
         start: int = 1000) -> TurnUpdate:
    words = tuple(
        WordTiming(w, start + i * 300, start + i * 300 + 250, 0.9, end) for i, w in
        enumerate(text.split())
    )
    return TurnUpdate(order, text, end, formatted, words)


def test_growing_turn_then_final_then_formatted_twin():
    t = Transcript()
    assert t.apply(turn(0, "hello")) == [PartialChanged("hello", 1000)]
    assert t.apply(turn(0, "hello world")) == [PartialChanged("hello world", 1000)]
    changes = t.apply(turn(0, "hello world", end=True))
    assert isinstance(changes[0], TurnAdded) and changes[0].turn.text == "hello world"
    assert changes[1] == PartialChanged("")
    changes = t.apply(turn(0, "Hello world.", end=True, formatted=True))
    assert changes == [TurnReplaced(0, t.turns[0])]
    assert [x.text for x in t.turns] == ["Hello world."]
    assert t.turns[0].start_ms == 1000


def test_repeated_or_late_messages_change_nothing():
    t = Transcript()
    t.apply(turn(0, "one two", end=True))
    t.apply(turn(0, "One two.", end=True, formatted=True))
    assert t.apply(turn(0, "one two", end=True)) == []
    assert t.apply(turn(0, "One two.", end=True, formatted=True)) == []
    assert t.apply(turn(0, "one")) == []
    assert len(t.turns) == 1 and t.partial_text == ""


def test_final_without_formatting_is_kept_when_no_twin_comes():
    t = Transcript()
    t.apply(turn(0, "first", end=True))
    t.apply(turn(1, "second"))
    assert [x.text for x in t.turns] == ["first"]
    assert t.partial_text == "second"
    assert t.plain_text() == "[00:01] first\n[00:01] second"


def test_new_segment_restarts_turn_order_and_continues_times():
    from dataclasses import replace

    t = Transcript()
    t.apply(turn(0, "before", end=True, start=500))
    t.apply(turn(1, "half a thought"))
    assert t.drop_partial() == [PartialChanged("")]
    changes = t.apply(replace(turn(0, "after", end=True, start=500), segment=1,
                              offset_ms=60_000))
    assert isinstance(changes[0], TurnAdded)
    assert [x.text for x in t.turns] == ["before", "after"]
    assert t.turns[1].start_ms == 60_500
    assert t.turns[1].words[0].start_ms == 60_500


def test_timestamps():
    assert format_timestamp(0) == "00:00"
    assert format_timestamp(61_999) == "01:01"
    assert format_timestamp(3_723_000) == "1:02:03"


def test_speaker_labels_appear_in_plain_text():
    t = Transcript()
    t.apply(TurnUpdate(0, "Hi there.", True, True, turn(0, "Hi there.").words, speaker="A"))
    assert t.plain_text() == "[00:01] Speaker A: Hi there."


def said(source: str, segment: int, text: str, start_ms: int) -> TurnUpdate:
    words = tuple(WordTiming(w, start_ms + 300 * i, start_ms + 300 * i + 250, 0.9, True)
                  for i, w in enumerate(text.split()))
    return TurnUpdate(0, text, True, True, words, segment=segment, source=source)


def test_a_call_folds_the_other_side_heard_by_the_microphone_in_either_order():
    from livescribe_gui.transcript.model import TurnReplaced

    transcript = Transcript()
    transcript.mic_source = "You"
    transcript.apply(said("Them", 1_000_000, "We ship on Monday.", 1000))
    echo = transcript.apply(said("You", 0, "we ship on monday", 1150))
    assert echo[0].turn.echo  # the microphone's copy arrived second: added, folded
    late = Transcript()
    late.mic_source = "You"
    late.apply(said("You", 0, "we ship on monday", 1150))
    changes = late.apply(said("Them", 1_000_000, "We ship on Monday.", 1000))
    assert isinstance(changes[0], TurnReplaced) and changes[0].index == 0
    assert changes[0].turn.echo and not late.turns[1].echo
    apart = Transcript()
    apart.mic_source = "You"
    apart.apply(said("Them", 1_000_000, "We ship on Monday.", 1000))
    assert not apart.apply(said("You", 1, "we ship on monday", 9000))[0].turn.echo
    assert not apart.apply(said("You", 2, "sounds good to me", 1100))[0].turn.echo
    assert "sounds good to me" in apart.plain_text()


def test_a_settled_turn_keeps_every_word_timing_exactly_while_packed():
    words = (WordTiming("Budget,", 1_000, 1_250, 0.973_215, True, "A"),
             WordTiming("é🎉", 1_300, 9_000_000_000, 0.1, False, None),
             WordTiming("review.", 9_000_000_100, 9_000_000_400, 1.0, True, "B"))
    t = Transcript()
    t.apply(TurnUpdate(0, "Budget, é🎉 review.", True, True, words))
    settled = t.turns[0]

    assert isinstance(settled.words, PackedWords)
    assert tuple(settled.words) == words
    assert settled.words == words and words == settled.words
    assert len(settled.words) == 3 and settled.words[-1] == words[-1]
    assert settled.words[:2] == words[:2]
    as_tuples = [dataclasses.astuple(w) for w in words]
    assert list(word_records(settled.words)) == as_tuples == list(word_records(words))
    assert dataclasses.replace(settled, translation="x").words == words
    assert PackedWords(words[:1]) != PackedWords(words[1:2])
    no_words = TurnUpdate(1, "Hm.", True, True)
    t.apply(no_words)
    assert t.turns[1].words == ()
