"""The frozen app's entry script (PyInstaller needs a file, not a module entry point)."""

from livescribe_gui.app import main

raise SystemExit(main())
