"""Help → About: what this is, its licence, where to read more, and what it runs on."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from livescribe_gui import __version__, assets, versions
from livescribe_gui.credentials import KEYS_URL

LINKS = (
    ("AssemblyAI Streaming Speech-to-Text",
     "https://www.assemblyai.com/docs/speech-to-text/universal-streaming"),
    ("Get an API key", KEYS_URL),
)


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About LiveScribe")
        icon = QLabel()
        icon.setPixmap(QIcon(str(assets.icon_svg())).pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        links = "<br>".join(f'<a href="{escape(url)}">{escape(name)}</a>' for name, url in LINKS)
        self.text = QLabel(
            f"<h2>LiveScribe {escape(__version__)}</h2>"
            "<p>Live speech-to-text on the desktop, using AssemblyAI's Streaming Speech-to-Text."
            "</p><p>Released under the MIT licence.</p>"
            f"<p>{links}</p>"
        )
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setOpenExternalLinks(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setWordWrap(True)
        rows = "".join(
            f"<tr><td>{escape(name)}</td><td>&nbsp;&nbsp;{escape(version)}</td></tr>"
            for name, version in versions.components()[1:]
        )
        self.versions = QLabel(f"<table>{rows}</table>")
        self.versions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column = QVBoxLayout()
        column.addWidget(self.text)
        column.addWidget(self.versions)
        row = QHBoxLayout()
        row.addWidget(icon)
        row.addLayout(column, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
