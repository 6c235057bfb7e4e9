"""Settings: the API key (kept in memory only for now), speech model and data zone."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from livescribe_gui.credentials import ENV_VAR, ApiKeyStore
from livescribe_gui.settings import REGIONS, SPEECH_MODELS, Settings

KEYS_URL = "https://www.assemblyai.com/dashboard/api-keys"


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, keys: ApiKeyStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("LiveScribe Settings")
        self._settings = settings
        self._keys = keys

        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("Paste your AssemblyAI API key")
        show = QPushButton("Show")
        show.setCheckable(True)
        show.toggled.connect(self._toggle_key_visible)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit)
        key_row.addWidget(show)
        if keys.from_environment:
            self.key_edit.setEnabled(False)
            show.setEnabled(False)
            key_note = f"The key comes from the {ENV_VAR} environment variable."
        else:
            self.key_edit.setText(keys.get())
            key_note = (
                f'Get a key at <a href="{KEYS_URL}">assemblyai.com</a>. '
                "It is kept in memory for this run only."
            )
        note = QLabel(key_note)
        note.setOpenExternalLinks(True)
        note.setWordWrap(True)

        self.model_combo = QComboBox()
        for model, description in SPEECH_MODELS.items():
            self.model_combo.addItem(description, model)
        self.model_combo.setCurrentIndex(max(0, self.model_combo.findData(settings.speech_model)))

        self.region_combo = QComboBox()
        for region, (label, host) in REGIONS.items():
            self.region_combo.addItem(f"{label} — {host}", region)
        self.region_combo.setCurrentIndex(max(0, self.region_combo.findData(settings.region)))

        self.format_check = QCheckBox("Punctuate and capitalise finished turns")
        self.format_check.setChecked(settings.format_turns)

        self.auto_stop_spin = QDoubleSpinBox()
        self.auto_stop_spin.setRange(0, 600)
        self.auto_stop_spin.setDecimals(0)
        self.auto_stop_spin.setSuffix(" min")
        self.auto_stop_spin.setSpecialValueText("Never")
        self.auto_stop_spin.setValue(settings.stop_after_silence_minutes)
        self.auto_stop_spin.setToolTip(
            "Stop listening (and stop paying for the session) after this long without speech. "
            "A countdown shows in the status line first."
        )

        form = QFormLayout()
        form.addRow("API key", key_row)
        form.addRow("", note)
        form.addRow("Speech model", self.model_combo)
        form.addRow("Data zone", self.region_combo)
        form.addRow("", self.format_check)
        form.addRow("Stop when nobody speaks for", self.auto_stop_spin)
        form.addRow("", QLabel("Changes apply to the next session."))

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _toggle_key_visible(self, visible: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password
        self.key_edit.setEchoMode(mode)

    def result_settings(self) -> Settings:
        """The settings as edited; also hands an entered key to the in-memory key store."""
        if not self._keys.from_environment:
            self._keys.set_entered(self.key_edit.text())
        return self._settings.replace(
            speech_model=self.model_combo.currentData(),
            region=self.region_combo.currentData(),
            format_turns=self.format_check.isChecked(),
            stop_after_silence_minutes=float(self.auto_stop_spin.value()),
        )
