"""Live translation through the server's LLM Gateway: each final turn's translation, late or
out of order, shown, stored, searchable and exported; a missing or malformed one leaves the
original standing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from livescribe_gui.settings import Settings
from livescribe_gui.streaming.translation import translation_text
from livescribe_gui.transcript import history, store
from livescribe_gui.transcript.export import render
from tests.conftest import TEST_KEY
from tests.standin_server import StandInServer, Translations, formatted
from tests.test_app_process import app_env, run_until_a_session
from tests.test_live_session import saved, start_and_wait_listening, stop_and_wait

SCRIPT = ["good morning everyone", "the budget is ready", "any questions so far",
          "then we move on", "thank you all"]
SPANISH = [f"[Spanish] {formatted(u)}" for u in SCRIPT]
TRANSLATIONS = Translations(delay_ms=400, missing=frozenset({2}), malformed=frozenset({3}),
                            chatty=frozenset({1}), after={0: 1})
TRANSLATING = Settings(speech_model="universal-3-6-pro", translate_to="es")


def test_the_text_of_a_translation_without_chatter():
    def reply(content):  # noqa: ANN001
        return {"choices": [{"message": {"role": "assistant", "content": content}}]}

    assert translation_text(reply("  Hola a todos.  ")) == "Hola a todos."
    assert translation_text(reply('Here is the translation:\n"Hola a todos."')) == "Hola a todos."
    assert translation_text(reply("Translation (Spanish): «Hola»")) == "Hola"
    for broken in ({"choices": []}, {}, None, reply(None), reply("   "), "text"):
        assert translation_text(broken) == ""


@pytest.fixture
def translating(qtbot, make_window, monkeypatch):
    with StandInServer(api_key=TEST_KEY, script=SCRIPT, translations=TRANSLATIONS) as server:
        monkeypatch.setenv("ASSEMBLYAI_API_KEY", TEST_KEY)
        monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", server.url)
        win = make_window(settings=TRANSLATING)
        arrived = []
        win.controller.translation_received.connect(lambda t: arrived.append(t.turn_order))
        start_and_wait_listening(qtbot, win)
        qtbot.waitUntil(lambda: len(win.transcript.turns) == len(SCRIPT)
                        and 4 in arrived, timeout=30000)
        stop_and_wait(qtbot, win)
        yield win, server, arrived



def test_translations_arrive_late_and_out_of_order_and_are_shown_under_each_turn(
        caplog, translating):
    win, server, arrived = translating
    gateway = json.loads(server.sessions[0].query["llm_gateway"])
    assert gateway["model"] == "gemini-2.5-flash-lite" and gateway["max_tokens"] == 1000
    prompt = gateway["messages"][0]["content"]
    assert "into Spanish" in prompt and "{{turn}}" in prompt and "translation only" in prompt
    assert arrived == [1, 0, 4], "1 before 0; 2 never came; 3 was malformed"
    assert [t.translation for t in win.transcript.turns] == [
        SPANISH[0], SPANISH[1], None, None, SPANISH[4]]
    assert [t.text for t in win.transcript.turns] == [formatted(u) for u in SCRIPT]
    blocks = [win.view.document().findBlockByNumber(i).text() for i in range(5)]
    assert blocks[0].endswith(f"{formatted(SCRIPT[0])}\u2028{SPANISH[0]}")
    assert blocks[2].endswith(formatted(SCRIPT[2])), "no translation: the original stands"
    assert "lost" not in win.view.toPlainText().lower()
    logged = "\n".join(r.getMessage() for r in caplog.get_records("setup"))
    assert "translation of turn 3 was empty or malformed; ignored" in logged
    assert "Then we move on" not in logged, "never the text itself"


def test_translations_are_stored_searchable_and_exported(translating):
    win, _server, _arrived = translating
    doc = saved(win)
    assert [t.translation for t in doc.turns] == [SPANISH[0], SPANISH[1], None, None, SPANISH[4]]
    assert doc.summary.translation_model == "gemini-2.5-flash-lite"
    conn = store.connect()
    try:
        hits = history.search(conn, "Spanish thank")
    finally:
        conn.close()
    assert [h.session_id for h in hits] == [win.recording_id]
    text = render(doc, "txt")
    assert f"{formatted(SCRIPT[0])}\n        → {SPANISH[0]}" in text
    assert f"> {SPANISH[4]}" in render(doc, "md")
    data = json.loads(render(doc, "json"))
    assert data["session"]["translation_model"] == "gemini-2.5-flash-lite"
    assert [t["translation"] for t in data["turns"]][:2] == SPANISH[:2]
    original = render(doc, "srt")
    assert "[Spanish]" not in original and formatted(SCRIPT[0]) in original
    translated = render(doc, "vtt", subtitle_text="translation")
    assert SPANISH[0].replace("[Spanish] ", "") in translated
    assert formatted(SCRIPT[2]) in translated, "no translation: the original is kept"
    both = render(doc, "srt", subtitle_text="both")
    assert f"{formatted(SCRIPT[0])}\n{SPANISH[0]}" in both


def test_translation_in_place_of_the_original(translating):
    win, _server, _arrived = translating
    win.apply_settings(win.settings.replace(translation_display="only"))
    blocks = [win.view.document().findBlockByNumber(i).text() for i in range(5)]
    assert blocks[0].split("   ", 1)[1] == SPANISH[0], "the translation alone"
    assert blocks[2].endswith(formatted(SCRIPT[2]))


def test_settings_offer_translation_only_with_a_model_that_translates(qtbot, make_window):
    win = make_window()
    dialog = win.open_settings()
    assert not dialog.translate_combo.isEnabled()
    assert "universal-3-6-pro" in dialog.translation_note.text()
    assert "billed separately" in dialog.translation_note.text()
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData("universal-3-6-pro"))
    assert dialog.translate_combo.isEnabled()
    dialog.translate_combo.setEditText("Span")  # searching by name
    dialog.translate_combo.setCurrentIndex(dialog.translate_combo.findText("Spanish (es)"))
    assert dialog.result_settings().translate_to == "es"
    dialog.reject()


def test_translate_to_on_the_command_line(tmp_path, standin):
    refused = subprocess.run([sys.executable, "-m", "livescribe_gui", "--translate-to", "es"],
                             capture_output=True, text=True, timeout=60,
                             env=app_env(tmp_path, standin.url))
    assert refused.returncode == 2 and "u3-rt-pro cannot translate" in refused.stderr
    run_until_a_session(tmp_path, standin, "--model", "universal-3-6-pro",
                        "--translate-to", "fr", "--start")
    gateway = json.loads(standin.sessions[0].query["llm_gateway"])
    assert "into French" in gateway["messages"][0]["content"]
