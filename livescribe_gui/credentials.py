"""The API key: from `ASSEMBLYAI_API_KEY`, or typed into the settings dialog and kept in memory.

It is never written to disk by this module; the keyring comes later (see the secrets issue).
"""

from __future__ import annotations

import os

ENV_VAR = "ASSEMBLYAI_API_KEY"


class ApiKeyStore:
    def __init__(self) -> None:
        self._entered = ""

    @property
    def from_environment(self) -> bool:
        return bool(os.environ.get(ENV_VAR, "").strip())

    def get(self) -> str:
        return os.environ.get(ENV_VAR, "").strip() or self._entered

    def set_entered(self, key: str) -> None:
        self._entered = key.strip()
