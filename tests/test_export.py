"""Exports, read back with independent parsers; the subtitle rules on a long transcript."""

from __future__ import annotations

import json
import random

import pytest
import srt
import webvtt

from livescribe_gui.streaming.events import WordTiming
from livescribe_gui.transcript.export import (
    MAX_CUE_MS,
    MAX_LINE_CHARS,
    ExportError,
    export,
    subtitle_cues,
)
from livescribe_gui.transcript.history import SessionSummary, SessionTranscript
from livescribe_gui.transcript.model import FinalTurn

VOCABULARY = ("the budget review covers travel hardware salaries and an unexpectedly "
              "long discussion about accessibility captions for every recorded lecture").split()


def long_transcript(turns: int = 400, seed: int = 7) -> SessionTranscript:
    rng = random.Random(seed)
    clock = 0
    result = []
    for order in range(turns):
        words = []
        for _ in range(rng.randint(1, 40)):
            duration = rng.randint(120, 700)
            words.append(WordTiming(rng.choice(VOCABULARY), clock, clock + duration, 0.9, True))
            clock += duration + rng.randint(0, 250)
        clock += rng.randint(300, 3000)
        text = " ".join(w.text for w in words)
        result.append(FinalTurn(order // 100, order % 100, text.capitalize() + ".",
                                words[0].start_ms, words[-1].end_ms, True, tuple(words),
                                rng.choice([None, "A", "B"])))
    summary = SessionSummary(1, "2026-11-24T10:00:00+00:00", clock, "Desk Mic", "u3-rt-pro",
                             "Planning", "complete", result[0].text)
    return SessionTranscript(summary, result)


def all_words(doc: SessionTranscript) -> list[str]:
    return [w for t in doc.turns for w in t.text.split()]


def test_subtitle_rules_hold_on_a_long_transcript():
    doc = long_transcript()
    cues = subtitle_cues(doc.turns)
    assert len(cues) > len(doc.turns)
    previous_end = 0
    for cue in cues:
        assert 1 <= len(cue.lines) <= 2
        assert all(len(line) <= MAX_LINE_CHARS for line in cue.lines)
        assert cue.end_ms - cue.start_ms <= MAX_CUE_MS
        assert cue.start_ms >= previous_end, "cues never overlap"
        assert cue.end_ms > cue.start_ms
        previous_end = cue.end_ms
    assert [w for c in cues for w in c.text.split()] == all_words(doc), "no word lost or moved"


def test_srt_reads_back(tmp_path):
    doc = long_transcript()
    export(doc, tmp_path / "t.srt")
    subs = list(srt.parse((tmp_path / "t.srt").read_text(encoding="utf-8")))
    cues = subtitle_cues(doc.turns, name_in_text=True)
    assert len(subs) == len(cues)
    assert [s.content for s in subs] == [c.text for c in cues]
    assert all(len(line) <= MAX_LINE_CHARS for s in subs for line in s.content.splitlines())
    assert subs[0].start.total_seconds() * 1000 == pytest.approx(cues[0].start_ms)
    named = [w for t in doc.turns
             for w in ([f"Speaker {t.speaker}:"] if t.speaker else []) + t.text.split()]
    assert " ".join(w for s in subs for w in s.content.split()) == " ".join(named), (
        "every word, and each turn's speaker before it (SubRip has no voice tags)")


def test_webvtt_reads_back(tmp_path):
    doc = long_transcript()
    export(doc, tmp_path / "t.vtt")
    captions = webvtt.read(str(tmp_path / "t.vtt"))
    cues = subtitle_cues(doc.turns)
    assert len(captions) == len(cues)
    assert captions[5].text == cues[5].text
    ms = cues[5].start_ms
    assert captions[5].start == f"00:{ms // 60000:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"
    assert [w for c in captions for w in c.text.split()] == all_words(doc)


def test_json_holds_everything(tmp_path):
    doc = long_transcript(turns=20)
    export(doc, tmp_path / "t.json")
    data = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert data["session"]["device"] == "Desk Mic"
    assert [t["text"] for t in data["turns"]] == [t.text for t in doc.turns]
    assert data["turns"][3]["words"][0]["start_ms"] == doc.turns[3].words[0].start_ms
    assert data["turns"][3]["speaker"] == doc.turns[3].speaker


def test_text_and_markdown(tmp_path):
    doc = long_transcript(turns=3)
    export(doc, tmp_path / "t.txt")
    lines = (tmp_path / "t.txt").read_text().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("[00:00] ")
    assert lines[0].endswith(doc.turns[0].text)
    export(doc, tmp_path / "t.md")
    markdown = (tmp_path / "t.md").read_text()
    assert markdown.startswith("# Planning\n")
    assert doc.turns[2].text in markdown


def test_unwritable_path_gives_a_clear_message_and_nothing_half_written(tmp_path):
    doc = long_transcript(turns=3)
    occupied = tmp_path / "taken.srt"
    occupied.mkdir()  # the final rename fails after the whole file was written
    with pytest.raises(ExportError, match="Could not write"):
        export(doc, occupied)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.srt"], "no temp file is left"
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    with pytest.raises(ExportError, match="Could not write"):
        export(doc, not_a_dir / "t.txt")
    with pytest.raises(ExportError, match="Unknown export format"):
        export(doc, tmp_path / "t.docx")


def test_existing_file_is_replaced_whole(tmp_path):
    target = tmp_path / "t.txt"
    target.write_text("old content that is much longer than the new one " * 100)
    export(long_transcript(turns=1), target)
    assert "old content" not in target.read_text()
