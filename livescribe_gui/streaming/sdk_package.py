"""Importing `assemblyai.streaming.v3` runs the `assemblyai` package's `__init__` first, and
that imports the whole SDK: file transcription, LeMUR, dictation, text to speech and their
pydantic models, some 50 modules and 5 MB that a streaming session never uses.

`install()` puts the package in `sys.modules` as it would be found, but without running its
`__init__` yet: importing a submodule needs only the package's path, and the streaming
client only its version string (for its User-Agent). The first use of any other name of the
package (the notes' LLM gateway client: `from assemblyai import Client`) runs the real
`__init__` into it, so the SDK behaves as the whole package wherever it is used whole.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any


class _DeferredPackage(ModuleType):
    def __getattr__(self, name: str) -> Any:
        """Only for names not set yet: run the package's own `__init__` (once)."""
        if self.__dict__.get("_livescribe_loaded"):
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        self.__dict__["_livescribe_loaded"] = True
        self.__spec__.loader.exec_module(self)
        return getattr(self, name)


def install() -> None:
    """Before the first import of the SDK (a no-op once it is imported)."""
    if "assemblyai" in sys.modules:
        return
    spec = importlib.util.find_spec("assemblyai")
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        return
    package = importlib.util.module_from_spec(spec)
    package.__class__ = _DeferredPackage
    sys.modules["assemblyai"] = package
    from assemblyai.__version__ import __version__  # the submodule alone: the package is set

    package.__version__ = __version__
