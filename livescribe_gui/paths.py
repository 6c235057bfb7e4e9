"""Where LiveScribe keeps its files, and keeping them private.

`LIVESCRIBE_CONFIG_DIR` and `LIVESCRIBE_DATA_DIR` override the platformdirs locations, so tests
and portable setups never touch the real home directory. Transcripts are people's private
words: every directory LiveScribe makes is owner-only (0700) and every file it writes there
owner-only (0600), whatever the umask. (On Windows and macOS the per-user locations are
already closed to other accounts; these modes matter on Linux and other Unix systems.)
"""

from __future__ import annotations

import logging
import os
import stat
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


PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
log = logging.getLogger(__name__)


def private_dir(path: Path) -> Path:
    """Make `path` (and missing parents) and close it to other accounts."""
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> None:
    """Create `path` owner-only if it is missing, and make it owner-only if it is not."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, PRIVATE_FILE)


def tighten_existing() -> int:
    """At start-up: an installation from before (or files copied in) is made owner-only.
    Returns how many files and directories were changed."""
    if os.name != "posix":
        return 0
    changed = 0
    roots = {config_dir(), data_dir(), log_dir()}
    for root in roots:
        if not root.is_dir():
            continue
        for directory, _dirs, files in os.walk(root):
            entries = [(Path(directory), PRIVATE_DIR)]
            entries += [(Path(directory) / name, PRIVATE_FILE) for name in files]
            for entry, mode in entries:
                try:
                    current = stat.S_IMODE(entry.lstat().st_mode)
                    if not stat.S_ISLNK(entry.lstat().st_mode) and current & 0o077:
                        os.chmod(entry, current & mode)
                        changed += 1
                except OSError:
                    continue
    if changed:
        log.info("made %d files and folders readable by their owner only", changed)
    return changed
