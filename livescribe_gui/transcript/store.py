"""The transcript database: every session and final turn, saved as it arrives.

SQLite in WAL mode with `synchronous=FULL`, under the user data directory. One writer thread
owns the writing connection; a final turn's save returns only once it is committed, so what
the window shows as final is on disk first. Growing turns are coalesced and written at most
about once a second. Readers (history, search) open their own connections.
"""

from __future__ import annotations

import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from livescribe_gui import paths
from livescribe_gui.streaming.events import SpeakersRevised, Translation, WordTiming
from livescribe_gui.transcript.model import FinalTurn
from livescribe_gui.transcript.packed_words import word_records

log = logging.getLogger(__name__)

SCHEMA_VERSION = 8
PARTIAL_SAVE_INTERVAL = 1.0
WRITER_CACHE_KIB = 256

# Keep turns_fts in step with turns (created in 3 -> 4, again when the index is rebuilt).
_TURNS_FTS_TRIGGERS = """
    CREATE TRIGGER turns_ai AFTER INSERT ON turns BEGIN
        INSERT INTO turns_fts(rowid, text, translation)
        VALUES (new.id, new.text, new.translation);
    END;
    CREATE TRIGGER turns_ad AFTER DELETE ON turns BEGIN
        INSERT INTO turns_fts(turns_fts, rowid, text, translation)
        VALUES ('delete', old.id, old.text, old.translation);
    END;
    CREATE TRIGGER turns_au AFTER UPDATE ON turns BEGIN
        INSERT INTO turns_fts(turns_fts, rowid, text, translation)
        VALUES ('delete', old.id, old.text, old.translation);
        INSERT INTO turns_fts(rowid, text, translation)
        VALUES (new.id, new.text, new.translation);
    END;
"""

# Each step takes the database from version i to i + 1.
MIGRATIONS: list[str] = [
    # 0 -> 1: sessions and final turns.
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        device TEXT NOT NULL DEFAULT '',
        speech_model TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'recording'
    );
    CREATE TABLE turns (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        segment INTEGER NOT NULL,
        turn_order INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        text TEXT NOT NULL,
        speaker TEXT,
        formatted INTEGER NOT NULL DEFAULT 0,
        words TEXT NOT NULL DEFAULT '[]',
        UNIQUE (session_id, segment, turn_order)
    );
    """,
    # 1 -> 2: the growing turn, full-text search, and session length.
    """
    ALTER TABLE sessions ADD COLUMN duration_ms INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE partials (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        start_ms INTEGER NOT NULL,
        text TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE turns_fts USING fts5(text, content='turns', content_rowid='id');
    INSERT INTO turns_fts(rowid, text) SELECT id, text FROM turns;
    CREATE TRIGGER turns_ai AFTER INSERT ON turns BEGIN
        INSERT INTO turns_fts(rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER turns_ad AFTER DELETE ON turns BEGIN
        INSERT INTO turns_fts(turns_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END;
    CREATE TRIGGER turns_au AFTER UPDATE ON turns BEGIN
        INSERT INTO turns_fts(turns_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO turns_fts(rowid, text) VALUES (new.id, new.text);
    END;
    """,
    # 2 -> 3: each turn's language; names given to speakers in a session.
    """
    ALTER TABLE turns ADD COLUMN language TEXT;
    CREATE TABLE speaker_names (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (session_id, label)
    );
    """,
    # 3 -> 4: each turn's translation, found by search too; the LLM that translated.
    """
    ALTER TABLE turns ADD COLUMN translation TEXT;
    ALTER TABLE sessions ADD COLUMN translation_model TEXT NOT NULL DEFAULT '';
    DROP TRIGGER turns_ai;
    DROP TRIGGER turns_ad;
    DROP TRIGGER turns_au;
    DROP TABLE turns_fts;
    CREATE VIRTUAL TABLE turns_fts USING fts5(text, translation, content='turns',
                                              content_rowid='id');
    INSERT INTO turns_fts(turns_fts) VALUES ('rebuild');
    """ + _TURNS_FTS_TRIGGERS,
    # 4 -> 5: a session's notes (the running summary, then the notes after Stop), searchable.
    """
    CREATE TABLE notes (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'final',
        model TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE notes_fts USING fts5(text, content='notes', content_rowid='session_id');
    CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts(rowid, text) VALUES (new.session_id, new.text);
    END;
    CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN
        INSERT INTO notes_fts(notes_fts, rowid, text) VALUES ('delete', old.session_id, old.text);
    END;
    CREATE TRIGGER notes_au AFTER UPDATE ON notes BEGIN
        INSERT INTO notes_fts(notes_fts, rowid, text) VALUES ('delete', old.session_id, old.text);
        INSERT INTO notes_fts(rowid, text) VALUES (new.session_id, new.text);
    END;
    """,
    # 5 -> 6: in a call, whose side each turn is.
    """
    ALTER TABLE turns ADD COLUMN source TEXT NOT NULL DEFAULT '';
    """,
    # 6 -> 7: in a call, the user's turns that were the other side heard again (kept, hidden).
    """
    ALTER TABLE turns ADD COLUMN echo INTEGER NOT NULL DEFAULT 0;
    """,
    # 7 -> 8: History lists sessions newest first; its first page is read from an index
    # instead of sorting every session. Search matches the last word typed as a prefix: an
    # index of one- and two-letter prefixes answers "budget r" without merging every word
    # that starts with "r" (30 ms -> 1 ms at 300,000 turns, for a quarter more disk).
    """
    CREATE INDEX sessions_newest_first ON sessions(started_at DESC, id DESC);
    DROP TRIGGER turns_ai;
    DROP TRIGGER turns_ad;
    DROP TRIGGER turns_au;
    DROP TABLE turns_fts;
    CREATE VIRTUAL TABLE turns_fts USING fts5(text, translation, content='turns',
                                              content_rowid='id', prefix='1 2');
    INSERT INTO turns_fts(turns_fts) VALUES ('rebuild');
    """ + _TURNS_FTS_TRIGGERS,
]


def database_path() -> Path:
    return paths.data_dir() / "transcripts.sqlite3"


def connect(path: Path | None = None) -> sqlite3.Connection:
    """A connection with the schema brought up to date."""
    path = path or database_path()
    paths.private_dir(path.parent)
    # SQLite gives the -wal and -shm files the database file's mode: owner-only from here.
    paths.private_file(path)
    conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    # Deleted transcripts are overwritten, not just unlinked from the tree.
    conn.execute("PRAGMA secure_delete=ON")
    _use_wal(conn)
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    migrate(conn)
    return conn


def _use_wal(conn: sqlite3.Connection, patience: float = 10.0) -> None:
    """Switch a new database to WAL. The switch needs the database to itself and SQLite does
    not wait for that (no busy handler), so two connections opening a new file at once
    retry; an existing file is already WAL and is left alone."""
    deadline = time.monotonic() + patience
    while conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema up to date, one step per transaction. The version is read inside the
    write transaction, so two connections opening at once (the writer thread and a history
    window) never both run the same step."""
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"The transcript database is from a newer LiveScribe (schema {version}); "
                    "update LiveScribe to open it."
                )
            if version == SCHEMA_VERSION:
                conn.execute("COMMIT")
                return
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        log.info("transcript database migrated to schema %d", version + 1)


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def _scrub(conn: sqlite3.Connection) -> None:
    """After a delete: rebuild the search index without the deleted words (its old pages are
    then zeroed by secure_delete), and empty the WAL, which still holds old page images."""
    conn.execute("INSERT INTO turns_fts(turns_fts) VALUES ('optimize')")
    conn.execute("INSERT INTO notes_fts(notes_fts) VALUES ('optimize')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def words_json(words: Sequence[WordTiming]) -> str:
    return json.dumps(
        [
            {"text": text, "start": start, "end": end, "confidence": confidence,
             **({"speaker": speaker} if speaker else {})}
            for text, start, end, confidence, _final, speaker in word_records(words)
        ],
        separators=(",", ":"),
    )


@dataclass(frozen=True)
class _Partial:
    session_id: int
    start_ms: int
    text: str


class StoreWriter:
    """The one thread that writes. Calls return at once, except `save_final` (see module doc)."""

    def __init__(self, path: Path | None = None):
        self._path = path
        self._queue: queue.SimpleQueue[tuple[Callable[[sqlite3.Connection], object], Future]] = (
            queue.SimpleQueue()
        )
        self._partials: dict[int, _Partial] = {}
        self._partials_lock = threading.Lock()
        self._ready = threading.Event()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="transcript-store", daemon=True)
        self._thread.start()

    # -- called from any thread -----------------------------------------------------------
    def begin_session(self, *, device: str, speech_model: str,
                      translation_model: str = "") -> Future:
        def op(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "INSERT INTO sessions (started_at, device, speech_model, translation_model) "
                "VALUES (?, ?, ?, ?)",
                (now_iso(), device, speech_model, translation_model),
            )
            return int(cur.lastrowid or 0)
        return self._submit(op)

    def save_final(self, session_id: int, turn: FinalTurn, timeout: float = 5.0) -> None:
        """Commit a final turn (a formatted twin replaces its unformatted one); waits for it."""
        def op(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN")
            conn.execute(
                """INSERT INTO turns (session_id, segment, turn_order, start_ms, end_ms, text,
                                      speaker, formatted, words, language, source)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (session_id, segment, turn_order) DO UPDATE SET
                       text=excluded.text, formatted=excluded.formatted, words=excluded.words,
                       start_ms=excluded.start_ms, end_ms=excluded.end_ms,
                       speaker=excluded.speaker, language=excluded.language
                   WHERE excluded.formatted >= turns.formatted""",
                (session_id, turn.segment, turn.turn_order, turn.start_ms, turn.end_ms,
                 turn.text, turn.speaker, int(turn.formatted), words_json(turn.words),
                 turn.language, turn.source),
            )
            conn.execute("DELETE FROM partials WHERE session_id = ?", (session_id,))
            conn.execute(
                "UPDATE sessions SET duration_ms = MAX(duration_ms, ?) WHERE id = ?",
                (turn.end_ms, session_id),
            )
            conn.execute("COMMIT")
        with self._partials_lock:
            self._partials.pop(session_id, None)
        self._submit(op).result(timeout)

    def revise_speakers(self, session_id: int, revised: SpeakersRevised,
                        timeout: float = 5.0) -> None:
        """Store the service's corrected speakers of earlier turns; waits for the commit."""
        def op(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN")
            for item in revised.turns:
                row = conn.execute(
                    "SELECT words FROM turns WHERE session_id=? AND segment=? AND turn_order=?",
                    (session_id, revised.segment, item.turn_order)).fetchone()
                if row is None:
                    continue
                words = (words_json(item.words)
                         if len(item.words) == len(json.loads(row["words"])) else row["words"])
                conn.execute(
                    "UPDATE turns SET speaker=?, words=? "
                    "WHERE session_id=? AND segment=? AND turn_order=?",
                    (item.speaker, words, session_id, revised.segment, item.turn_order))
            conn.execute("COMMIT")
        self._submit(op).result(timeout)

    def save_translation(self, session_id: int, translation: Translation,
                         timeout: float = 5.0) -> None:
        """Store a final turn's translation (searchable from then on); waits for the commit."""
        self._submit(lambda conn: conn.execute(
            "UPDATE turns SET translation=? WHERE session_id=? AND segment=? AND turn_order=?",
            (translation.text, session_id, translation.segment, translation.turn_order),
        )).result(timeout)

    def mark_echo(self, session_id: int, segment: int, turn_order: int) -> Future:
        """This turn repeats the other side of the call: kept, but not shown or exported."""
        return self._submit(lambda conn: conn.execute(
            "UPDATE turns SET echo=1 WHERE session_id=? AND segment=? AND turn_order=?",
            (session_id, segment, turn_order)))

    def name_speaker(self, session_id: int, label: str, name: str) -> Future:
        """Call speaker `label` `name` in this session; an empty name forgets it."""
        def op(conn: sqlite3.Connection) -> None:
            if name.strip():
                conn.execute(
                    "INSERT INTO speaker_names (session_id, label, name) VALUES (?, ?, ?) "
                    "ON CONFLICT (session_id, label) DO UPDATE SET name=excluded.name",
                    (session_id, label, name.strip()))
            else:
                conn.execute("DELETE FROM speaker_names WHERE session_id=? AND label=?",
                             (session_id, label))
        return self._submit(op)

    def save_notes(self, session_id: int, text: str, *, kind: str, model: str) -> Future:
        """Keep a session's notes: `kind` is "running" (the summary so far) or "final"."""
        return self._submit(lambda conn: conn.execute(
            "INSERT INTO notes (session_id, text, kind, model, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (session_id) DO UPDATE SET text=excluded.text, kind=excluded.kind, "
            "model=excluded.model, updated_at=excluded.updated_at",
            (session_id, text, kind, model, now_iso())))

    def save_partial(self, session_id: int, start_ms: int, text: str) -> None:
        """Remember the growing turn; the writer stores the latest about once a second."""
        with self._partials_lock:
            self._partials[session_id] = _Partial(session_id, start_ms, text)

    def end_session(self, session_id: int, *, duration_ms: int) -> Future:
        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE sessions SET status='complete', ended_at=?, "
                "duration_ms=MAX(duration_ms, ?) WHERE id=?",
                (now_iso(), duration_ms, session_id),
            )
        with self._partials_lock:
            pending = self._partials.pop(session_id, None)
        if pending is not None:
            self._submit(lambda conn: self._write_partial(conn, pending))
        return self._submit(op)

    def mark_interrupted(self) -> Future:
        """At launch: sessions still 'recording' were cut off by a crash or a power cut."""
        return self._submit(
            lambda conn: conn.execute(
                "UPDATE sessions SET status='interrupted' WHERE status='recording'"
            ).rowcount
        )

    def rename(self, session_id: int, title: str) -> Future:
        return self._submit(
            lambda conn: conn.execute("UPDATE sessions SET title=? WHERE id=?", (title, session_id))
        )

    def delete(self, session_id: int) -> Future:
        def op(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM sessions WHERE id=?", (session_id,))
            _scrub(conn)
        return self._submit(op)

    def delete_all(self) -> Future:
        """Every session gone from the file itself: rows, search index, free pages, WAL."""
        def op(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM sessions")
            conn.execute("INSERT INTO turns_fts(turns_fts) VALUES ('delete-all')")
            conn.execute("INSERT INTO notes_fts(notes_fts) VALUES ('delete-all')")
            _scrub(conn)
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return self._submit(op)

    def apply_retention(self, days: int) -> Future:
        """Delete sessions that started more than `days` days ago (not one being recorded).
        The result is how many went."""
        def op(conn: sqlite3.Connection) -> int:
            cutoff = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(
                timespec="seconds")
            gone = conn.execute(
                "DELETE FROM sessions WHERE started_at < ? AND status != 'recording'",
                (cutoff,)).rowcount
            if gone:
                _scrub(conn)
                log.info("history: %d sessions older than %d days deleted", gone, days)
            return gone
        return self._submit(op)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._submit(None).result(10)  # type: ignore[arg-type]
            self._thread.join(10)

    # -- the writer thread -----------------------------------------------------------------
    def _submit(self, op: Callable[[sqlite3.Connection], object] | None) -> Future:
        future: Future = Future()
        self._queue.put((op, future))  # type: ignore[arg-type]
        return future

    def _run(self) -> None:
        conn = connect(self._path)
        # The writer mostly appends, touching the right edges of a few B-trees; with
        # SQLite's default 2 MB page cache, a session's first hours filled it with pages
        # it never read again.
        conn.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
        last_partials = 0.0
        while True:
            try:
                op, future = self._queue.get(timeout=PARTIAL_SAVE_INTERVAL / 2)
            except queue.Empty:
                op, future = None, None
            if future is not None and op is None:
                self._flush_partials(conn)
                conn.close()
                future.set_result(None)
                return
            if op is not None and future is not None:
                try:
                    future.set_result(op(conn))
                except Exception as exc:
                    log.exception("transcript store: a write failed")
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    future.set_exception(exc)
            if time.monotonic() - last_partials >= PARTIAL_SAVE_INTERVAL:
                last_partials = time.monotonic()
                self._flush_partials(conn)

    def _flush_partials(self, conn: sqlite3.Connection) -> None:
        with self._partials_lock:
            pending = list(self._partials.values())
            self._partials.clear()
        for partial in pending:
            self._write_partial(conn, partial)

    @staticmethod
    def _write_partial(conn: sqlite3.Connection, partial: _Partial) -> None:
        conn.execute(
            "INSERT INTO partials (session_id, start_ms, text) VALUES (?, ?, ?) "
            "ON CONFLICT (session_id) DO UPDATE SET start_ms=excluded.start_ms, text=excluded.text",
            (partial.session_id, partial.start_ms, partial.text),
        )
