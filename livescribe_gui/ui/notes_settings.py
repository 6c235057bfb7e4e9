"""Settings → Notes: on or off, the model (from the gateway's list, asked for only while
notes are on), the notes' language, how often the summary is updated, and what it costs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QSpinBox

from livescribe_gui.notes.gateway import Gateway, ModelInfo, NotesError
from livescribe_gui.settings import Settings
from livescribe_gui.streaming.speech_models import TRANSLATION_LANGUAGES
from livescribe_gui.ui.background import BackgroundCall


def _list_models(key: str) -> list[ModelInfo] | str:
    try:
        with Gateway(key) as gateway:
            return gateway.models()
    except NotesError as exc:
        return str(exc)


class NotesSettings(QObject):
    def __init__(self, settings: Settings, api_key: Callable[[], str],
                 parent: QObject | None = None):
        super().__init__(parent)
        self._api_key = api_key
        self._listed = False
        self._lister = BackgroundCall(self, name="notes-models")
        self._lister.done.connect(self._show_models)
        self.enabled_check = QCheckBox("Write notes of my sessions with AssemblyAI's LLM Gateway")
        self.enabled_check.setChecked(settings.notes)
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)  # a model the list does not name can be typed
        self.model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model_combo.addItem(settings.notes_model, settings.notes_model)
        self.models_note = QLabel()
        self.models_note.setWordWrap(True)
        self.language_combo = QComboBox()
        self.language_combo.addItem("The transcript's language", "")
        for code, name in sorted(TRANSLATION_LANGUAGES.items(), key=lambda item: item[1]):
            self.language_combo.addItem(f"{name} ({code})", code)
        self.language_combo.setCurrentIndex(
            max(0, self.language_combo.findData(settings.notes_language)))
        self.every_spin = QSpinBox()
        self.every_spin.setRange(1, 60)
        self.every_spin.setSuffix(" min of new speech")
        self.every_spin.setValue(settings.notes_every_minutes)
        self.every_spin.setMaximumWidth(self.every_spin.sizeHint().width() + 24)
        self.after_stop_check = QCheckBox("Write the notes by themselves after Stop")
        self.after_stop_check.setChecked(settings.notes_after_stop)
        self.retention_check = QCheckBox("Zero data retention (the model's provider keeps "
                                         "nothing)")
        self.retention_check.setChecked(settings.notes_zero_data_retention)
        cost = QLabel("The transcript is sent to the LLM Gateway only while notes are on. "
                      "LLM Gateway use is billed separately from transcription, by the length "
                      "of the transcript and of the notes.")
        cost.setWordWrap(True)
        self.form = QFormLayout()
        self.form.addRow("", self.enabled_check)
        self.form.addRow("LLM model", self.model_combo)
        self.form.addRow("", self.models_note)
        self.form.addRow("Notes in", self.language_combo)
        self.form.addRow("Update the summary every", self.every_spin)
        self.form.addRow("", self.after_stop_check)
        self.form.addRow("", self.retention_check)
        self.form.addRow("", cost)
        self.enabled_check.toggled.connect(self._enable)
        self._enable(settings.notes)

    def _enable(self, on: bool) -> None:
        for widget in (self.model_combo, self.language_combo, self.every_spin,
                       self.after_stop_check, self.retention_check):
            widget.setEnabled(on)
        if on:
            self.list_models()

    def list_models(self) -> None:
        """Ask the gateway which models it has (off the GUI thread), once."""
        key = self._api_key()
        if self._listed or self._lister.busy or not key:
            return
        self.models_note.setText("Asking the LLM Gateway which models it has…")
        self._lister.start(lambda: _list_models(key))

    def _show_models(self, models: list[ModelInfo] | str | None) -> None:
        if not isinstance(models, list):
            self.models_note.setText(f"{models or 'The model list is not available.'} "
                                     "You can still type a model's name.")
            return
        self._listed = True
        chosen = self.model_combo.currentText()
        self.model_combo.clear()
        for model in models:
            self.model_combo.addItem(f"{model.name} ({model.id})", model.id)
        at = self.model_combo.findData(chosen)
        if at < 0:
            self.model_combo.addItem(chosen, chosen)
            at = self.model_combo.count() - 1
        self.model_combo.setCurrentIndex(at)
        self.models_note.setText(f"{len(models)} models are available.")

    def model(self) -> str:
        index = self.model_combo.findText(self.model_combo.currentText(),
                                          Qt.MatchFlag.MatchExactly)
        chosen = self.model_combo.itemData(index) if index >= 0 else None
        return (chosen or self.model_combo.currentText()).strip()

    def values(self) -> dict:
        return dict(notes=self.enabled_check.isChecked(), notes_model=self.model() or
                    Settings().notes_model, notes_language=self.language_combo.currentData(),
                    notes_every_minutes=self.every_spin.value(),
                    notes_after_stop=self.after_stop_check.isChecked(),
                    notes_zero_data_retention=self.retention_check.isChecked())
