"""Build the double-click app: `python packaging/build.py`.

Runs PyInstaller on packaging/livescribe.spec and leaves a windowed one-folder app in
dist/LiveScribe/ (on macOS also dist/LiveScribe.app). Set LIVESCRIBE_CODESIGN_IDENTITY to
sign on macOS. Needs the bundle extra: `pip install -e '.[bundle]'`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import PyInstaller.__main__

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    PyInstaller.__main__.run([
        str(ROOT / "packaging" / "livescribe.spec"),
        "--noconfirm",
        "--clean",
        "--log-level", "WARN",
        "--distpath", str(ROOT / "dist"),
        "--workpath", str(ROOT / "build"),
    ])
    name = "LiveScribe.app" if sys.platform == "darwin" else "LiveScribe"
    print(f"build: {ROOT / 'dist' / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
