"""Credential stores for tests. They are real `keyring` backends, but never discoverable:
keyring registers every backend subclass when it is defined and, on first use, picks the
viable one with the highest priority. These raise on `priority`, so they are not viable
and only a fixture that installs one explicitly (`keyring.set_keyring`) uses it."""

from __future__ import annotations

import threading

import keyring.backend
from keyring.compat import properties


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Keeps secrets in this process."""

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805 (keyring's classproperty)
        raise RuntimeError("a test keyring: installed by fixtures only")

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):  # noqa: ANN001, ANN201
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):  # noqa: ANN001, ANN201
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):  # noqa: ANN001, ANN201
        self.secrets.pop((service, username), None)


class SlowKeyring(MemoryKeyring):
    """A credential store that takes its time (a locked Secret Service asking for a
    password): saving waits until the test calls `release.set()`."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def set_password(self, service, username, password):  # noqa: ANN001, ANN201
        self.release.wait(30)
        super().set_password(service, username, password)
