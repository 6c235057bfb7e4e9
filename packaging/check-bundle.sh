#!/usr/bin/env bash
# Builds the Linux bundle and checks it as a user would meet it: started under Xvfb, its
# window appears with its icon, it streams a short session through the PulseAudio test device
# to the stand-in server, --version works, and it quits cleanly. Run after
# `packaging/setup-debian.sh --test` (CI runs it after the test suite).
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/python -m pip install -q -e '.[test,bundle]'
.venv/bin/python packaging/build.py
LIVESCRIBE_BUNDLE="$PWD/dist/LiveScribe/livescribe-gui" \
  .venv/bin/python -m pytest -p no:cacheprovider tests/test_bundle.py tests/test_desktop_integration.py
