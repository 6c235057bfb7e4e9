"""Render resources/livescribe.svg into the raster icons the platforms need.

PNG sizes for the freedesktop hicolor theme and Qt's window icon, a multi-size `.ico` for
Windows and an `.icns` for macOS. Run after changing the SVG, and commit the results:
    python packaging/make_icons.py
Needs Pillow (`pip install -e '.[bundle]'`).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> int:
    QGuiApplication(sys.argv[:1] + ["-platform", "offscreen"])
    renderer = QSvgRenderer(str(RESOURCES / "livescribe.svg"))
    if not renderer.isValid():
        print("make_icons: resources/livescribe.svg is not a valid SVG", file=sys.stderr)
        return 1
    for size in PNG_SIZES:
        render(renderer, size).save(RESOURCES / f"livescribe-{size}.png", optimize=True)
    largest = render(renderer, 1024)
    largest.save(RESOURCES / "livescribe.ico", sizes=[(s, s) for s in ICO_SIZES])
    largest.save(RESOURCES / "livescribe.icns")
    print(f"make_icons: wrote {len(PNG_SIZES)} PNGs, livescribe.ico and livescribe.icns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
