"""The transcript database: saved as it arrives, searchable, migrated, and honest about
sessions that were cut off."""

from __future__ import annotations

import sqlite3
import time

import pytest

from livescribe_gui.streaming.events import WordTiming
from livescribe_gui.transcript import history, store
from livescribe_gui.transcript.model import FinalTurn


def final(order: int, text: str, *, formatted: bool = True, segment: int = 0,
          start: int | None = None) -> FinalTurn:
    start = order * 2000 if start is None else start
    words = tuple(WordTiming(w, start + i * 300, start + i * 300 + 250, 0.9, True)
                  for i, w in enumerate(text.split()))
    return FinalTurn(segment, order, text, start, words[-1].end_ms if words else start,
                     formatted, words)


def wait_for(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def writer():
    w = store.StoreWriter()
    yield w
    w.close()


def test_finals_are_committed_before_save_returns(writer):
    sid = writer.begin_session(device="Mic", speech_model="u3-rt-pro").result(5)
    writer.save_final(sid, final(0, "hello there", formatted=False))
    reader = store.connect()
    assert reader.execute("SELECT text FROM turns").fetchall()[0][0] == "hello there"
    assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    writer.save_final(sid, final(0, "Hello there."))
    writer.save_final(sid, final(0, "hello there", formatted=False))
    doc = history.load_session(reader, sid)
    assert [t.text for t in doc.turns] == ["Hello there."], "formatted twin wins, once"
    assert doc.turns[0].words[1].text == "there."


def test_growing_turn_is_saved_about_a_second_behind(writer):
    sid = writer.begin_session(device="Mic", speech_model="m").result(5)
    writer.save_partial(sid, 4000, "still speaking")
    reader = store.connect()
    assert wait_for(lambda: history.load_session(reader, sid).partial_text == "still speaking",
                    timeout=3)
    writer.save_final(sid, final(0, "Still speaking."))
    assert history.load_session(reader, sid).partial_text == ""


def test_list_search_rename_delete(writer):
    old = writer.begin_session(device="Desk Mic", speech_model="m").result(5)
    writer.save_final(old, final(0, "We discussed the quarterly budget."))
    writer.end_session(old, duration_ms=5000).result(5)
    new = writer.begin_session(device="Monitor of Speakers", speech_model="m").result(5)
    writer.save_final(new, final(0, "Lecture on photosynthesis begins."))
    reader = store.connect()

    sessions = history.list_sessions(reader)
    assert [s.id for s in sessions] == [new, old], "newest first"
    assert sessions[1].first_words == "We discussed the quarterly budget."
    assert sessions[1].status == "complete" and sessions[1].duration_ms == 5000

    hits = history.search(reader, "budg")
    assert [h.session_id for h in hits] == [old]
    assert f"{history.HIT_START}budget{history.HIT_END}" in hits[0].snippet
    assert history.search(reader, 'quarterly "budget') != []
    assert history.search(reader, "nothing-like-this") == []

    writer.rename(old, "Budget meeting").result(5)
    assert history.load_session(reader, old).summary.display_title == "Budget meeting"
    writer.delete(old).result(5)
    assert [s.id for s in history.list_sessions(reader)] == [new]
    assert history.search(reader, "budget") == []


def test_sessions_left_recording_are_marked_interrupted(writer):
    sid = writer.begin_session(device="Mic", speech_model="m").result(5)
    writer.save_final(sid, final(0, "Cut off mid sentence."))
    assert writer.mark_interrupted().result(5) == 1
    summary = history.list_sessions(store.connect())[0]
    assert summary.status == "interrupted"
    assert summary.first_words == "Cut off mid sentence."


def test_migration_from_schema_1_keeps_data_and_makes_it_searchable(isolated_dirs):
    path = store.database_path()
    path.parent.mkdir(parents=True)
    old = sqlite3.connect(path)
    old.executescript(store.MIGRATIONS[0])
    old.execute("INSERT INTO sessions (started_at, device) VALUES ('2026-01-05T10:00:00+00:00', "
                "'Old Mic')")
    old.execute("INSERT INTO turns (session_id, segment, turn_order, start_ms, end_ms, text) "
                "VALUES (1, 0, 0, 0, 900, 'Words from an older version.')")
    old.execute("PRAGMA user_version=1")
    old.commit()
    old.close()

    conn = store.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert [h.session_id for h in history.search(conn, "older")] == [1]
    assert history.load_session(conn, 1).turns[0].text == "Words from an older version."


def test_newer_database_is_refused_with_a_clear_message(isolated_dirs):
    path = store.database_path()
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={store.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer LiveScribe"):
        store.connect(path)
