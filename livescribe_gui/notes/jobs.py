"""One piece of notes work, run off the GUI thread: a running-summary update, or the notes
after Stop (in parts and merged when the transcript is too long for one request).

Each job reports what it is doing and the text as it is written (`report`), and returns a
`Written` or a `Failed`; it never raises."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from livescribe_gui.notes import prompts
from livescribe_gui.notes.gateway import (
    DEFAULT_CONTEXT_TOKENS,
    Gateway,
    NotesError,
    Stopped,
    TooLong,
)


@dataclass(frozen=True)
class NotesRequest:
    api_key: str
    model: str
    language: str
    zero_data_retention: bool


@dataclass(frozen=True)
class Written:
    text: str
    kind: str  # "running" or "final"
    parts: int = 1  # a long transcript was summarised in this many parts


@dataclass(frozen=True)
class Failed:
    message: str
    stopped: bool = False  # given up on purpose: nothing to tell the user


@dataclass(frozen=True)
class Progress:
    """`text` is new text to append; `status` (when set) replaces the panel's status line."""
    text: str = ""
    status: str = ""
    restart: bool = False  # what was written so far is dropped (a merge starts over)


Report = Callable[[Progress], None]


def running_summary(request: NotesRequest, previous: str, new_lines: list[str],
                    report: Report, stop: threading.Event) -> Written | Failed:
    messages = prompts.running_summary(previous, new_lines, request.language)
    try:
        with Gateway(request.api_key) as gateway:
            text = gateway.complete(request.model, messages,
                                    zero_data_retention=request.zero_data_retention,
                                    on_text=lambda t: report(Progress(text=t)), stop=stop)
    except Stopped:
        return Failed("", stopped=True)
    except NotesError as exc:
        return Failed(str(exc))
    return Written(text.strip(), "running")


def final_notes(request: NotesRequest, lines: list[str], report: Report,
                stop: threading.Event) -> Written | Failed:
    """Notes of the whole transcript. When the model refuses it as too long, the parts are
    halved and it is tried again, down to a part no model should refuse."""
    try:
        with Gateway(request.api_key) as gateway:
            budget = prompts.budget_chars(_context_tokens(gateway, request.model))
            while True:
                try:
                    return _notes_in_parts(gateway, request, lines, budget, report, stop)
                except TooLong:
                    if budget <= prompts.MIN_PART_CHARS:
                        raise
                    budget = max(prompts.MIN_PART_CHARS, budget // 2)
                    report(Progress(status="The transcript is long: writing it in smaller "
                                           "parts…", restart=True))
    except Stopped:
        return Failed("", stopped=True)
    except NotesError as exc:
        return Failed(str(exc))


def _context_tokens(gateway: Gateway, model: str) -> int:
    """How much the model takes, as the gateway describes it (an assumption if it cannot)."""
    try:
        described = {m.id: m.context_tokens for m in gateway.models()}
    except NotesError:
        return DEFAULT_CONTEXT_TOKENS
    return described.get(model) or DEFAULT_CONTEXT_TOKENS


def _notes_in_parts(gateway: Gateway, request: NotesRequest, lines: list[str], budget: int,
                    report: Report, stop: threading.Event) -> Written:
    parts = prompts.split_into_parts(lines, budget)
    ask = dict(zero_data_retention=request.zero_data_retention, stop=stop)
    if len(parts) == 1:
        text = gateway.complete(request.model, prompts.final_notes(lines, request.language),
                                on_text=lambda t: report(Progress(text=t)), **ask)
        return Written(text.strip(), "final")
    notes_of_parts = []
    for number, part in enumerate(parts, start=1):
        report(Progress(status=f"The transcript is long: writing notes of part {number} of "
                               f"{len(parts)}…"))
        notes_of_parts.append(gateway.complete(
            request.model, prompts.part_notes(part, number, len(parts), request.language),
            **ask))
    report(Progress(status=f"Merging the notes of {len(parts)} parts…"))
    text = gateway.complete(request.model,
                            prompts.merged_notes(notes_of_parts, request.language),
                            on_text=lambda t: report(Progress(text=t)), **ask)
    return Written(text.strip(), "final", parts=len(parts))
