"""What is asked of the model: the running summary, the notes after Stop, and for a
transcript too long for one request, notes of each part and then one merge."""

from __future__ import annotations

from livescribe_gui.streaming.speech_models import TRANSLATION_LANGUAGES
from livescribe_gui.transcript.model import FinalTurn, format_timestamp, said, turn_label

CHARS_PER_TOKEN = 3  # conservative for speech in most languages
MIN_PART_CHARS = 2_000

NOTES_SECTIONS = ("## Summary", "## Decisions", "## Action items", "## Open questions")

_SYSTEM = ("You write meeting notes from a live transcript made by speech recognition. "
           "Keep to what was said; never invent names, dates or numbers. "
           "Answer in Markdown only, without any preamble.")


def transcript_lines(turns: list[FinalTurn], names: dict[str, str] | None = None) -> list[str]:
    lines = []
    for turn in said(turns):
        speaker = turn_label(turn, names or {})
        lines.append(f"[{format_timestamp(turn.start_ms)}] "
                     + (f"{speaker}: " if speaker else "") + turn.text)
    return lines


def _language(code: str) -> str:
    if not code:
        return "Write in the language the transcript is in."
    return f"Write in {TRANSLATION_LANGUAGES.get(code, code)}."


def _ask(instructions: str, language: str, body: str) -> list[dict]:
    return [{"role": "system", "content": _SYSTEM},
            {"role": "user", "content": f"{instructions} {_language(language)}\n\n{body}"}]


def running_summary(previous: str, new_lines: list[str], language: str) -> list[dict]:
    """The summary so far brought up to date with what was said since; only the new part of
    the transcript is sent, so a long session costs no more per update than a short one."""
    body = ("Summary so far:\n" + (previous.strip() or "(none yet)")
            + "\n\nSaid since then:\n" + "\n".join(new_lines))
    return _ask("Bring this running summary of a conversation up to date. At most eight "
                "short bullet points; no headings.", language, body)


def final_notes(lines: list[str], language: str) -> list[dict]:
    return _ask(_NOTES_INSTRUCTIONS, language, "Transcript:\n" + "\n".join(lines))


def part_notes(lines: list[str], part: int, parts: int, language: str) -> list[dict]:
    return _ask(f"This is part {part} of {parts} of a long transcript. "
                + _NOTES_INSTRUCTIONS, language, "Transcript part:\n" + "\n".join(lines))


def merged_notes(notes_of_parts: list[str], language: str) -> list[dict]:
    body = "\n\n".join(f"Notes of part {i}:\n{text}"
                       for i, text in enumerate(notes_of_parts, start=1))
    return _ask("These are notes of consecutive parts of one long meeting. Merge them into "
                "one set of notes, removing repetition. " + _NOTES_INSTRUCTIONS, language, body)


_NOTES_INSTRUCTIONS = (
    "Write notes with exactly these sections: " + ", ".join(NOTES_SECTIONS) + ". "
    "Summary: a few sentences. Decisions: what was agreed. Action items: who does what, and "
    "by when if it was said. Open questions: what was left unanswered. Write “None.” under a "
    "section with nothing in it.")


def budget_chars(context_tokens: int) -> int:
    """How much transcript one request may carry: half the model's context, the rest is left
    for the instructions and the answer."""
    return max(MIN_PART_CHARS, context_tokens * CHARS_PER_TOKEN // 2)


def split_into_parts(lines: list[str], budget: int) -> list[list[str]]:
    """Consecutive runs of lines, each at most `budget` characters (a longer line alone)."""
    parts: list[list[str]] = []
    size = 0
    for line in lines:
        if parts and size + len(line) + 1 <= budget:
            parts[-1].append(line)
            size += len(line) + 1
        else:
            parts.append([line])
            size = len(line) + 1
    return parts
