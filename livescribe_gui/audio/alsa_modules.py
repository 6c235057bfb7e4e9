"""Lets go of the ALSA plugin that PortAudio's device listing loads and no recording uses.

When PortAudio starts it opens every device the ALSA configuration defines, to list them, and
ALSA keeps each plugin's module loaded afterwards. One of them, the a52 encoder (an output
that encodes to AC-3 for S/PDIF), brings libavcodec and a dozen codec libraries with it:
about 11 MB resident in a process that only ever records (measured; docs/benchmarks.md).

Freeing ALSA's cached configuration closes every module nobody else holds, so first every
other loaded plugin module is pinned in place: they stay exactly as ALSA left them (some,
such as PipeWire's, must never be unloaded). A stream opened later reads the configuration
again and loads only the plugin it records through.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)

RECORDS_NOTHING = "libasound_module_pcm_a52.so"


def _loaded_plugin_modules() -> list[str]:
    maps = Path("/proc/self/maps").read_text()
    return sorted({line.split()[-1] for line in maps.splitlines()
                   if "/libasound_module_" in line})


def let_go_of_unused() -> None:
    """Call right after PortAudio has listed the devices, while no stream is open."""
    if not sys.platform.startswith("linux"):
        return
    modules = _loaded_plugin_modules()
    if not any(Path(m).name == RECORDS_NOTHING for m in modules):
        return
    pin = os.RTLD_NOLOAD | os.RTLD_NODELETE | os.RTLD_LAZY
    try:
        for module in modules:
            if Path(module).name != RECORDS_NOTHING:
                ctypes.CDLL(module, mode=pin)
        alsa = ctypes.CDLL("libasound.so.2", mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
        alsa.snd_config_update_free_global()
    except (OSError, AttributeError) as exc:
        log.info("kept ALSA's plugin modules loaded: %s", exc)
        return
    log.info("let go of ALSA's a52 encoder module (libavcodec): no recording uses it")
