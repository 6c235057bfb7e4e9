#!/usr/bin/env bash
# Sets up LiveScribe on a fresh Debian/Ubuntu machine: system libraries, then a virtual
# environment in .venv with the app installed. `--test` adds what the test suite needs
# (a PulseAudio server for a real capture device, Xvfb, x11-utils and xdotool, espeak-ng and sox,
# the freedesktop validators, Chromium for the caption page's browser test, and D-Bus with
# the AT-SPI bus that a screen reader listens on).
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[[ "${1:-}" == "--test" ]] && with_tests=1

packages=(libportaudio2 libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4
          libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0
          libxcb-xinerama0 libxcb-xkb1 libegl1 libgl1 libfontconfig1 libdbus-1-3
          binutils)  # binutils: what packaging/build.py runs (objdump, readelf, strip, as, ld)
python=${PYTHON:-python3}
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  packages+=(python3 python3-venv)
fi
if (( with_tests )); then
  packages+=(pulseaudio pulseaudio-utils libasound2-plugins xvfb x11-utils xdotool espeak-ng sox
            desktop-file-utils appstream chromium dbus at-spi2-core)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  apt_log=$(mktemp -t livescribe-apt.XXXXXX)
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
         $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2
    echo "Installing system packages failed; the whole log is in $apt_log" >&2
    exit 1
  fi
  rm -f "$apt_log"
fi

[[ -x .venv/bin/python ]] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if (( with_tests )); then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
