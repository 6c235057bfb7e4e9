"""Transcripts are private: owner-only files whatever the umask, retention, a no-history mode,
deleting for real, and no spoken words in logs or diagnostics."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from livescribe_gui import diagnostics, paths
from livescribe_gui.settings import Settings
from livescribe_gui.transcript import history, store
from livescribe_gui.transcript.export import export
from tests.test_app_process import launch, run_until, wait_for_log
from tests.test_live_session import start_and_wait_listening, stop_and_wait
from tests.test_store import final

SPOKEN = ["the zebrafish committee approves marmalade", "quarterly flamingo numbers look good"]
WORDS = [b"zebrafish", b"marmalade", b"flamingo"]


def files_and_dirs(root: Path) -> list[Path]:
    return [root, *root.rglob("*")]


def holding_words(roots: list[Path], *, skip: tuple[str, ...] = ()) -> list[str]:
    """Every file under `roots` that holds a spoken word (any case)."""
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.name.startswith(skip):
                data = path.read_bytes().lower()
                found += [f"{path}: {w.decode()}" for w in WORDS if w in data]
    return found


def run_app_session(tmp_path: Path, standin, *args: str) -> None:
    """The real app: listen until the stand-in has sent both final turns, then SIGTERM."""
    standin.script = SPOKEN
    proc = launch(tmp_path, standin.url, "--start", "--verbose", *args)

    def two_turns_shown() -> bool:
        assert standin.wait_until(lambda: bool(standin.sessions) and sum(
            1 for m in standin.sessions[-1].sent if m.get("end_of_turn")) >= 2, timeout=60)
        return bool(wait_for_log(tmp_path, "final turn 1 of segment 0 shown", proc))

    run_until(proc, two_turns_shown)
    assert proc.returncode == 0


@pytest.fixture(params=[0o000, 0o022], ids=["umask-000", "umask-022"])
def umask(request):
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def test_everything_written_is_owner_only_whatever_the_umask(tmp_path, standin, umask):
    run_app_session(tmp_path, standin)
    written = files_and_dirs(tmp_path / "config") + files_and_dirs(tmp_path / "data")
    assert {"settings.json", "livescribe.log", "transcripts.sqlite3"} <= {p.name for p in written}
    for path in written:
        mode = stat.S_IMODE(path.stat().st_mode)
        wanted = 0o700 if path.is_dir() else 0o600
        assert mode == wanted, f"{path} is {oct(mode)}"
    # An export goes where the user chose, with the user's usual permissions.
    conn = store.connect(tmp_path / "data" / "transcripts.sqlite3")
    try:
        doc = history.load_session(conn, history.list_sessions(conn)[0].id)
    finally:
        conn.close()
    export(doc, tmp_path / "mine.txt", "txt")
    assert stat.S_IMODE((tmp_path / "mine.txt").stat().st_mode) == 0o666 & ~umask


def test_an_existing_installation_is_tightened_at_start_up(tmp_path, standin):
    config, data = tmp_path / "config", tmp_path / "data"
    for directory in (config, data, data / "logs"):
        directory.mkdir(parents=True)
        directory.chmod(0o755)
    (config / "settings.json").write_text(json.dumps({"schema_version": 3}))
    (data / "logs" / "livescribe.log.1").write_text("old log\n")
    for path in (config / "settings.json", data / "logs" / "livescribe.log.1"):
        path.chmod(0o644)
    run_app_session(tmp_path, standin)
    for path in files_and_dirs(config) + files_and_dirs(data):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    log_text = (data / "logs" / "livescribe.log").read_text()
    assert "readable by their owner only" in log_text


def test_logs_and_diagnostics_never_hold_what_was_said(tmp_path, standin):
    run_app_session(tmp_path, standin)
    assert holding_words([tmp_path / "data"]) != [], "the transcript is stored"
    assert holding_words([tmp_path / "config", tmp_path / "data"],
                         skip=("transcripts.sqlite3",)) == []
    text = diagnostics.gather(devices=[], settings=Settings(), secret="").lower()
    assert not any(w.decode() in text for w in WORDS)


def test_with_no_history_nothing_said_touches_the_disk(tmp_path, standin, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"schema_version": 3, "history": "none"}))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    run_app_session(tmp_path, standin)
    assert (tmp_path / "data" / "logs" / "livescribe.log").exists()
    assert holding_words([tmp_path]) == [], "no transcript text in any file"


@pytest.mark.script(*SPOKEN)
def test_no_history_says_so_and_can_still_export_what_is_on_screen(qtbot, make_window,
                                                                   standin, monkeypatch,
                                                                   tmp_path):
    from tests.conftest import TEST_KEY

    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", standin.url)
    win = make_window(settings=Settings(history="none"))
    start_and_wait_listening(qtbot, win)
    qtbot.waitUntil(lambda: "not saved: history is off" in win.status_label.text(), timeout=5000)
    qtbot.waitUntil(lambda: len(win.transcript.turns) == 2, timeout=20000)
    stop_and_wait(qtbot, win)
    assert win.recording_id is None
    with qtbot.waitSignal(win.exporter.finished, timeout=10000) as done:
        win.export_to(tmp_path / "kept.md", "md")
    assert done.args[0] is True
    assert "The zebrafish committee approves marmalade." in (tmp_path / "kept.md").read_text()
    # Nothing else holds the word timings: the window keeps them for the subtitles.
    with qtbot.waitSignal(win.exporter.finished, timeout=10000) as done:
        win.export_to(tmp_path / "kept.json", "json")
    assert done.args[0] is True
    words = [w for t in json.loads((tmp_path / "kept.json").read_text())["turns"]
             for w in t["words"]]
    assert [w["text"] for w in words] == " ".join(SPOKEN).split()
    database = tmp_path / "data" / "transcripts.sqlite3"
    conn = store.connect(database)
    try:
        assert history.list_sessions(conn) == []
    finally:
        conn.close()


def raw_database(tmp_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (tmp_path / "data").glob("transcripts.sqlite3*"))


def test_deleted_text_cannot_be_read_back_from_the_file(tmp_path):
    writer = store.StoreWriter()
    try:
        gone = writer.begin_session(device="Mic", speech_model="m").result(5)
        writer.save_final(gone, final(0, "The zebrafish committee met."))
        writer.save_partial(gone, 2000, "and the marmalade")
        writer.end_session(gone, duration_ms=3000).result(5)
        kept = writer.begin_session(device="Mic", speech_model="m").result(5)
        writer.save_final(kept, final(0, "Flamingo numbers look good."))
        writer.end_session(kept, duration_ms=3000).result(5)
        assert b"zebrafish" in raw_database(tmp_path).lower()
        writer.delete(gone).result(10)
        raw = raw_database(tmp_path).lower()
        assert b"zebrafish" not in raw and b"marmalade" not in raw, "erased, not unlinked"
        conn = store.connect()
        try:
            assert [h.session_id for h in history.search(conn, "flamingo")] == [kept]
        finally:
            conn.close()
        writer.delete_all().result(10)
        assert b"flamingo" not in raw_database(tmp_path).lower()
    finally:
        writer.close()


def _sessions_started(days_ago: list[int]) -> list[int]:
    writer = store.StoreWriter()
    ids = []
    try:
        for age in days_ago:
            sid = writer.begin_session(device="Mic", speech_model="m").result(5)
            writer.save_final(sid, final(0, f"Said {age} days ago."))
            writer.end_session(sid, duration_ms=1000).result(5)
            ids.append(sid)
    finally:
        writer.close()
    conn = sqlite3.connect(paths.data_dir() / "transcripts.sqlite3")
    try:
        for sid, age in zip(ids, days_ago, strict=True):
            when = (datetime.now(timezone.utc) - timedelta(days=age)).isoformat(timespec="seconds")
            conn.execute("UPDATE sessions SET started_at=? WHERE id=?", (when, sid))
        conn.commit()
    finally:
        conn.close()
    return ids


def _titles() -> list[str]:
    conn = store.connect()
    try:
        return [s.first_words for s in history.list_sessions(conn)]
    finally:
        conn.close()


def test_retention_applies_at_start_up_and_every_midnight(qtbot, make_window):
    _sessions_started([40, 10, 1])
    win = make_window(settings=Settings(history="days", history_days=30))
    qtbot.waitUntil(lambda: _titles() == ["Said 1 days ago.", "Said 10 days ago."], timeout=5000)
    timer = win._retention_timer
    seconds_to_midnight = (datetime.combine(datetime.now().date() + timedelta(days=1),
                                            datetime.min.time()) - datetime.now()).total_seconds()
    assert timer.isActive() and abs(timer.remainingTime() / 1000 - seconds_to_midnight) < 60
    win.settings = win.settings.replace(history_days=5)  # as if five days had passed
    timer.timeout.emit()  # midnight
    qtbot.waitUntil(lambda: _titles() == ["Said 1 days ago."], timeout=5000)
    assert timer.isActive(), "and again the next midnight"
