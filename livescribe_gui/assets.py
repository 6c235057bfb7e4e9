"""The app's own files (icons, desktop entry, metainfo) from resources/.

They live in `resources/` in a checkout, and inside the package (`livescribe_gui/resources`)
once installed or frozen; both are looked for, so every way of running finds them.
"""

from __future__ import annotations

from pathlib import Path

APP_ID = "io.github.livescribe.LiveScribe"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def resource_dir() -> Path:
    package = Path(__file__).resolve().parent
    for candidate in (package / "resources", package.parent / "resources"):
        if (candidate / "livescribe.svg").is_file():
            return candidate
    raise FileNotFoundError("LiveScribe's icons and desktop files are missing; reinstall it.")


def icon_png(size: int) -> Path:
    return resource_dir() / f"livescribe-{size}.png"


def icon_svg() -> Path:
    return resource_dir() / "livescribe.svg"


def desktop_file() -> Path:
    return resource_dir() / f"{APP_ID}.desktop"


def metainfo_file() -> Path:
    return resource_dir() / f"{APP_ID}.metainfo.xml"


def window_icon():  # noqa: ANN201 (a QIcon; Qt is imported only when it is asked for)
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_png(size)))
    return icon
