"""Meeting notes: the real SDK's LLM Gateway client against a local stand-in gateway, and
the Notes panel from a spoken session (through the streaming stand-in) to stored, searched
and exported notes."""

from __future__ import annotations

import json
import threading

import pytest

from livescribe_gui.notes import jobs, prompts
from livescribe_gui.notes.gateway import Gateway, NotesError
from livescribe_gui.notes.schedule import SummarySchedule
from livescribe_gui.settings import Settings
from livescribe_gui.transcript import history, store
from livescribe_gui.ui.notes_panel import NotesPanel
from tests.conftest import TEST_KEY
from tests.test_live_session import saved, start_and_wait_listening, stop_and_wait

TRANSCRIPT = ["[0:01] hello everyone thanks for coming", "[0:05] we ship the release on Monday"]
ASK = prompts.final_notes(TRANSCRIPT, "")
SCRIPT = ("hello everyone thanks for coming", "we ship the release on monday",
          "Sam sends the minutes by friday")


def request(model: str = "gpt-5-mini") -> jobs.NotesRequest:
    return jobs.NotesRequest(TEST_KEY, model, "", True)


def test_streamed_notes_arrive_piece_by_piece_and_plain_ones_whole(gateway):
    pieces: list[str] = []
    with Gateway(TEST_KEY) as client:
        assert [m.id for m in client.models()][:2] == ["gpt-5-mini", "claude-sonnet-4-5-20250929"]
        streamed = client.complete("gpt-5-mini", ASK, zero_data_retention=True,
                                   on_text=pieces.append)
        whole = client.complete("claude-sonnet-4-5-20250929", ASK, zero_data_retention=False)
    assert len(pieces) > 5 and "".join(pieces) == streamed
    assert streamed == whole
    assert "hello everyone thanks for coming" in streamed
    sent = gateway.completions()
    assert [r["body"]["stream"] for r in sent] == [True, False]
    assert [r["body"]["zero_data_retention"] for r in sent] == [True, False]
    assert all(r["authorization"] == TEST_KEY for r in sent)


@pytest.mark.parametrize(("behaviour", "model", "says"), [
    ("429", "gpt-5-mini", "busy"),
    ("500", "claude-sonnet-4-5-20250929", "had a problem (error 500)"),
    ("malformed", "gpt-5-mini", "could not read"),
    ("malformed", "claude-sonnet-4-5-20250929", "could not read"),
    ("cut", "gpt-5-mini", "stopped before it was finished"),
    ("ok", "a-retired-model", "“a-retired-model” is not available"),
])
def test_each_failure_is_one_calm_sentence(gateway, behaviour, model, says):
    gateway.behaviours = [behaviour]
    with Gateway(TEST_KEY) as client, pytest.raises(NotesError) as failure:
        client.complete(model, ASK, zero_data_retention=True)
    message = str(failure.value)
    assert says in message
    assert TEST_KEY not in message and "Traceback" not in message and "\n" not in message


def test_a_refused_key_a_slow_gateway_and_no_gateway_are_said_plainly(gateway, monkeypatch):
    with Gateway("not-the-key") as client, pytest.raises(NotesError, match="API key"):
        client.complete("gpt-5-mini", ASK, zero_data_retention=True)
    gateway.behaviours = ["slow"]
    with Gateway(TEST_KEY, timeout=0.5) as client, pytest.raises(NotesError, match="in time"):
        client.complete("claude-sonnet-4-5-20250929", ASK, zero_data_retention=True)
    monkeypatch.setenv("LIVESCRIBE_LLM_GATEWAY_URL", "http://127.0.0.1:9")
    with Gateway(TEST_KEY) as client, pytest.raises(NotesError, match="Cannot reach"):
        client.complete("gpt-5-mini", ASK, zero_data_retention=True)


def test_a_long_transcript_is_summarised_in_parts_and_merged(gateway):
    lines = [f"[{i // 60}:{i % 60:02d}] item number {i} was discussed at some length"
             for i in range(600)]
    news: list[jobs.Progress] = []
    written = jobs.final_notes(request("tiny-model"), lines, news.append, threading.Event())
    assert isinstance(written, jobs.Written)
    budget = prompts.budget_chars(4_000)
    parts = len(prompts.split_into_parts(lines, budget))
    assert written.parts == parts > 1
    assert written.text.startswith(f"## Summary\nMerged from {parts} parts.")
    asked = gateway.completions()
    assert len(asked) == parts + 1  # each part, then the merge
    assert all(len(r["body"]["messages"][-1]["content"]) < budget + 1_000 for r in asked[:-1])
    assert any("part 2 of" in n.status for n in news)


def test_refused_as_too_long_it_tries_smaller_parts_and_says_so_when_it_cannot(gateway):
    lines = [f"[0:{i:02d}] a sentence said in the meeting, number {i}" for i in range(60)]
    gateway.refuse_over = 3_000
    written = jobs.final_notes(request(), lines, lambda _news: None, threading.Event())
    assert isinstance(written, jobs.Written) and written.parts > 1
    gateway.refuse_over = 100
    failed = jobs.final_notes(request(), lines, lambda _news: None, threading.Event())
    assert isinstance(failed, jobs.Failed)
    assert "refused the text as too long" in failed.message


def test_the_running_summary_waits_for_new_speech_and_for_its_interval():
    schedule = SummarySchedule(2, minute_seconds=1.0)
    schedule.heard(1.5)
    assert not schedule.due(now=100.0)  # 1.5 s of speech, 2 needed
    schedule.heard(0.5)
    assert schedule.due(now=100.0)
    schedule.requested(now=100.0)
    schedule.heard(5.0)
    assert not schedule.due(now=101.0)  # enough speech, but asked 1 s ago
    assert schedule.due(now=102.0)


def notes_on(**changes: object) -> Settings:
    return Settings(notes=True, **changes)


@pytest.fixture
def notes_window(make_window, standin, gateway, monkeypatch):
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", standin.url)
    return make_window


def speak(qtbot, win, turns: int) -> None:
    start_and_wait_listening(qtbot, win)
    qtbot.waitUntil(lambda: len(win.transcript.turns) == turns
                    and win.transcript.turns[-1].formatted, timeout=20000)


@pytest.mark.script(*SCRIPT)
def test_notes_off_nothing_is_sent(qtbot, notes_window, gateway):
    win = notes_window(settings=Settings())
    speak(qtbot, win, 3)
    win.update_notes()  # Ctrl+Shift+N while notes are off
    stop_and_wait(qtbot, win)
    dialog = win.open_settings()
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    assert "Notes are off" in win.notes_panel.status.text()
    dialog.reject()
    assert win.notes_panel.editor.toPlainText() == ""
    assert gateway.requests == []


@pytest.mark.script(*SCRIPT)
def test_after_stop_notes_are_written_stored_searched_and_exported(qtbot, notes_window,
                                                                   gateway, tmp_path):
    win = notes_window(settings=notes_on())
    speak(qtbot, win, 3)
    with qtbot.waitSignal(win.notes_panel.written, timeout=20000) as final:
        stop_and_wait(qtbot, win)
    assert final.args == ["final"]
    shown = win.notes_panel.editor.toPlainText()
    assert shown.startswith("## Summary\n3 turns, starting with: Hello everyone thanks for "
                            "coming.\n")  # made from the session's transcript
    assert "Written at" in win.notes_panel.status.text()
    assert win.notes_panel.isVisible() and win.notes_action.isChecked()
    win.grab().save(str(tmp_path / "notes-after-stop.png"))

    qtbot.waitUntil(lambda: (saved(win).notes or history.Notes("")).text == shown)
    edited = shown + "\n- Ana books the room"
    win.notes_panel.editor.setPlainText(edited)
    qtbot.waitUntil(lambda: saved(win).notes.text == edited, timeout=5000)

    conn = store.connect()
    try:
        hits = history.search(conn, "Ana books")
    finally:
        conn.close()
    assert [(h.session_id, h.in_notes) for h in hits] == [(win.recording_id, True)]

    for fmt in ("md", "txt", "json"):
        with qtbot.waitSignal(win.exporter.finished, timeout=10000):
            win.export_to(tmp_path / f"out.{fmt}", fmt)
    md = (tmp_path / "out.md").read_text()
    assert "## Notes" in md and "### Action items" in md and "Ana books the room" in md
    assert md.index("## Notes") < md.index("## Transcript") < md.index("We ship the release")
    assert "Ana books the room" in (tmp_path / "out.txt").read_text()
    exported = json.loads((tmp_path / "out.json").read_text())
    assert exported["notes"]["text"] == edited and exported["notes"]["kind"] == "final"
    assert TEST_KEY not in md + (tmp_path / "out.json").read_text()

    win.open_history()
    history_window = win._history_window
    with qtbot.waitSignal(history_window.session_shown, timeout=10000):
        history_window.open_session(win.recording_id)
    assert history_window.notes.isVisible()
    assert history_window.notes.toPlainText() == edited


@pytest.mark.script(*SCRIPT)
def test_a_failure_leaves_the_transcript_and_the_notes_and_retry_works(qtbot, notes_window,
                                                                       gateway):
    win = notes_window(settings=notes_on())
    speak(qtbot, win, 3)
    gateway.behaviours = ["ok"]
    with qtbot.waitSignal(win.notes_panel.written, timeout=20000):
        stop_and_wait(qtbot, win)
    first = win.notes_panel.editor.toPlainText()
    turns = list(win.transcript.turns)
    gateway.behaviours = ["500"]
    with qtbot.waitSignal(win.notes_panel.failed, timeout=20000) as failure:
        win.update_notes()  # Regenerate
    assert "error 500" in failure.args[0]
    assert win.notes_panel.editor.toPlainText() == first  # the previous version is kept
    assert win.notes_panel.retry_button.isVisible()
    assert "The transcript is safe." in win.notes_panel.status.text()
    assert win.transcript.turns == turns
    assert saved(win).notes.text == first
    with qtbot.waitSignal(win.notes_panel.written, timeout=20000):
        win.notes_panel.retry_button.click()
    assert not win.notes_panel.retry_button.isVisible()


@pytest.mark.script(*[f"point number {n} of the plan is agreed" for n in range(1, 13)])
def test_the_running_summary_keeps_its_rate_and_sends_only_new_speech(qtbot, notes_window,
                                                                      gateway, monkeypatch,
                                                                      tmp_path):
    monkeypatch.setattr(NotesPanel, "minute_seconds", 1.0)  # a "minute" of speech is 1 s
    win = notes_window(settings=notes_on(notes_every_minutes=2, notes_after_stop=False))
    start_and_wait_listening(qtbot, win)
    qtbot.waitUntil(lambda: len(gateway.completions()) >= 3, timeout=30000)
    qtbot.waitUntil(lambda: win.notes_panel.kind == "running", timeout=10000)
    win.grab().save(str(tmp_path / "notes-while-listening.png"))
    stop_and_wait(qtbot, win)
    asked = gateway.completions()
    gaps = [b["at"] - a["at"] for a, b in zip(asked, asked[1:], strict=False)]
    assert min(gaps) >= 2.0, gaps  # never more often than every 2 "minutes"
    said = [r["body"]["messages"][-1]["content"].split("Said since then:\n")[1].splitlines()
            for r in asked]
    flat = [line for lines in said for line in lines]
    assert len(flat) == len(set(flat))  # each turn is sent once
    assert sum(len(lines) for lines in said) <= len(win.transcript.turns)
    assert "Summary brought up to date at" in win.notes_panel.status.text()


def test_notes_are_in_every_export_that_has_room_for_them():
    from livescribe_gui.transcript.export import render
    from livescribe_gui.transcript.model import FinalTurn

    summary = history.SessionSummary(1, "2026-12-01T10:00:00+00:00", 5000, "Mic", "u3-rt-pro",
                                     "Weekly", "complete", "hello")
    doc = history.SessionTranscript(summary, [FinalTurn(0, 0, "Hello.", 0, 900, True)],
                                    notes=history.Notes("## Summary\nA short one."))
    assert render(doc, "txt").startswith("Notes\n=====\n\n## Summary\nA short one.")
    assert "### Summary" in render(doc, "md")
    assert json.loads(render(doc, "json"))["notes"]["text"] == "## Summary\nA short one."
    assert "Summary" not in render(doc, "srt") + render(doc, "vtt")
    plain = history.SessionTranscript(summary, doc.turns)
    assert render(plain, "txt") == "[00:00] Hello.\n"
    assert json.loads(render(plain, "json"))["notes"] is None


def notes_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "notes"]


@pytest.mark.script(*SCRIPT)
def test_while_new_notes_are_written_the_old_ones_are_exported_and_a_new_session_drops_them(
        qtbot, notes_window, gateway, tmp_path):
    from PySide6.QtCore import QCoreApplication

    win = notes_window(settings=notes_on())
    speak(qtbot, win, 3)
    with qtbot.waitSignal(win.notes_panel.written, timeout=20000):
        stop_and_wait(qtbot, win)
    first = win.notes_panel.editor.toPlainText()
    gateway.behaviours = ["slow"]
    win.update_notes()  # Regenerate, slowly
    qtbot.waitUntil(lambda: win.notes_panel.editor.toPlainText() not in ("", first))
    with qtbot.waitSignal(win.exporter.finished, timeout=10000):
        win.export_to(tmp_path / "during.md", "md")
    assert first.splitlines()[1] in (tmp_path / "during.md").read_text()
    assert win.notes_panel.notes().text == first

    start_and_wait_listening(qtbot, win)  # a new session while the old notes are written
    assert win.notes_panel.editor.toPlainText() == ""
    qtbot.waitUntil(lambda: not notes_threads(), timeout=20000)
    QCoreApplication.processEvents()  # whatever the old request still sent is delivered now
    assert win.notes_panel.editor.toPlainText() == ""
    assert win.notes_panel.kind == ""
    stop_and_wait(qtbot, win)
