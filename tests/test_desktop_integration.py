"""Desktop integration: valid desktop entry and metainfo, the menu entry for pip installs,
the window icon and the About dialog."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import assemblyai
import pytest
import sounddevice as sd
from PySide6.QtCore import qVersion
from PySide6.QtGui import QImage

from livescribe_gui import __version__, assets
from livescribe_gui.assets import window_icon
from livescribe_gui.desktop_entry import quote_exec_argument


def desktop_entry(path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def validate(*command: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(command[0]) is None:
        pytest.fail(f"{command[0]} is not installed (packaging/setup-debian.sh --test installs it)")
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_desktop_file_is_valid_and_names_the_window_class():
    result = validate("desktop-file-validate", str(assets.desktop_file()))
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    entry = desktop_entry(assets.desktop_file())
    # Qt on X11 sets the window's WM_CLASS class to the application name.
    assert entry["StartupWMClass"] == "LiveScribe"
    assert entry["Icon"] == assets.APP_ID


def test_metainfo_is_valid():
    result = validate("appstreamcli", "validate", "--no-net", str(assets.metainfo_file()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"<launchable type=\"desktop-id\">{assets.APP_ID}.desktop</launchable>" in (
        assets.metainfo_file().read_text())


def test_icons_have_the_sizes_their_names_promise(qapp):
    for size in assets.ICON_SIZES:
        image = QImage(str(assets.icon_png(size)))
        assert (image.width(), image.height()) == (size, size)
    assert not window_icon().isNull()
    assert assets.resource_dir().joinpath("livescribe.ico").stat().st_size > 0
    assert assets.resource_dir().joinpath("livescribe.icns").read_bytes()[:4] == b"icns"


def test_install_and_uninstall_desktop_entry(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "share"))
    env.pop("DISPLAY", None)  # no screen needed: it must not start the GUI
    launcher = [sys.executable, "-m", "livescribe_gui"]
    result = subprocess.run([*launcher, "--install-desktop-entry"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    installed = tmp_path / "share" / "applications" / f"{assets.APP_ID}.desktop"
    assert str(installed) in result.stdout
    assert validate("desktop-file-validate", str(installed)).returncode == 0
    command = desktop_entry(installed)["Exec"]
    executable = command.split()[0].strip('"')
    assert os.access(executable, os.X_OK), "Exec points at this installation's launcher"
    version = subprocess.run([*command.split(), "--version"], capture_output=True, text=True,
                             timeout=60)
    assert version.stdout.strip() == f"LiveScribe {__version__}"
    icon = tmp_path / "share/icons/hicolor/48x48/apps" / f"{assets.APP_ID}.png"
    assert QImage(str(icon)).width() == 48
    assert (tmp_path / "share/icons/hicolor/scalable/apps" / f"{assets.APP_ID}.svg").is_file()

    result = subprocess.run([*launcher, "--uninstall-desktop-entry"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert not installed.exists() and not icon.exists()


@pytest.mark.parametrize("argument,quoted", [
    ("/usr/bin/livescribe-gui", "/usr/bin/livescribe-gui"),
    ("/home/a b/.venv/bin/livescribe-gui", '"/home/a b/.venv/bin/livescribe-gui"'),
    ('/opt/$weird"path', '"/opt/\\$weird\\"path"'),
])
def test_exec_arguments_are_quoted_per_the_specification(argument, quoted):
    assert quote_exec_argument(argument) == quoted


def test_about_dialog_names_versions_licence_and_links(qtbot, make_window):
    win = make_window()
    win.about_action.trigger()
    dialog = win.about_dialog
    qtbot.waitExposed(dialog)
    about = dialog.text.text()
    assert f"LiveScribe {__version__}" in about and "MIT" in about
    assert 'href="https://www.assemblyai.com/dashboard/api-keys"' in about
    assert dialog.text.openExternalLinks()
    versions = dialog.versions.text()
    assert qVersion() in versions
    assert assemblyai.__version__ in versions
    assert sd.get_portaudio_version()[1] in versions


def test_an_installed_app_has_every_package_of_the_checkout():
    """pyproject lists packages by hand: a new one left out works in a checkout and breaks
    an installed app."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"])
    found = {".".join(init.parent.relative_to(root).parts)
             for init in (root / "livescribe_gui").rglob("__init__.py")}
    assert found <= listed, f"not installed: {sorted(found - listed)}"
