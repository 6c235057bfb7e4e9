"""Transcripts out: plain text, Markdown, SRT, WebVTT and JSON, written atomically.

Subtitles follow common practice: cues built from word timings, at most 2 lines of at most
42 characters, at most 7 s each, never overlapping.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import srt

from livescribe_gui.transcript.history import SessionTranscript
from livescribe_gui.transcript.model import FinalTurn, format_timestamp, said, turn_label
from livescribe_gui.transcript.packed_words import word_records

MAX_LINE_CHARS = 42
MAX_LINES = 2
MAX_CUE_MS = 7000

FORMATS = {
    "txt": "Plain text",
    "md": "Markdown",
    "srt": "SubRip subtitles",
    "vtt": "WebVTT subtitles",
    "json": "JSON (everything, with word timings)",
}


class ExportError(Exception):
    """The export could not be written; the message is for people."""


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    speaker: str = ""  # the speaker's name, for a WebVTT voice tag

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _speaker(turn: FinalTurn, names: dict[str, str]) -> str:
    return f"{turn_label(turn, names)}: " if turn.speaker or turn.source else ""


def to_text(doc: SessionTranscript, *, timestamps: bool = True, speakers: bool = True) -> str:
    lines = []
    if doc.notes and doc.notes.text.strip():
        lines += ["Notes", "=====", "", doc.notes.text.strip(), "", "Transcript", "==========",
                  ""]
    for turn in said(doc.turns):
        stamp = f"[{format_timestamp(turn.start_ms)}] " if timestamps else ""
        lines.append(stamp + (_speaker(turn, doc.speaker_names) if speakers else "")
                     + turn.text)
        if turn.translation:
            lines.append(" " * len(stamp) + "→ " + turn.translation)
    return "\n".join(lines) + "\n"


def to_markdown(doc: SessionTranscript) -> str:
    s = doc.summary
    out = [f"# {s.display_title}", "",
           f"*{s.started_at} · {format_timestamp(s.duration_ms)} · {s.device}*", ""]
    if doc.notes and doc.notes.text.strip():
        out += ["## Notes", "", _demoted(doc.notes.text.strip()), "", "## Transcript", ""]
    for turn in said(doc.turns):
        speaker = (f"**{turn_label(turn, doc.speaker_names)}:** "
                   if turn.speaker or turn.source else "")
        out += [f"`{format_timestamp(turn.start_ms)}` {speaker}{turn.text}", ""]
        if turn.translation:
            out += [f"> {turn.translation}", ""]
    return "\n".join(out)


def _demoted(markdown: str) -> str:
    """Notes' own headings sit under the export's "## Notes"."""
    return "\n".join("##" + line if line.startswith("#") else line
                     for line in markdown.splitlines())


def _timed_tokens(turn: FinalTurn) -> list[tuple[str, int, int]]:
    """The turn's words with times; the formatted spelling when it lines up word for word."""
    tokens = turn.text.split()
    if turn.words:
        words = list(word_records(turn.words))
        if len(tokens) == len(words):
            return [(tok, w[1], w[2]) for tok, w in zip(tokens, words, strict=True)]
        return [w[:3] for w in words]
    if not tokens:
        return []
    span = max(1, turn.end_ms - turn.start_ms) / len(tokens)
    return [(tok, int(turn.start_ms + i * span), int(turn.start_ms + (i + 1) * span))
            for i, tok in enumerate(tokens)]


def subtitle_cues(turns: list[FinalTurn], names: dict[str, str] | None = None, *,
                  name_in_text: bool = False, max_lines: int = MAX_LINES) -> list[Cue]:
    """Cues from word timings. With `name_in_text` a turn's first cue starts with its
    speaker's name (SubRip has no voice tags); every cue carries the name for WebVTT's."""
    cues: list[Cue] = []
    for turn in turns:
        speaker = turn_label(turn, names or {})
        tokens = _timed_tokens(turn)
        if name_in_text and speaker and tokens:
            tokens[0] = (f"{speaker}: {tokens[0][0]}", *tokens[0][1:])
        lines: list[str] = []
        start = end = 0
        for text, w_start, w_end in tokens:
            if lines and w_end - start > MAX_CUE_MS:
                cues.append(Cue(start, end, tuple(lines), speaker))
                lines = []
            if not lines:
                lines, start = [text], w_start
            elif len(lines[-1]) + 1 + len(text) <= MAX_LINE_CHARS:
                lines[-1] += " " + text
            elif len(lines) < max_lines:
                lines.append(text)
            else:
                cues.append(Cue(start, end, tuple(lines), speaker))
                lines, start = [text], w_start
            end = w_end
        if lines:
            cues.append(Cue(start, end, tuple(lines), speaker))
    return _without_overlaps(cues)


def _without_overlaps(cues: list[Cue]) -> list[Cue]:
    fixed: list[Cue] = []
    for i, cue in enumerate(cues):
        start = max(cue.start_ms, fixed[-1].end_ms if fixed else 0)
        end = cue.end_ms
        if i + 1 < len(cues):
            end = min(end, cues[i + 1].start_ms)
        end = max(end, start + 1)
        fixed.append(Cue(start, end, cue.lines, cue.speaker))
    return fixed


def _subtitle_turns(doc: SessionTranscript, text: str) -> list[FinalTurn]:
    """The turns subtitles are made of: the original, or the translation (where there is
    one; its words have no times, so they are spread over the turn)."""
    if text == "translation":
        return [replace(t, text=t.translation, words=()) if t.translation else t
                for t in said(doc.turns)]
    return said(doc.turns)


def _cues(doc: SessionTranscript, text: str, *, name_in_text: bool) -> list[Cue]:
    """Cues of the original, of the translation, or of both: then each cue holds one line of
    the original and, under it, its share of the turn's translation."""
    if text != "both":
        return subtitle_cues(_subtitle_turns(doc, text), doc.speaker_names,
                             name_in_text=name_in_text)
    cues: list[Cue] = []
    for turn in said(doc.turns):
        own = subtitle_cues([turn], doc.speaker_names, name_in_text=name_in_text, max_lines=1)
        words = (turn.translation or "").split()
        share = -(-len(words) // max(1, len(own)))
        for i, cue in enumerate(own):
            part = " ".join(words[i * share:(i + 1) * share])
            cues.append(replace(cue, lines=cue.lines + ((part,) if part else ())))
    return _without_overlaps(cues)


def to_srt(doc: SessionTranscript, subtitle_text: str = "original") -> str:
    return srt.compose(
        [
            srt.Subtitle(i, timedelta(milliseconds=c.start_ms), timedelta(milliseconds=c.end_ms),
                         c.text)
            for i, c in enumerate(_cues(doc, subtitle_text, name_in_text=True), start=1)
        ]
    )


def _vtt_time(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def to_vtt(doc: SessionTranscript, subtitle_text: str = "original") -> str:
    """WebVTT, written directly (the format is this simple; a library made it 2.5× slower)."""
    blocks = ["WEBVTT"]
    for cue in _cues(doc, subtitle_text, name_in_text=False):
        text = f"<v {cue.speaker}>{cue.text}" if cue.speaker else cue.text
        blocks.append(f"{_vtt_time(cue.start_ms)} --> {_vtt_time(cue.end_ms)}\n{text}")
    return "\n\n".join(blocks) + "\n"


def to_json(doc: SessionTranscript) -> str:
    """Everything, with word timings: the session indented, then one turn per line (readable,
    and written by the C encoder, which `indent=` would switch off: 3 hours in ~0.1 s)."""
    s = doc.summary
    head = json.dumps({
        "format": "livescribe-transcript/1",
        "session": {"id": s.id, "title": s.title, "started_at": s.started_at,
                    "duration_ms": s.duration_ms, "device": s.device,
                    "speech_model": s.speech_model, "status": s.status,
                    "translation_model": s.translation_model or None},
        "notes": ({"text": doc.notes.text, "kind": doc.notes.kind, "model": doc.notes.model,
                   "updated_at": doc.notes.updated_at} if doc.notes else None),
    }, indent=2, ensure_ascii=False)
    turns = [json.dumps(
        {"start_ms": t.start_ms, "end_ms": t.end_ms, "text": t.text, "speaker": t.speaker,
         "speaker_name": turn_label(t, doc.speaker_names) or None,
         "source": t.source or None, "echo": t.echo,
         "language": t.language, "translation": t.translation, "formatted": t.formatted,
         "words": [{"text": text, "start_ms": start, "end_ms": end, "confidence": confidence,
                    "speaker": speaker}
                   for text, start, end, confidence, _final, speaker in word_records(t.words)]},
        ensure_ascii=False) for t in doc.turns]
    body = ",\n    ".join(turns)
    return f'{head[:-2]},\n  "turns": [' + (f"\n    {body}\n  " if turns else "") + "]\n}\n"


RENDERERS = {"txt": to_text, "md": to_markdown, "srt": to_srt, "vtt": to_vtt, "json": to_json}


def render(doc: SessionTranscript, fmt: str, *, subtitle_text: str = "original") -> str:
    """`subtitle_text` (SRT, WebVTT): the original, the translation, or both."""
    if fmt in ("srt", "vtt"):
        return RENDERERS[fmt](doc, subtitle_text)  # type: ignore[call-arg]
    return RENDERERS[fmt](doc)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, text: str) -> None:
    """Write to a temp file beside `path`, fsync, then rename: never a half-written file."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"Could not write to {path.parent}: {exc.strerror or exc}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            if os.name == "posix":  # the user's usual permissions, not the temp file's 0600
                os.fchmod(fh.fileno(), 0o666 & ~_umask())
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"Could not write {path}: {exc.strerror or exc}.") from None


def export(doc: SessionTranscript, path: Path, fmt: str | None = None, *,
           subtitle_text: str = "original") -> None:
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in RENDERERS:
        raise ExportError(f"Unknown export format “{fmt}”: choose one of {', '.join(FORMATS)}.")
    write_atomically(path, render(doc, fmt, subtitle_text=subtitle_text))
