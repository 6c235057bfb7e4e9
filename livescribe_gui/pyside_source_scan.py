"""PySide6 asks of every module imported after it whether its source mentions "PySide6"
(PYSIDE-2029: only such modules may switch `__feature__`s on). It asks through
`inspect.getsource`, so `linecache` keeps every line of every module imported after Qt for
the life of the process: the SDK, pydantic, httpx and this app, some 370 files and 17 MB of
small strings in Python's arenas, which neither a collection nor `linecache.clearcache()`
gives back to the system. `install()` has the same question answered from the file itself,
read and dropped. (This app uses no `__feature__`; the answer is kept right regardless.)
"""

from __future__ import annotations

import sys
from types import ModuleType


def mentions_pyside(module: ModuleType) -> bool:
    """PySide6's own rule: the module's source contains "PySide6"; no source, no."""
    path = getattr(module, "__file__", None) or ""
    if not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def install() -> None:
    """Call before the imports that follow PySide6's (a PySide6 without the hook is left
    as it is)."""
    import PySide6  # noqa: F401 (installs the hook this replaces the question of)

    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and hasattr(feature, "_mod_uses_pyside"):
        feature._mod_uses_pyside = mentions_pyside
