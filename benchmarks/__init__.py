"""LiveScribe's benchmarks: `python -m benchmarks` (quick) or `python -m benchmarks --full`.

Every figure is measured against the stand-in server and the PulseAudio test device, next to
a baseline measured in the same run; the table goes to docs/benchmarks.md.
"""
