"""The streaming session loads only the SDK's streaming client, not the whole package; the
rest of the SDK is still there for whoever uses it (the notes' LLM gateway)."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from livescribe_gui.streaming import sdk_package
sdk_package.install()
from livescribe_gui.app import load_the_rest
load_the_rest()  # the worker, the notes' jobs, the key check: what a session imports
from assemblyai.streaming.v3 import _base
loaded = sorted(m for m in sys.modules if m.startswith("assemblyai"))
from assemblyai import Client, Settings
print(json.dumps({"loaded": loaded, "agent": _base._user_agent(),
                  "whole": "assemblyai.transcriber" in sys.modules,
                  "client": Client.__module__, "settings": Settings.__module__}))
"""


def test_a_session_loads_the_streaming_client_alone_and_the_rest_on_first_use():
    from assemblyai.__version__ import __version__

    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    probe = json.loads(out.splitlines()[-1])
    assert "assemblyai.streaming.v3.client" in probe["loaded"]
    assert [m for m in probe["loaded"] if not m.startswith("assemblyai.streaming.")] == [
        "assemblyai", "assemblyai.__version__", "assemblyai.streaming"]
    assert f"sdk=Python/{__version__} " in probe["agent"]
    assert probe["whole"], "the first other name used loads the whole package"
    assert (probe["client"], probe["settings"]) == ("assemblyai.client", "assemblyai.types")
