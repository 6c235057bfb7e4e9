"""Run as `python -m tests.window_fit` on an X server: opens every window the way a user
finds it (call mode on, the notes panel shown, the tallest Settings tab) and prints, as JSON,
the screen's available size and each window's size, in device pixels."""

from __future__ import annotations

import json
import sys

from PySide6.QtWidgets import QApplication


def main() -> None:
    app = QApplication(sys.argv)
    from livescribe_gui.credentials import ApiKeyStore
    from livescribe_gui.settings import Settings, SettingsWriter
    from livescribe_gui.ui.about_dialog import AboutDialog
    from livescribe_gui.ui.captions_window import CaptionsWindow
    from livescribe_gui.ui.history_window import HistoryWindow
    from livescribe_gui.ui.main_window import MainWindow
    from livescribe_gui.ui.settings_dialog import SettingsDialog

    ratio = app.primaryScreen().devicePixelRatio()
    writer = SettingsWriter()
    main_window = MainWindow(settings=Settings(call_mode=True, notes=True),
                             settings_writer=writer, keys=ApiKeyStore(), devices=[])
    main_window.notes_panel.show()
    windows = {"main": main_window, "settings": SettingsDialog(Settings(), ApiKeyStore()),
               "history": HistoryWindow(store=None), "about": AboutDialog(),
               "captions": CaptionsWindow()}
    sizes = {}
    for name, window in windows.items():
        window.show()
        app.processEvents()
        # The least a window can be made: what must fit on the screen.
        least = window.minimumSizeHint().expandedTo(window.minimumSize())
        shown = window.frameGeometry()
        sizes[name] = {"least": [least.width() * ratio, least.height() * ratio],
                       "shown": [shown.width() * ratio, shown.height() * ratio]}
    # The captions window where the user left it, then opened again at the next start.
    captions = windows["captions"]
    captions.setGeometry(120, 300, 500, 160)
    app.processEvents()
    left = captions.geometry()
    again = CaptionsWindow()
    again.restore(captions.saved_geometry())
    again.show()
    app.processEvents()
    restored = again.geometry()
    again.close()
    screen = app.primaryScreen().availableGeometry()
    print(json.dumps({"screen": [screen.width() * ratio, screen.height() * ratio],
                      "windows": sizes,
                      "captions_left": [left.x(), left.y(), left.width(), left.height()],
                      "captions_restored": [restored.x(), restored.y(), restored.width(),
                                            restored.height()]}))
    for window in windows.values():
        window.close()
    writer.close()


if __name__ == "__main__":
    main()
