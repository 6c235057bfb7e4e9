"""The frozen (PyInstaller) app, started the way a user's double-click starts it, on a real
X server (Xvfb): the window appears with its icon, it streams through the PulseAudio test
device to the stand-in server, and it quits cleanly.

Runs when LIVESCRIBE_BUNDLE names the bundle's executable; packaging/check-bundle.sh builds
the bundle and runs this file (CI does, after the test suite).
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from livescribe_gui import __version__, assets
from tests.atspi_bus import session_bus
from tests.test_app_process import app_env
from tests.test_desktop_integration import desktop_entry
from tests.xserver import xvfb

BUNDLE = os.environ.get("LIVESCRIBE_BUNDLE", "")
pytestmark = pytest.mark.skipif(not BUNDLE, reason="LIVESCRIBE_BUNDLE is not set "
                                "(packaging/check-bundle.sh builds the bundle and sets it)")

SCREENSHOT = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
sys.exit(0 if app.primaryScreen().grabWindow(0).save(sys.argv[1]) else 1)
"""


@pytest.fixture(scope="module")
def display():
    with xvfb() as value:
        yield value


def x11(display: str, *command: str) -> str:
    return subprocess.run(command, env=dict(os.environ, DISPLAY=display), capture_output=True,
                          text=True, timeout=30).stdout


def find_window(display: str, wm_class: str) -> str | None:
    """The id of a top-level window whose WM_CLASS class is `wm_class` (Qt also makes a 1x1
    helper window with the same title, which has no class)."""
    for line in x11(display, "xwininfo", "-root", "-children").splitlines():
        parts = line.split()
        if parts and parts[0].startswith("0x") and f' "{wm_class}")' in line:
            return parts[0]
    return None


def wait_for(predicate, timeout: float):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return None


@contextmanager
def listening_bundle(env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    """The bundle started as `livescribe-gui --start` on the test device; killed if a check
    fails before it quits."""
    proc = subprocess.Popen([BUNDLE, "--start", "--device", "monitor of LIVESCRIBE"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def quit_cleanly(proc: subprocess.Popen[str]) -> None:
    """SIGTERM, as logging out sends: the app ends its session and exits 0, no traceback."""
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def bundled_resource(suffix: str) -> Path:
    resources = Path(BUNDLE).resolve().parent / "_internal" / "livescribe_gui" / "resources"
    return resources / f"{assets.APP_ID}{suffix}"


def saved_turns(data_dir: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{data_dir / 'transcripts.sqlite3'}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT text FROM turns ORDER BY turn_order")]
    finally:
        conn.close()


def saved_so_far(data_dir: Path) -> list[str]:
    """The turns saved by now; none while the app is still creating its store."""
    try:
        return saved_turns(data_dir)
    except sqlite3.OperationalError:
        return []


# Calls what QtCore calls in ICU, in a fresh interpreter that has loaded no other ICU.
ICU_CHECK = """
import ctypes, json, sys
folder, version = sys.argv[1], sys.argv[2]
for name in ("data", "uc", "i18n"):
    lib = ctypes.CDLL(f"{folder}/libicu{name}.so.{version}", mode=ctypes.RTLD_GLOBAL)
def call(name, restype=ctypes.c_int):
    function = getattr(lib, f"{name}_{version}")
    function.restype = restype
    return function
def text(value):
    return ctypes.create_unicode_buffer(value) if ctypes.sizeof(ctypes.c_wchar) == 2 else (
        ctypes.c_uint16 * (len(value) + 1))(*map(ord, value), 0)
status = ctypes.c_int(0)
def collate(locale, a, b):
    collator = call("ucol_open", ctypes.c_void_p)(locale.encode(), ctypes.byref(status))
    return call("ucol_strcoll")(ctypes.c_void_p(collator), text(a), -1, text(b), -1)
calendar = call("ucal_open", ctypes.c_void_p)(text("Europe/Berlin"), -1, b"de", 0,
                                               ctypes.byref(status))
name = (ctypes.c_uint16 * 100)()
length = call("ucal_getTimeZoneDisplayName")(ctypes.c_void_p(calendar), 0, b"de", name, 100,
                                             ctypes.byref(status))
converter = ctypes.CDLL(f"{folder}/libicuuc.so.{version}")
utf16 = getattr(converter, f"ucnv_open_{version}")
utf16.restype = ctypes.c_void_p
print(json.dumps({
    "de": collate("de", "ä", "b"), "sv": collate("sv", "ä", "z"),
    "zone": "".join(map(chr, name[:length])),
    "utf16": bool(utf16(b"UTF-16", ctypes.byref(status))), "status": status.value,
}))
"""


def test_the_bundles_smaller_icu_data_still_does_what_qt_asks_of_it():
    """The bundle's ICU data keeps only what QtCore calls (packaging/icu_data.py): sorting
    with each language's rules, time-zone names, and its built-in encodings still work."""
    import json

    qt_lib = Path(BUNDLE).resolve().parent / "_internal" / "PySide6" / "Qt" / "lib"
    (data,) = qt_lib.glob("libicudata.so.*")
    assert data.stat().st_size < 12_000_000, "the slim data library is bundled"
    result = subprocess.run([sys.executable, "-c", ICU_CHECK, str(qt_lib),
                             data.name.rsplit(".", 1)[1]],
                            capture_output=True, text=True, timeout=60, check=True)
    found = json.loads(result.stdout)
    assert found["de"] == -1, "German sorts ä before b"
    assert found["sv"] == 1, "Swedish sorts ä after z (its own rules are kept)"
    assert found["zone"] == "Mitteleuropäische Normalzeit"
    assert found["utf16"] and found["status"] <= 0


def test_the_bundle_fits_in_130_mb():
    """What leaving out GTK, NumPy and unused Qt parts bought (benchmarks/METHODS.md): a
    dependency that brings its own tens of megabytes shows here first."""
    folder = Path(BUNDLE).resolve().parent
    size = sum(path.lstat().st_size for path in folder.rglob("*"))
    assert size <= 130_000_000, f"the bundle is {size / 1e6:.1f} MB"


def test_bundle_prints_its_version():
    result = subprocess.run([BUNDLE, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"LiveScribe {__version__}"


@pytest.mark.script("the frozen app streams too", "and quits cleanly")
def test_bundle_shows_its_window_streams_and_quits(tmp_path, standin, display):
    env = app_env(tmp_path, standin.url)
    env.update(QT_QPA_PLATFORM="xcb", DISPLAY=display)
    started = time.monotonic()
    with listening_bundle(env) as proc:
        # The class the desktop file's StartupWMClass names, so docks group it with the entry.
        window = wait_for(lambda: find_window(display, "LiveScribe"), timeout=60)
        assert window, "the main window appeared on the X server, with WM_CLASS LiveScribe"
        print(f"window shown {time.monotonic() - started:.2f} s after launch")
        # X properties are set as the window is created and mapped, not all at once: wait for
        # the icon rather than sample the very first moment the window exists.
        properties = wait_for(lambda: (lambda p: p if "_NET_WM_ICON(CARDINAL)" in p else None)(
            x11(display, "xprop", "-id", window, "WM_CLASS", "_NET_WM_ICON")), timeout=20) or ""
        assert 'WM_CLASS(STRING) = "livescribe-gui", "LiveScribe"' in properties
        assert "LiveScribe" == desktop_entry(bundled_resource(".desktop"))["StartupWMClass"]
        assert "_NET_WM_ICON(CARDINAL)" in properties, "the window carries the app's icon"

        assert standin.wait_until(
            lambda: bool(standin.sessions) and len(standin.sessions[-1].sent) > 0
            and any(m.get("turn_is_formatted") for m in standin.sessions[-1].sent
                    if m.get("transcript") == "And quits cleanly."),
            timeout=60), "the frozen app streamed the whole script"
        maps = Path(f"/proc/{proc.pid}/maps").read_text()
        bundle_dir = str(Path(BUNDLE).resolve().parent)
        assert f"{bundle_dir}/_internal/libportaudio.so.2" in maps, "the bundled PortAudio"

        shot = tmp_path / "bundle-window.png"
        grab = subprocess.run([sys.executable, "-c", SCREENSHOT, str(shot)],
                              env=dict(os.environ, QT_QPA_PLATFORM="xcb", DISPLAY=display),
                              capture_output=True, text=True, timeout=60)
        assert grab.returncode == 0, grab.stderr
        keep = os.environ.get("LIVESCRIBE_SCREENSHOT")
        if keep:
            shutil.copyfile(shot, keep)
        image = QImage(str(shot))
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
                   for y in range(0, image.height(), 7)}
        assert len(colours) > 20, "the screenshot shows a drawn window, not a blank screen"
        quit_cleanly(proc)
    assert standin.sessions[-1].terminate_received
    assert saved_turns(tmp_path / "data")[-2:] == ["The frozen app streams too.",
                                                   "And quits cleanly."]


@pytest.mark.script("exported from the frozen app")
def test_on_a_gnome_desktop_the_bundle_exports_through_a_file_dialog(tmp_path, standin, display):
    """Without Qt's GTK theme, on a GNOME session the bundle takes the desktop portal's theme;
    where no portal answers (this bus has none) Export still opens a file dialog, Qt's own,
    and the transcript is written where the person typed."""
    env = app_env(tmp_path, standin.url)
    env.update(QT_QPA_PLATFORM="xcb", DISPLAY=display, XDG_CURRENT_DESKTOP="GNOME")
    env.pop("QT_QPA_PLATFORMTHEME", None)
    target = tmp_path / "exported.txt"
    with session_bus(tmp_path / "runtime") as bus:
        env.update(DBUS_SESSION_BUS_ADDRESS=bus, XDG_RUNTIME_DIR=str(tmp_path / "runtime"))
        with listening_bundle(env) as proc:
            assert wait_for(lambda: saved_so_far(tmp_path / "data")
                            == ["Exported from the frozen app."], timeout=60)
            maps = Path(f"/proc/{proc.pid}/maps").read_text()
            assert "libqxdgdesktopportal.so" in maps, "the portal's platform theme"
            assert "libgtk-3" not in maps
            window = find_window(display, "LiveScribe")
            x11(display, "xdotool", "windowfocus", "--sync", window, "key", "ctrl+e")
            dialog = wait_for(lambda: x11(display, "xdotool", "search", "--name",
                                          "^Export transcript$").split(), timeout=20)
            assert dialog, "Export opened a file dialog"
            x11(display, "xdotool", "windowfocus", "--sync", dialog[0], "key", "ctrl+a",
                "type", "--delay", "5", str(target))
            x11(display, "xdotool", "key", "Return")
            assert wait_for(lambda: target.exists() and target.stat().st_size > 0, timeout=20)
            assert "Exported from the frozen app." in target.read_text()
            quit_cleanly(proc)
