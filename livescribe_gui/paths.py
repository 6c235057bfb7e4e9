"""Where LiveScribe keeps its files.

`LIVESCRIBE_CONFIG_DIR` and `LIVESCRIBE_DATA_DIR` override the platformdirs locations, so tests
and portable setups never touch the real home directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "LiveScribe"
APP_AUTHOR = "LiveScribe"


def config_dir() -> Path:
    override = os.environ.get("LIVESCRIBE_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def data_dir() -> Path:
    override = os.environ.get("LIVESCRIBE_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    if os.environ.get("LIVESCRIBE_DATA_DIR"):
        return data_dir() / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def settings_file() -> Path:
    return config_dir() / "settings.json"
