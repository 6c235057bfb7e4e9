"""Modules imported after Qt leave no copy of their source in memory (PySide6 reads each
one to see whether it mentions PySide6; `linecache` kept every line: 17 MB in this app)."""

from __future__ import annotations

import linecache
import sys

from livescribe_gui import pyside_source_scan


def test_modules_imported_after_qt_keep_no_source_lines_and_pyside_still_tells_them_apart(
        tmp_path, monkeypatch):
    pyside_source_scan.install()
    (tmp_path / "scan_uses_qt.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "scan_plain.py").write_text("ANSWER = 42\n" * 2000)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("scan_uses_qt", "scan_plain"):
        exec(f"import {name}", {})  # an import statement: what PySide6 hooks
        monkeypatch.delitem(sys.modules, name)

    assert not [path for path in linecache.cache if str(tmp_path) in path]
    switches = sys.modules["shibokensupport.feature"].pyside_feature_dict
    assert switches["scan_uses_qt"] == 0, "a module using PySide6 may switch features"
    assert switches["scan_plain"] == -1, "any other module is left alone"
