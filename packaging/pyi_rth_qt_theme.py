"""PyInstaller runtime hook (Linux): native file dialogs and colours through the desktop portal.

The bundle leaves out Qt's GTK platform theme and the GTK it loads (livescribe.spec). Qt's
portal theme asks xdg-desktop-portal, over D-Bus, for the desktop's own file chooser and its
light, dark or high-contrast preference, on GNOME, KDE and any desktop with a portal; where
none answers, Qt shows its own file dialog. A theme the person chose is left alone.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORMTHEME", "xdgdesktopportal")
