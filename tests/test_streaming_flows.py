"""Today's AssemblyAI streaming, each flow from the server's message to what the user sees,
what is stored and what is exported: the Universal-3 Pro dialect (the default model),
models and options, languages, warnings, and speakers that get corrected and named."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from assemblyai.streaming.v3.models import EventMessage
from pydantic import TypeAdapter

from livescribe_gui import paths, settings
from livescribe_gui.settings import Settings
from livescribe_gui.streaming.options import StreamingOptions
from livescribe_gui.streaming.parameters import connection_parameters, update_parameters
from livescribe_gui.streaming.speech_models import DEFAULT_MODEL, offered
from livescribe_gui.transcript.export import render
from tests.conftest import TEST_KEY
from tests.standin_server import Fault, SessionRecord, StandInServer, _ScriptedSession
from tests.test_app_process import app_env, run_until_a_session
from tests.test_live_session import saved, start_and_wait_listening, stop_and_wait


def run_script(qtbot, win, turns: int) -> None:
    start_and_wait_listening(qtbot, win)
    qtbot.waitUntil(lambda: len(win.transcript.turns) == turns, timeout=20000)
    stop_and_wait(qtbot, win)


# -- models ----------------------------------------------------------------------------------
def test_every_sdk_model_but_the_deprecated_one_is_offered_with_a_summary():
    from assemblyai.streaming.v3 import SpeechModel

    names = [m.name for m in offered()]
    assert names[0] == DEFAULT_MODEL == "u3-rt-pro" == Settings().speech_model
    assert set(names) == {m.value for m in SpeechModel} - {"u3-pro"}
    assert all(m.summary and "\n" not in m.summary for m in offered())


@pytest.mark.script("hello there general kenobi")
def test_the_u3_flow_speech_heard_then_few_partials_then_one_formatted_final(
        qtbot, window, standin):
    heard_lines = []
    window.controller.speech_heard.connect(
        lambda _ms: heard_lines.append(window.view.document().lastBlock().text()))
    partials = []
    window.controller.turn_received.connect(
        lambda u: partials.append(u.transcript) if not u.end_of_turn else None)
    run_script(qtbot, window, turns=1)

    session = standin.sessions[0]
    assert session.query["speech_model"] == "u3-rt-pro"
    assert "format_turns" not in session.query, "the model formats its own turns"
    assert heard_lines and heard_lines[0].endswith("…"), "speech shown as heard before words"
    assert partials == ["hello there—", "hello there general kenobi—"], "few, may end in —"
    finals = [m for m in session.sent if m.get("type") == "Turn" and m["end_of_turn"]]
    assert len(finals) == 1 and finals[0]["turn_is_formatted"], "one formatted final"
    [turn] = window.transcript.turns
    assert turn.text == "Hello there general kenobi." and turn.formatted
    assert window.view.document().lastBlock().text().endswith("Hello there general kenobi.")
    doc = saved(window)
    assert [t.text for t in doc.turns] == [turn.text] and doc.turns[0].formatted
    words = json.loads(render(doc, "json"))["turns"][0]["words"]
    assert [w["text"] for w in words] == ["hello", "there", "general", "kenobi"]
    assert [w["start_ms"] for w in words] == sorted(w["start_ms"] for w in words)
    assert "Hello there general kenobi." in render(doc, "srt")


def test_settings_from_version_2_keep_their_model(isolated_dirs):
    path = paths.settings_file()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"schema_version": 2, "speech_model": "universal-streaming-english",
                                "turn_detection": "balanced"}))
    assert settings.load().settings.speech_model == "universal-streaming-english"
    path.write_text(json.dumps({"schema_version": 2, "turn_detection": "balanced"}))
    loaded = settings.load().settings
    assert loaded.speech_model == "universal-streaming-english", "what it ran with before"
    assert loaded.schema_version == 3
    path.unlink()
    assert settings.load().settings.speech_model == "u3-rt-pro", "new users: the default"


def test_a_model_the_app_does_not_know_is_passed_on_and_a_refusal_explained(
        qtbot, make_window, standin, monkeypatch):
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", standin.url)
    win = make_window(settings=Settings(speech_model="universal-9-ultra"))
    with qtbot.waitSignal(win.controller.failed, timeout=15000) as failed:
        win.start_session()
    qtbot.waitUntil(lambda: not win.controller.running, timeout=15000)
    assert standin.sessions[0].query["speech_model"] == "universal-9-ultra"
    assert failed.args[0].code == 3006 and len(standin.sessions) == 1, "no retry loop"
    assert "Invalid speech_model: universal-9-ultra" in win.status_label.text()
    assert "Check the speech model" in win.status_label.text()


def test_command_line_model_is_checked_and_used_for_this_run_only(tmp_path, standin):
    refused = subprocess.run([sys.executable, "-m", "livescribe_gui", "--model", "nope"],
                             capture_output=True, text=True, timeout=60,
                             env=app_env(tmp_path, standin.url))
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "unknown speech model “nope”" in refused.stderr
    run_until_a_session(tmp_path, standin, "--model", "universal-streaming-english", "--start")
    assert standin.sessions[0].query["speech_model"] == "universal-streaming-english"
    written = json.loads((tmp_path / "config" / "settings.json").read_text())
    assert written["speech_model"] == "u3-rt-pro", "not saved as the user's choice"


# -- options ---------------------------------------------------------------------------------
def test_only_options_the_model_takes_are_sent():
    everything = dict(prompt="A budget meeting.", language_codes=("en", "es"),
                      language_detection=True, mode="max_accuracy", voice_focus="far-field",
                      domain="medical-v1", redact_pii=True, redact_pii_policies=("person_name",),
                      redact_pii_sub="entity_name", inactivity_timeout_s=60)
    pro = connection_parameters(StreamingOptions(speech_model="u3-rt-pro", **everything))
    assert (pro.prompt, pro.language_codes, pro.mode) == (
        "A budget meeting.", ["en", "es"], "max_accuracy")
    assert pro.language_detection and pro.acknowledge_silence and pro.format_turns is None
    english = connection_parameters(
        StreamingOptions(speech_model="universal-streaming-english", **everything))
    assert (english.prompt, english.language_codes, english.mode,
            english.language_detection) == (None, None, None, None)
    assert english.format_turns is True
    for params in (pro, english):  # what every model takes
        assert (params.voice_focus, params.domain, params.redact_pii_sub) == (
            "far-field", "medical-v1", "entity_name")
        assert params.redact_pii and params.redact_pii_policies == ["person_name"]
        assert params.inactivity_timeout == 60
    live = update_parameters(StreamingOptions(speech_model="u3-rt-pro", **everything))
    assert live.prompt == "A budget meeting." and live.language_codes == ["en", "es"]


@pytest.mark.script("#es hola a todos", "#en and hello everyone")
def test_the_language_of_each_turn_is_shown_stored_and_exported(qtbot, make_window, standin,
                                                                 monkeypatch):
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", standin.url)
    win = make_window(settings=Settings(language_detection=True, language_codes=["es", "en"]))
    run_script(qtbot, win, turns=2)
    query = standin.sessions[0].query
    assert query["language_detection"] == "True"
    assert json.loads(query["language_codes"]) == ["es", "en"]
    assert [t.language for t in win.transcript.turns] == ["es", "en"]
    lines = win.view.toPlainText().splitlines()
    assert lines[0].split("   ", 1)[1] == "es Hola a todos.", lines
    doc = saved(win)
    assert [t.language for t in doc.turns] == ["es", "en"]
    assert [t["language"] for t in json.loads(render(doc, "json"))["turns"]] == ["es", "en"]


@pytest.mark.script("first words here", "and more words now")
def test_a_warning_is_shown_and_logged_never_fatal(qtbot, make_window, monkeypatch, caplog):
    with StandInServer(api_key=TEST_KEY, script=["first words here", "and more words now"],
                       warnings=[(300, 3010, "Audio is very quiet")]) as server:
        monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
        monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", server.url)
        win = make_window()
        notes = []
        win.note_shown.connect(notes.append)
        run_script(qtbot, win, turns=2)
    assert "AssemblyAI: Audio is very quiet" in notes
    assert "the service warns (code 3010): Audio is very quiet" in caplog.text
    assert len(server.sessions) == 1 and server.sessions[0].terminate_received


# -- speakers --------------------------------------------------------------------------------
SPEAKERS = ["@A good morning everyone", "@B morning how was the trip", "@A long but fine"]


def speaker_window(make_window, monkeypatch, server):
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", server.url)
    return make_window(settings=Settings(speaker_labels=True))


def test_speakers_are_corrected_later_and_just_before_termination(qtbot, make_window,
                                                                    monkeypatch):
    revisions = [(2, {0: "C"}), (-1, {2: "B"})]
    with StandInServer(api_key=TEST_KEY, script=SPEAKERS, speaker_revisions=revisions) as server:
        win = speaker_window(make_window, monkeypatch, server)
        revised = []
        win.controller.speakers_revised.connect(revised.append)
        start_and_wait_listening(qtbot, win)
        qtbot.waitUntil(lambda: len(win.transcript.turns) == 3, timeout=20000)
        qtbot.waitUntil(lambda: len(revised) == 1, timeout=10000)
        assert [t.speaker for t in win.transcript.turns] == ["C", "B", "A"]
        assert win.view.document().firstBlock().text().endswith(
            "Speaker C: Good morning everyone.")
        stop_and_wait(qtbot, win)
    assert len(revised) == 2, "the revision sent just before Termination arrived too"
    assert [t.speaker for t in win.transcript.turns] == ["C", "B", "B"]
    doc = saved(win)
    assert [t.speaker for t in doc.turns] == ["C", "B", "B"]
    assert {w.speaker for w in doc.turns[0].words} == {"C"}
    assert {w.speaker for w in doc.turns[2].words} == {"B"}
    assert "Speaker C: Good morning everyone." in render(doc, "txt")


def test_a_revision_after_a_reconnect_applies_to_its_own_server_session(qtbot, make_window,
                                                                          monkeypatch):
    from livescribe_gui.ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "stall_seconds", 2.0)
    # Each server session numbers its turns from 0: a revision of "turn 0" sent by the second
    # session is about the second session's first turn, not the first session's.
    with StandInServer(api_key=TEST_KEY, script=SPEAKERS, speaker_revisions=[(1, {0: "D"})],
                       faults=[Fault("drop", after_ms=900)]) as server:
        win = speaker_window(make_window, monkeypatch, server)
        start_and_wait_listening(qtbot, win)
        qtbot.waitUntil(lambda: len(win.transcript.turns) == 3, timeout=30000)
        stop_and_wait(qtbot, win)
        began = [s for s in server.sessions if s.began_at is not None]
        assert len(began) == 2
    assert [t.segment for t in win.transcript.turns] == [0, 1, 1]
    assert [t.speaker for t in win.transcript.turns] == ["D", "D", "A"]
    assert [t.speaker for t in saved(win).turns] == ["D", "D", "A"]


def test_a_speaker_can_be_named_and_the_name_goes_everywhere(qtbot, make_window, monkeypatch):
    with StandInServer(api_key=TEST_KEY, script=SPEAKERS) as server:
        win = speaker_window(make_window, monkeypatch, server)
        run_script(qtbot, win, turns=3)
    win.rename_speaker("B", "Dana")
    assert win.view.document().findBlockByNumber(1).text().endswith(
        "Dana: Morning how was the trip.")
    assert "Dana: Morning how was the trip." in win.transcript.plain_text()
    qtbot.waitUntil(lambda: saved(win).speaker_names == {"B": "Dana"}, timeout=5000)
    doc = saved(win)
    assert "**Dana:** Morning how was the trip." in render(doc, "md")
    assert "<v Dana>Morning how was the trip." in render(doc, "vtt")
    assert "Dana: Morning how was the trip." in render(doc, "srt")
    assert "Speaker A: Good morning everyone." in render(doc, "txt")
    exported = json.loads(render(doc, "json"))["turns"][1]
    assert (exported["speaker"], exported["speaker_name"]) == ("B", "Dana")


# -- the stand-in speaks what the SDK accepts --------------------------------------------------
def test_every_message_the_standin_sends_passes_the_sdks_own_models():
    """The SDK silently kills its reader on a message that fails its schema."""
    from tests.standin_server import ScriptCursor

    adapter = TypeAdapter(EventMessage)
    record = SessionRecord(path="/v3/ws", authorization=None, query={
        "speech_model": "u3-rt-pro", "language_detection": "True", "speaker_labels": "True"})
    session = _ScriptedSession(ScriptCursor(["@B #es hola a todos", "bye now"]), record, 150)
    messages = session.advance(2000) + session.finish_turn()
    record.sent.extend(messages)
    with StandInServer(api_key="k", warnings=[(0, 1, "w")],
                       speaker_revisions=[(1, {0: "C"})]) as server:
        messages += server._due_warnings(record, 10) + server._due_revisions(record, 1)
    kinds = set()
    for message in messages:
        adapter.validate_python(message)
        kinds.add(message["type"])
    assert kinds == {"SpeechStarted", "Turn", "Warning", "SpeakerRevision"}
    with pytest.raises(ValueError):
        adapter.validate_python({"type": "Turn", "turn_order": "not a number"})


def test_settings_only_enable_what_the_model_takes_and_say_why(qtbot, make_window):
    win = make_window()
    dialog = win.open_settings()
    combo = dialog.model_combo
    combo.setCurrentIndex(combo.findData("universal-streaming-english"))
    assert not dialog.prompt_edit.isEnabled() and not dialog.mode_combo.isEnabled()
    assert "u3-rt-pro" in dialog.prompt_note.text() and not dialog.prompt_note.isHidden()
    assert not dialog.languages_edit.isEnabled() and dialog.format_check.isEnabled()
    combo.setCurrentIndex(combo.findData("u3-rt-pro"))
    assert dialog.prompt_edit.isEnabled() and dialog.mode_combo.isEnabled()
    assert not dialog.format_check.isEnabled(), "U3 Pro formats its own turns"
    assert dialog.model_summary.text().startswith("Universal-3 Pro real-time")
    dialog.reject()
