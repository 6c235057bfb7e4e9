"""The API key: from `ASSEMBLYAI_API_KEY`, the OS credential store (keyring), or typed in.

Where no credential store exists (a bare Linux session), a typed key lives in memory for this
run only, unless the user explicitly asks for a file readable only by them. The key is never
written to the settings file, and never logged.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from types import ModuleType

from livescribe_gui import paths

log = logging.getLogger(__name__)

ENV_VAR = "ASSEMBLYAI_API_KEY"
KEYS_URL = "https://www.assemblyai.com/dashboard/api-keys"  # where a key is made
SERVICE = "LiveScribe"
ACCOUNT = "assemblyai-api-key"
# Backends that are no real protection: treated as "no credential store".
_INSECURE = ("keyring.backends.fail", "keyrings.alt.file")


def key_file() -> Path:
    return paths.config_dir() / "api-key"


def _keyring() -> ModuleType:
    """keyring, imported where first used: with its backends it costs ~40 ms, and at start
    the key is read on a background thread after the window is shown."""
    import keyring
    import keyring.errors

    return keyring


def keyring_available() -> bool:
    backend = _keyring().get_keyring()
    return not type(backend).__module__.startswith(_INSECURE)


class ApiKeyStore:
    def __init__(self) -> None:
        self._key = ""
        self.where = "nowhere"

    @property
    def from_environment(self) -> bool:
        return bool(os.environ.get(ENV_VAR, "").strip())

    def get(self) -> str:
        return os.environ.get(ENV_VAR, "").strip() or self._key

    def load(self) -> None:
        """Read a saved key (keyring first, then the opt-in file). Call off the GUI thread.

        With a key in the environment, which wins anyway, the credential store is left alone:
        no D-Bus session, no unlock prompt, and ~9 MB of its libraries never loaded."""
        if self.from_environment:
            return
        if keyring_available():
            keyring = _keyring()
            try:
                saved = keyring.get_password(SERVICE, ACCOUNT)
            except keyring.errors.KeyringError as exc:
                log.warning("credential store unavailable: %s", type(exc).__name__)
                saved = None
            if saved:
                self._key, self.where = saved, "keyring"
                return
        try:
            saved = key_file().read_text(encoding="utf-8").strip()
        except OSError:
            return
        if saved:
            self._key, self.where = saved, "file"

    def use(self, key: str) -> None:
        """Use `key` from now on (in memory at once; `save` makes it last)."""
        self._key = key.strip()

    def save(self, key: str, *, allow_file: bool = False) -> str:
        """Keep `key`; returns where it went: 'keyring', 'file' or 'memory'. Off the GUI thread."""
        self.use(key)
        key = self._key
        if keyring_available():
            keyring = _keyring()
            try:
                if key:
                    keyring.set_password(SERVICE, ACCOUNT, key)
                else:
                    keyring.delete_password(SERVICE, ACCOUNT)
                self.where = "keyring"
                key_file().unlink(missing_ok=True)
                return self.where
            except keyring.errors.PasswordDeleteError:
                self.where = "keyring"
                return self.where
            except keyring.errors.KeyringError as exc:
                log.warning("could not use the credential store: %s", type(exc).__name__)
        if allow_file and key:
            _write_private(key_file(), key)
            self.where = "file"
        else:
            key_file().unlink(missing_ok=True)
            self.where = "memory"
        return self.where


def _write_private(path: Path, text: str) -> None:
    """A file only its owner can read, created that way (never briefly readable by others)."""
    paths.private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
