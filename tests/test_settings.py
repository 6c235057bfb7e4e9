"""Settings persist as JSON, atomically; a bad file is set aside and the user told once."""

from __future__ import annotations

import json

import pytest

from livescribe_gui import paths, settings
from livescribe_gui.settings import Settings, streaming_host, validate_keyterms


def test_round_trip_in_the_config_directory(isolated_dirs):
    saved = Settings(device_name="USB Mic", device_host_api="ALSA", region="eu",
                     keyterms=["LiveScribe", "AssemblyAI"], turn_detection="custom",
                     min_turn_silence_ms=300)
    settings.save(saved)
    assert paths.settings_file().parent == isolated_dirs / "config"
    loaded = settings.load()
    assert loaded.settings == saved and loaded.notice == ""
    assert json.loads(paths.settings_file().read_text())["schema_version"] == 3
    assert not [p for p in paths.config_dir().iterdir() if p.name.endswith(".tmp")]


BAD_FILES = {
    "corrupt": "{ not json",
    "truncated": '{"device_name": "USB Mi',
    "empty": "",
    "not an object": "[1, 2, 3]",
    "future version": json.dumps({"schema_version": 99, "device_name": "x"}),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_file_is_kept_aside_defaults_used_user_told(isolated_dirs, kind):
    path = paths.settings_file()
    path.parent.mkdir(parents=True)
    path.write_text(BAD_FILES[kind])
    loaded = settings.load()
    assert loaded.settings == Settings()
    assert not path.exists()
    aside = path.with_name("settings.json.bad")
    assert aside.read_text() == BAD_FILES[kind], "the user's file is kept"
    assert "started with defaults" in loaded.notice and str(aside) in loaded.notice


def test_wrong_types_and_values_fall_back_unknown_keys_are_kept(isolated_dirs, caplog):
    path = paths.settings_file()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({
        "schema_version": 3, "device_name": 7, "speech_model": "  ", "region": "mars",
        "format_turns": False, "max_speakers": True, "keyterms": ["x" * 51],
        "end_of_turn_confidence": 3, "from_the_future": {"a": 1}, "mode": "fastest",
        "inactivity_timeout_s": 2, "redact_pii_policies": ["mind_reading"],
    }))
    loaded = settings.load().settings
    assert loaded.device_name == ""
    assert loaded.speech_model == Settings().speech_model
    assert loaded.region == "default" and loaded.max_speakers == 0 and loaded.keyterms == []
    assert loaded.end_of_turn_confidence == 0.4
    assert loaded.format_turns is False
    assert (loaded.mode, loaded.inactivity_timeout_s, loaded.redact_pii_policies) == ("", 0, [])
    assert "device_name has an invalid value" in caplog.text
    settings.save(loaded.replace(device_name="Mic"))
    rewritten = json.loads(path.read_text())
    assert rewritten["from_the_future"] == {"a": 1}
    assert rewritten["device_name"] == "Mic"


def test_version_1_file_is_migrated(isolated_dirs):
    path = paths.settings_file()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"schema_version": 1, "device_name": "Old Mic",
                                "speech_model": "u3-rt-pro"}))
    loaded = settings.load()
    assert loaded.notice == ""
    assert loaded.settings.device_name == "Old Mic"
    assert loaded.settings.turn_detection == "balanced"
    assert loaded.settings.schema_version == settings.SCHEMA_VERSION


def test_keyterm_limits():
    assert validate_keyterms(["a"] * 100) == ""
    assert "At most 100" in validate_keyterms(["a"] * 101)
    assert "at most 50 characters" in validate_keyterms(["ok", "y" * 51])


def test_streaming_host_by_region_and_environment(monkeypatch):
    assert streaming_host(Settings()) == "streaming.assemblyai.com"
    assert streaming_host(Settings(region="eu")) == "streaming.eu.assemblyai.com"
    monkeypatch.setenv("LIVESCRIBE_STREAMING_HOST", "ws://127.0.0.1:9/")
    assert streaming_host(Settings(region="eu")) == "ws://127.0.0.1:9"


def test_directory_overrides(isolated_dirs, monkeypatch):
    assert paths.data_dir() == isolated_dirs / "data"
    assert paths.log_dir() == isolated_dirs / "data" / "logs"
    monkeypatch.delenv("LIVESCRIBE_CONFIG_DIR")
    assert "LiveScribe" in str(paths.config_dir())
