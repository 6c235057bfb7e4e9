"""Settings persist as JSON, atomically; a bad file is set aside, never fatal."""

from __future__ import annotations

import json

from livescribe_gui import paths, settings
from livescribe_gui.settings import Settings, streaming_host


def test_round_trip_in_the_config_directory(isolated_dirs):
    saved = Settings(device_name="USB Mic", device_host_api="ALSA", region="eu")
    settings.save(saved)
    assert paths.settings_file().parent == isolated_dirs / "config"
    assert settings.load() == saved
    assert json.loads(paths.settings_file().read_text())["schema_version"] == 1
    assert not [p for p in paths.config_dir().iterdir() if p.name.endswith(".tmp")]


def test_corrupt_file_is_set_aside_and_defaults_used(isolated_dirs):
    path = paths.settings_file()
    path.parent.mkdir(parents=True)
    path.write_text("{ not json")
    assert settings.load() == Settings()
    assert not path.exists()
    assert path.with_name("settings.json.corrupt").read_text() == "{ not json"


def test_wrong_types_and_unknown_values_fall_back_to_defaults(isolated_dirs):
    path = paths.settings_file()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"device_name": 7, "speech_model": "nope", "region": "mars",
                                "format_turns": False}))
    loaded = settings.load()
    assert loaded.device_name == ""
    assert loaded.speech_model == Settings().speech_model
    assert loaded.region == "default"
    assert loaded.format_turns is False


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
