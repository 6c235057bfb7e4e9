"""Reading past sessions back: the list, full-text search, and one session's turns."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, replace

from livescribe_gui.streaming.events import WordTiming
from livescribe_gui.transcript.model import FinalTurn

HIT_START, HIT_END = "\x02", "\x03"


@dataclass(frozen=True)
class SessionSummary:
    id: int
    started_at: str
    duration_ms: int
    device: str
    speech_model: str
    title: str
    status: str
    first_words: str
    translation_model: str = ""

    @property
    def display_title(self) -> str:
        return self.title or self.first_words or "(nothing was said)"


@dataclass(frozen=True)
class SearchHit:
    session_id: int
    start_ms: int
    snippet: str  # the matched words are between HIT_START and HIT_END
    in_notes: bool = False  # the words are in the session's notes, not a turn
    source: str = ""  # in a call: whose side said them


@dataclass(frozen=True)
class SessionTranscript:
    summary: SessionSummary
    turns: list[FinalTurn]
    partial_text: str = ""
    partial_start_ms: int = 0
    speaker_names: dict[str, str] = field(default_factory=dict)
    notes: Notes | None = None


@dataclass(frozen=True)
class Notes:
    text: str
    kind: str = "final"  # "running": the summary while listening; "final": after Stop
    model: str = ""
    updated_at: str = ""


_SUMMARY = """
    SELECT s.id, s.started_at, s.duration_ms, s.device, s.speech_model, s.title, s.status,
           s.translation_model,
           COALESCE((SELECT t.text FROM turns t WHERE t.session_id = s.id
                     ORDER BY t.segment, t.turn_order LIMIT 1),
                    (SELECT p.text FROM partials p WHERE p.session_id = s.id), '') AS first_words
    FROM sessions s
"""


def _summary(row: sqlite3.Row) -> SessionSummary:
    words = row["first_words"]
    first = " ".join(words.split()[:12]) + ("…" if len(words.split()) > 12 else "")
    return SessionSummary(row["id"], row["started_at"], row["duration_ms"], row["device"],
                          row["speech_model"], row["title"], row["status"], first,
                          row["translation_model"])


def list_sessions(conn: sqlite3.Connection, *, limit: int = -1,
                  offset: int = 0) -> list[SessionSummary]:
    """Sessions newest first; `limit` and `offset` read one page of them."""
    rows = conn.execute(_SUMMARY + " ORDER BY s.started_at DESC, s.id DESC LIMIT ? OFFSET ?",
                        (limit, offset)).fetchall()
    return [_summary(r) for r in rows]


def summaries(conn: sqlite3.Connection, ids: set[int]) -> dict[int, SessionSummary]:
    """The summaries of just these sessions (the ones search hits are in)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(_SUMMARY + f" WHERE s.id IN ({marks})", tuple(ids)).fetchall()
    return {row["id"]: _summary(row) for row in rows}


def fts_query(text: str) -> str:
    """Words a person typed, as an FTS5 query: every word must occur; the last may be a prefix."""
    words = [w.replace('"', '""') for w in text.split()]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search(conn: sqlite3.Connection, text: str, limit: int = 200) -> list[SearchHit]:
    """Hits in turns and in notes, newest session first; in a session its notes lead."""
    query = fts_query(text)
    if not query:
        return []
    # Newest first by the index's own order (turns are saved as they are said), so a
    # one-letter prefix matching most of the database stops at `limit` instead of sorting
    # every match; the few found are then put in session and spoken order.
    turn_rows = conn.execute(
        f"""SELECT t.session_id, s.started_at, t.start_ms, 0 AS in_notes, t.source,
                   snippet(turns_fts, -1, '{HIT_START}', '{HIT_END}', '…', 16) AS snippet
            FROM turns_fts JOIN turns t ON t.id = turns_fts.rowid
            JOIN sessions s ON s.id = t.session_id
            WHERE turns_fts MATCH ? ORDER BY turns_fts.rowid DESC LIMIT ?""",
        (query, limit),
    ).fetchall()
    notes_rows = conn.execute(
        f"""SELECT n.session_id, s.started_at, 0 AS start_ms, 1 AS in_notes, '' AS source,
                   snippet(notes_fts, 0, '{HIT_START}', '{HIT_END}', '…', 16) AS snippet
            FROM notes_fts JOIN notes n ON n.session_id = notes_fts.rowid
            JOIN sessions s ON s.id = n.session_id
            WHERE notes_fts MATCH ? ORDER BY notes_fts.rowid DESC LIMIT ?""",
        (query, limit),
    ).fetchall()
    spoken = sorted(turn_rows, key=lambda r: r["start_ms"])
    rows = sorted(notes_rows + spoken, key=lambda r: (r["started_at"], r["session_id"]),
                  reverse=True)  # stable: notes before turns, turns in spoken order
    return [SearchHit(r["session_id"], r["start_ms"], r["snippet"], bool(r["in_notes"]),
                      r["source"]) for r in rows[:limit]]


def load_session(conn: sqlite3.Connection, session_id: int) -> SessionTranscript | None:
    row = conn.execute(_SUMMARY + " WHERE s.id = ?", (session_id,)).fetchone()
    if row is None:
        return None
    turns = [
        FinalTurn(
            segment=t["segment"], turn_order=t["turn_order"], text=t["text"],
            start_ms=t["start_ms"], end_ms=t["end_ms"], formatted=bool(t["formatted"]),
            words=_words(t["words"]),
            speaker=t["speaker"],
            language=t["language"],
            translation=t["translation"],
            source=t["source"],
            echo=bool(t["echo"]),
        )
        # In time order: in a call, the two sides' turns interleave.
        for t in conn.execute(
            "SELECT * FROM turns WHERE session_id = ? ORDER BY start_ms, segment, turn_order",
            (session_id,))
    ]
    partial = conn.execute(
        "SELECT start_ms, text FROM partials WHERE session_id = ?", (session_id,)
    ).fetchone()
    names = dict(conn.execute(
        "SELECT label, name FROM speaker_names WHERE session_id = ?", (session_id,)).fetchall())
    notes = conn.execute(
        "SELECT text, kind, model, updated_at FROM notes WHERE session_id = ?", (session_id,)
    ).fetchone()
    return SessionTranscript(
        _summary(row), turns,
        partial["text"] if partial else "", partial["start_ms"] if partial else 0,
        names, Notes(*notes) if notes else None,
    )


def with_stored_words(conn: sqlite3.Connection, session_id: int,
                      turns: list[FinalTurn]) -> list[FinalTurn]:
    """`turns` of session `session_id` as shown, with the word timings the window left to
    the store (`TurnUpdate.saved`) read back from it."""
    if all(t.words for t in turns):
        return turns
    stored = {(row["segment"], row["turn_order"]): row["words"] for row in conn.execute(
        "SELECT segment, turn_order, words FROM turns WHERE session_id = ?", (session_id,))}
    return [replace(t, words=_words(stored[(t.segment, t.turn_order)]))
            if not t.words and (t.segment, t.turn_order) in stored else t
            for t in turns]


def _words(stored: str) -> tuple[WordTiming, ...]:
    return tuple(WordTiming(w["text"], w["start"], w["end"], w["confidence"], True,
                            w.get("speaker"))
                 for w in json.loads(stored))
