"""Settings: the API key (OS credential store), recognition options, session and display.

Options the protocol lets a running session change apply at once; the dialog says which."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFontComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSystemTrayIcon,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from livescribe_gui.credentials import ENV_VAR, KEYS_URL, ApiKeyStore, keyring_available
from livescribe_gui.integration import autostart
from livescribe_gui.settings import (
    REGIONS,
    THEMES,
    TURN_PRESETS,
    Settings,
    streaming_host,
    validate_keyterms,
)
from livescribe_gui.streaming import speech_models
from livescribe_gui.streaming.options import LIVE_OPTIONS, NEXT_SESSION_OPTIONS
from livescribe_gui.streaming.speech_models import TRANSLATION_LANGUAGES, pii_policies
from livescribe_gui.ui import mnemonics
from livescribe_gui.ui.background import BackgroundCall
from livescribe_gui.ui.captions_window import CaptionStyle, caption_style
from livescribe_gui.ui.notes_settings import NotesSettings
from livescribe_gui.ui.screen_fit import SCREEN_SHARE, available_area


def _check_key(key: str, *, host: str) -> str:
    """On the test's own thread, which also pays for importing the SDK the first time."""
    from livescribe_gui.streaming.key_check import check_key

    return check_key(key, host=host)


class ColorButton(QPushButton):
    """A button that shows a colour and lets a person pick another."""

    def __init__(self, color: str, name: str):
        super().__init__()
        self.setAccessibleName(name)
        self.clicked.connect(self._pick)
        self.set_color(color)

    def set_color(self, color: str) -> None:
        self.color = QColor(color).name()
        self.setText(self.color)
        self.setStyleSheet(f"background: {self.color}; color: "
                           f"{'#000000' if QColor(color).lightness() > 128 else '#ffffff'};")

    def _pick(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.color), self, self.accessibleName())
        if chosen.isValid():
            self.set_color(chosen.name())


SYSTEM_SIZE = 7  # the font box's lowest step stands for "the system's size"


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, keys: ApiKeyStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("LiveScribe Settings")
        self._settings = settings
        self._keys = keys
        self._key_test = BackgroundCall(self, name="key-test")
        self._key_test.done.connect(self._show_key_result)
        tabs = self.tabs = QTabWidget()
        tabs.setAccessibleName("Settings sections")
        tabs.addTab(self._account_tab(), "Account")
        tabs.addTab(self._recognition_tab(), "Recognition")
        tabs.addTab(self._speakers_tab(), "Speakers && languages")
        tabs.addTab(self._audio_tab(), "Audio && privacy")
        tabs.addTab(self._display_tab(), "Display")
        tabs.addTab(self._captions_tab(), "Captions")
        self.notes = NotesSettings(settings, self.entered_key, self)
        tabs.addTab(self._page(self.notes.form), "Notes")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.buttons)
        mnemonics.assign(self, tabs)
        self._validate()

    # -- tabs -------------------------------------------------------------------------------
    def _account_tab(self) -> QWidget:
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("Paste your AssemblyAI API key")
        self.key_edit.setAccessibleName("AssemblyAI API key")
        self.show_key = QPushButton("Show")
        self.show_key.setAccessibleName("Show the key")
        self.show_key.setCheckable(True)
        self.show_key.toggled.connect(self._toggle_key_visible)
        self.test_key_button = QPushButton("Test key")
        self.test_key_button.clicked.connect(self.test_key)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.show_key)
        key_row.addWidget(self.test_key_button)
        self.key_file_check = QCheckBox("Save it in a file only you can read")
        self.key_file_check.setChecked(self._settings.key_in_file)
        if self._keys.from_environment:
            self.key_edit.setPlaceholderText(f"Set by {ENV_VAR}")
            self.key_edit.setEnabled(False)
            self.show_key.setEnabled(False)
            self.key_file_check.setVisible(False)
            where = f"The key comes from the {ENV_VAR} environment variable, which wins."
        elif keyring_available():
            self.key_edit.setText(self._keys.get())
            self.key_file_check.setVisible(False)
            where = "The key is kept in your system's credential store."
        else:
            self.key_edit.setText(self._keys.get())
            where = ("No credential store was found on this system, so the key is kept for "
                     "this run only, unless you save it in a file only you can read.")
        self.key_where = QLabel(f'{where} Get a key at <a href="{KEYS_URL}">assemblyai.com</a>.')
        self.key_where.setOpenExternalLinks(True)
        self.key_where.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.key_where.setWordWrap(True)
        self.key_result = QLabel()
        self.key_result.setWordWrap(True)

        self.region_combo = QComboBox()
        for region, (label, host) in REGIONS.items():
            self.region_combo.addItem(f"{label} — {host}", region)
        self.region_combo.setCurrentIndex(max(0, self.region_combo.findData(self._settings.region)))

        form = QFormLayout()
        form.addRow("API key", key_row)
        form.addRow("", self.key_where)
        form.addRow("", self.key_file_check)
        form.addRow("", self.key_result)
        form.addRow("Data zone", self.region_combo)
        override = os.environ.get("LIVESCRIBE_STREAMING_HOST")
        if override:
            self.region_combo.setEnabled(False)
            form.addRow("", QLabel(f"LIVESCRIBE_STREAMING_HOST is set: sessions go to "
                                   f"{override}."))
        return self._page(form)

    def _recognition_tab(self) -> QWidget:
        s = self._settings
        self.model_combo = QComboBox()
        models = speech_models.offered()
        if s.speech_model not in {m.name for m in models}:
            models.append(speech_models.info(s.speech_model))  # passed on as it is
        for model in models:
            self.model_combo.addItem(model.name, model.name)
            self.model_combo.setItemData(self.model_combo.count() - 1, model.summary,
                                         Qt.ItemDataRole.ToolTipRole)
        self.model_combo.setCurrentIndex(max(0, self.model_combo.findData(s.speech_model)))
        self.model_summary = QLabel()
        self.model_summary.setWordWrap(True)
        self.prompt_edit = QPlainTextEdit(s.prompt)
        self.prompt_edit.setPlaceholderText(
            "What the conversation is about and how to write it, e.g. “A product meeting; "
            "spell product names as on our website.”")
        self.prompt_edit.setMaximumHeight(70)
        self.prompt_edit.setTabChangesFocus(True)
        self.prompt_note = QLabel()
        self.prompt_note.setWordWrap(True)

        self.keyterms_edit = QPlainTextEdit("\n".join(s.keyterms))
        self.keyterms_edit.setPlaceholderText("Names and jargon to listen for, one per line")
        self.keyterms_edit.setMaximumHeight(90)
        self.keyterms_edit.setTabChangesFocus(True)  # Tab leaves; Ctrl+Tab inserts one
        self.keyterms_edit.textChanged.connect(self._validate)
        self.keyterms_problem = QLabel()
        self.keyterms_problem.setWordWrap(True)

        self.turn_combo = QComboBox()
        for preset, label in (("aggressive", "Quick (ends turns at short pauses)"),
                              ("balanced", "Balanced"),
                              ("conservative", "Patient (waits through long pauses)"),
                              ("custom", "Custom")):
            self.turn_combo.addItem(label, preset)
        self.turn_combo.setCurrentIndex(self.turn_combo.findData(s.turn_detection))
        self.confidence_spin = QDoubleSpinBox()
        self.confidence_spin.setRange(0.0, 1.0)
        self.confidence_spin.setSingleStep(0.05)
        self.min_silence_spin = QSpinBox()
        self.min_silence_spin.setRange(0, 10_000)
        self.min_silence_spin.setSuffix(" ms")
        self.max_silence_spin = QSpinBox()
        self.max_silence_spin.setRange(0, 10_000)
        self.max_silence_spin.setSuffix(" ms")
        confidence, low, high = s.turn_silences()
        self.confidence_spin.setValue(confidence)
        self.min_silence_spin.setValue(low)
        self.max_silence_spin.setValue(high)
        self.turn_combo.currentIndexChanged.connect(self._turn_preset_changed)
        self._turn_preset_changed()

        self.format_check = QCheckBox("Punctuate and capitalise finished turns")
        self.format_check.setChecked(s.format_turns)
        self.profanity_check = QCheckBox("Filter profanity")
        self.profanity_check.setChecked(s.filter_profanity)
        self.speakers_check = QCheckBox("Label speakers")
        self.speakers_check.setChecked(s.speaker_labels)
        self.max_speakers_spin = QSpinBox()
        self.max_speakers_spin.setRange(0, 10)
        self.max_speakers_spin.setSpecialValueText("Any number")
        self.max_speakers_spin.setValue(s.max_speakers)
        self.auto_stop_spin = QDoubleSpinBox()
        self.auto_stop_spin.setRange(0, 600)
        self.auto_stop_spin.setDecimals(0)
        self.auto_stop_spin.setSuffix(" min")
        self.auto_stop_spin.setSpecialValueText("Never")
        self.auto_stop_spin.setValue(s.stop_after_silence_minutes)
        self.auto_stop_spin.setToolTip(
            "Stop listening (and stop paying for the session) after this long without speech. "
            "A countdown shows in the status line first."
        )

        form = QFormLayout()
        form.addRow("Speech model", self.model_combo)
        form.addRow("", self.model_summary)
        form.addRow("Key terms", self.keyterms_edit)
        form.addRow("", self.keyterms_problem)
        form.addRow("Prompt", self.prompt_edit)
        form.addRow("", self.prompt_note)
        form.addRow("Turn detection", self.turn_combo)
        form.addRow("End-of-turn confidence", self.confidence_spin)
        form.addRow("Shortest pause", self.min_silence_spin)
        form.addRow("Longest pause", self.max_silence_spin)
        form.addRow("", self.format_check)
        form.addRow("", self.profanity_check)
        form.addRow("Stop when nobody speaks for", self.auto_stop_spin)
        applies = QLabel(f"Changes to {LIVE_OPTIONS} apply at once, even while listening; "
                         f"changes to the {NEXT_SESSION_OPTIONS} apply to the next session.")
        applies.setWordWrap(True)
        form.addRow(applies)  # about recognition options only
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        return self._page(form)

    def _speakers_tab(self) -> QWidget:
        s = self._settings
        self.speakers_check.toggled.connect(self.max_speakers_spin.setEnabled)
        self.max_speakers_spin.setEnabled(s.speaker_labels)
        self.detect_language_check = QCheckBox("Show the language of each turn")
        self.detect_language_check.setChecked(s.language_detection)
        self.languages_edit = QLineEdit(", ".join(s.language_codes))
        self.languages_edit.setPlaceholderText("Any the model knows, e.g. en, es")
        self.languages_edit.setToolTip("Language codes expected in the conversation, "
                                       "separated by commas; empty: any the model knows.")
        self.languages_note = QLabel()
        self.languages_note.setWordWrap(True)
        self.translate_combo = QComboBox()
        self.translate_combo.setEditable(True)  # type a language's name to find it
        self.translate_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.translate_combo.addItem("Off", "")
        for code, name in sorted(TRANSLATION_LANGUAGES.items(), key=lambda item: item[1]):
            self.translate_combo.addItem(f"{name} ({code})", code)
        self.translate_combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.translate_combo.completer().setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.translate_combo.setCurrentIndex(max(0, self.translate_combo.findData(s.translate_to)))
        self.translation_display_combo = QComboBox()
        self.translation_display_combo.addItem("Under the original", "both")
        self.translation_display_combo.addItem("In place of the original", "only")
        self.translation_display_combo.setCurrentIndex(
            max(0, self.translation_display_combo.findData(s.translation_display)))
        self.subtitle_text_combo = QComboBox()
        for choice, label in (("original", "What was said"), ("translation", "The translation"),
                              ("both", "Both, on two lines")):
            self.subtitle_text_combo.addItem(label, choice)
        self.subtitle_text_combo.setCurrentIndex(
            max(0, self.subtitle_text_combo.findData(s.subtitle_text)))
        self.translation_note = QLabel()
        self.translation_note.setWordWrap(True)
        self.you_edit = QLineEdit(s.you_label)
        self.you_edit.setMaxLength(30)
        self.them_edit = QLineEdit(s.them_label)
        self.them_edit.setMaxLength(30)
        form = QFormLayout()
        form.addRow("", self.speakers_check)
        form.addRow("At most this many speakers", self.max_speakers_spin)
        form.addRow("Expected languages", self.languages_edit)
        form.addRow("", self.detect_language_check)
        form.addRow("", self.languages_note)
        form.addRow("Translate to", self.translate_combo)
        form.addRow("Show the translation", self.translation_display_combo)
        form.addRow("Subtitles (SRT, WebVTT) hold", self.subtitle_text_combo)
        form.addRow("", self.translation_note)
        form.addRow("In a call, your side is", self.you_edit)
        form.addRow("and the other side is", self.them_edit)
        return self._page(form)

    def _audio_tab(self) -> QWidget:
        s = self._settings
        self.mode_combo = QComboBox()
        for mode, label in (("", "The service's default"), ("min_latency", "Quickest words"),
                            ("balanced", "Balanced"), ("max_accuracy", "Most accurate")):
            self.mode_combo.addItem(label, mode)
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(s.mode)))
        self.mode_note = QLabel()
        self.mode_note.setWordWrap(True)
        self.voice_focus_combo = QComboBox()
        for focus, label in (("", "Off"), ("near-field", "Near: a headset or desk microphone"),
                             ("far-field", "Far: a room microphone, a laptop across the table")):
            self.voice_focus_combo.addItem(label, focus)
        self.voice_focus_combo.setCurrentIndex(
            max(0, self.voice_focus_combo.findData(s.voice_focus)))
        self.medical_check = QCheckBox("Medical vocabulary (billed as an add-on)")
        self.medical_check.setChecked(s.domain == "medical-v1")
        self.redact_check = QCheckBox("Replace personal information in the transcript")
        self.redact_check.setChecked(s.redact_pii)
        self.redact_list = QListWidget()
        self.redact_list.setMaximumHeight(110)
        for policy in pii_policies():
            item = QListWidgetItem(policy.replace("_", " "))
            item.setData(Qt.ItemDataRole.UserRole, policy)
            item.setCheckState(Qt.CheckState.Checked if policy in s.redact_pii_policies
                               else Qt.CheckState.Unchecked)
            self.redact_list.addItem(item)
        self.redact_list.setToolTip("None ticked: the service's usual set")
        self.redact_sub_combo = QComboBox()
        for sub, label in (("", "The service's default"), ("entity_name", "Its kind, e.g. "
                           "[PERSON_NAME]"), ("hash", "A row of #")):
            self.redact_sub_combo.addItem(label, sub)
        self.redact_sub_combo.setCurrentIndex(
            max(0, self.redact_sub_combo.findData(s.redact_pii_sub)))
        for widget in (self.redact_list, self.redact_sub_combo):
            self.redact_check.toggled.connect(widget.setEnabled)
            widget.setEnabled(s.redact_pii)
        self.inactivity_spin = QSpinBox()
        self.inactivity_spin.setRange(0, 3600)
        self.inactivity_spin.setSpecialValueText("Never")
        self.inactivity_spin.setSuffix(" s")
        self.inactivity_spin.setValue(s.inactivity_timeout_s)
        self.inactivity_spin.setToolTip("The service ends the session after this long without "
                                        "audio (5 to 3600 s).")
        self.history_combo = QComboBox()
        for choice, label in (("all", "Keep every transcript"),
                              ("days", "Keep transcripts for a number of days"),
                              ("none", "Keep no history (nothing written to disk)")):
            self.history_combo.addItem(label, choice)
        self.history_combo.setCurrentIndex(max(0, self.history_combo.findData(s.history)))
        self.history_days_spin = QSpinBox()
        self.history_days_spin.setRange(1, 3650)
        self.history_days_spin.setSuffix(" days")
        self.history_days_spin.setValue(s.history_days)
        self.history_combo.currentIndexChanged.connect(
            lambda: self.history_days_spin.setEnabled(self.history_combo.currentData() == "days"))
        self.history_days_spin.setEnabled(s.history == "days")
        form = QFormLayout()
        form.addRow("History", self.history_combo)
        form.addRow("Keep for", self.history_days_spin)
        form.addRow("Speed or accuracy", self.mode_combo)
        form.addRow("", self.mode_note)
        form.addRow("Noise suppression", self.voice_focus_combo)
        form.addRow("", self.medical_check)
        form.addRow("", self.redact_check)
        form.addRow("Information to replace", self.redact_list)
        form.addRow("Replace it with", self.redact_sub_combo)
        form.addRow("End the session without audio after", self.inactivity_spin)
        self._model_changed()
        return self._page(form)

    def _model_changed(self) -> None:
        """Only what the chosen model takes is enabled; a note says why the rest is not."""
        if not hasattr(self, "mode_combo"):
            return  # still building the tabs
        model = speech_models.info(self.model_combo.currentData())
        self.model_summary.setText(model.summary)

        def needs(flag: str, what: str) -> str:
            takers = ", ".join(m.name for m in speech_models.offered() if getattr(m, flag))
            return f"{what} needs one of these models: {takers}."

        self.prompt_edit.setEnabled(model.prompt)
        self.prompt_note.setText("" if model.prompt else needs("prompt", "A prompt"))
        self.mode_combo.setEnabled(model.mode)
        self.mode_note.setText("" if model.mode else needs("mode", "Choosing speed or accuracy"))
        for widget in (self.languages_edit, self.detect_language_check):
            widget.setEnabled(model.languages)
        self.languages_note.setText(
            "" if model.languages else needs("languages", "Choosing languages"))
        self.format_check.setEnabled(not model.formats_itself)
        self.format_check.setToolTip("This model always punctuates and capitalises finished "
                                     "turns." if model.formats_itself else "")
        for widget in (self.translate_combo, self.translation_display_combo):
            widget.setEnabled(model.translation)
        self.translation_note.setText(
            "Translation is billed separately by AssemblyAI (LLM Gateway)."
            if model.translation else
            needs("translation", "Live translation") + " Translation is billed separately.")
        for note in (self.prompt_note, self.mode_note, self.languages_note):
            note.setVisible(bool(note.text()))

    def translate_to(self) -> str:
        """The chosen language's code; a typed name that matches none means off."""
        index = self.translate_combo.findText(self.translate_combo.currentText())
        return self.translate_combo.itemData(index) or "" if index >= 0 else ""

    def language_codes(self) -> list[str]:
        return [c.strip().lower() for c in self.languages_edit.text().replace(" ", ",").split(",")
                if c.strip()]

    def redact_policies(self) -> list[str]:
        return [self.redact_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.redact_list.count())
                if self.redact_list.item(i).checkState() == Qt.CheckState.Checked]

    def _display_tab(self) -> QWidget:
        s = self._settings
        self.timestamps_check = QCheckBox("Show time stamps")
        self.timestamps_check.setChecked(s.show_timestamps)
        self.font_spin = QSpinBox()
        self.font_spin.setRange(SYSTEM_SIZE, 72)  # 8-72 pt; the lowest step is "System size"
        self.font_spin.setSpecialValueText("System size")
        self.font_spin.setSuffix(" pt")
        self.font_spin.setValue(s.font_size or SYSTEM_SIZE)
        self.announce_check = QCheckBox("Screen readers announce each finished turn")
        self.announce_check.setChecked(s.announce_turns)
        self.login_check = QCheckBox("Start LiveScribe when I log in")
        self.login_check.setChecked(s.start_at_login)
        self.login_check.setEnabled(autostart.supported())
        if not autostart.supported():
            self.login_check.setToolTip("On this system: see the README (Startup folder on "
                                        "Windows, Login Items on macOS).")
        self.listen_check = QCheckBox("Start listening when LiveScribe opens")
        self.listen_check.setChecked(s.listen_on_open)
        self.live_file_edit = QLineEdit(s.live_text_file)
        self.live_file_edit.setPlaceholderText("Off; e.g. /home/me/captions.txt for OBS")
        self.live_file_edit.setToolTip("Kept current with the last lines, for OBS's “Read "
                                       "from file” text source and similar tools")
        self.live_lines_spin = QSpinBox()
        self.live_lines_spin.setRange(0, 20)
        self.live_lines_spin.setSpecialValueText("The whole session")
        self.live_lines_spin.setValue(s.live_text_lines)
        self.feed_check = QCheckBox("Serve live captions to other programs on this computer "
                                    "(a page for OBS, and an event stream)")
        self.feed_check.setChecked(s.caption_feed)
        self.feed_port_spin = QSpinBox()
        self.feed_port_spin.setRange(1024, 65535)
        self.feed_port_spin.setValue(s.caption_feed_port)
        self.feed_port_spin.setToolTip("http://127.0.0.1:PORT/ for OBS's Browser Source; "
                                       "/events for other tools. Never reachable from other "
                                       "computers.")
        self.tray_check = QCheckBox("Closing the window keeps LiveScribe in the tray")
        self.tray_check.setChecked(s.close_to_tray)
        if not QSystemTrayIcon.isSystemTrayAvailable():
            self.tray_check.setEnabled(False)
            self.tray_check.setText("Closing the window keeps LiveScribe in the tray "
                                    "(this desktop has no tray)")
        self.theme_combo = QComboBox()
        for theme in THEMES:
            self.theme_combo.addItem(theme.replace("-", " ").capitalize(), theme)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(s.theme)))
        form = QFormLayout()
        form.addRow("", self.timestamps_check)
        form.addRow("Transcript text size", self.font_spin)
        form.addRow("Colours", self.theme_combo)
        form.addRow("", self.announce_check)
        form.addRow("", self.login_check)
        form.addRow("", self.listen_check)
        form.addRow("", self.tray_check)
        form.addRow("Live text file", self.live_file_edit)
        form.addRow("Lines in it", self.live_lines_spin)
        form.addRow("", self.feed_check)
        form.addRow("Caption feed port", self.feed_port_spin)
        return self._page(form)

    def _captions_tab(self) -> QWidget:
        """The captions window's look; its right-click menu changes the same things."""
        style = caption_style(self._settings.captions_style)
        self.caption_font = QFontComboBox()
        if style.font_family:
            self.caption_font.setCurrentFont(QFont(style.font_family))
        self.caption_size = QSpinBox()
        self.caption_size.setRange(12, 96)
        self.caption_size.setSuffix(" pt")
        self.caption_size.setValue(style.font_size)
        self.caption_lines = QSpinBox()
        self.caption_lines.setRange(1, 10)
        self.caption_lines.setValue(style.lines)
        self.caption_text_color = ColorButton(style.text_color, "Caption text colour")
        self.caption_background = ColorButton(style.background, "Caption background colour")
        self.caption_opacity = QSpinBox()
        self.caption_opacity.setRange(0, 100)
        self.caption_opacity.setSuffix(" %")
        self.caption_opacity.setValue(round(style.opacity * 100))
        self.caption_outline = QCheckBox("Outline the letters (for text over video)")
        self.caption_outline.setChecked(style.outline)
        self.caption_upper = QCheckBox("Upper case")
        self.caption_upper.setChecked(style.uppercase)
        self.caption_speakers = QCheckBox("Show speakers")
        self.caption_speakers.setChecked(style.speakers)
        self.caption_fade = QSpinBox()
        self.caption_fade.setRange(0, 600)
        self.caption_fade.setSuffix(" s")
        self.caption_fade.setSpecialValueText("Never")
        self.caption_fade.setValue(style.fade_seconds)
        form = QFormLayout()
        form.addRow("Font", self.caption_font)
        form.addRow("Text size", self.caption_size)
        form.addRow("Lines", self.caption_lines)
        form.addRow("Text colour", self.caption_text_color)
        form.addRow("Background colour", self.caption_background)
        form.addRow("Background opacity", self.caption_opacity)
        form.addRow("", self.caption_outline)
        form.addRow("", self.caption_upper)
        form.addRow("", self.caption_speakers)
        form.addRow("Fade after a quiet spell of", self.caption_fade)
        return self._page(form)

    def caption_style_chosen(self) -> CaptionStyle:
        return CaptionStyle(
            text_color=self.caption_text_color.color, background=self.caption_background.color,
            opacity=self.caption_opacity.value() / 100, outline=self.caption_outline.isChecked(),
            font_family=self.caption_font.currentFont().family(),
            font_size=self.caption_size.value(), lines=self.caption_lines.value(),
            uppercase=self.caption_upper.isChecked(), speakers=self.caption_speakers.isChecked(),
            fade_seconds=self.caption_fade.value())

    @staticmethod
    def _page(form: QFormLayout) -> QWidget:
        """A tab: each field is named for screen readers by its label (its Alt+letter comes
        later, from `mnemonics.assign`, once every tab is there)."""
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label = label_item.widget() if label_item else None
            field = field_item.widget() if field_item else None
            if (isinstance(label, QLabel) and field is not None and label.text().strip()
                    and not field.accessibleName()):
                field.setAccessibleName(label.text().strip())
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if item is not None and isinstance(item.widget(), (QLabel, QCheckBox)):
                # Notes and check boxes take the whole width (and wrap in it).
                item.widget().setSizePolicy(QSizePolicy.Policy.Expanding,
                                            QSizePolicy.Policy.Preferred)
        page = QWidget()
        page.setLayout(form)
        # A tab taller than the screen (large text, 200 % scaling) scrolls instead of
        # pushing the dialog's buttons off it.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(page)
        scroll.setMinimumWidth(page.minimumSizeHint().width())
        return scroll

    def link_labels(self) -> list[QLabel]:
        return [label for label in self.findChildren(QLabel) if "<a " in label.text()]

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt override)
        """As tall as the tallest tab needs, if the screen has room; otherwise tabs scroll."""
        super().showEvent(event)
        pages = [self.tabs.widget(i) for i in range(self.tabs.count())]
        chrome = self.sizeHint().height() - self.tabs.currentWidget().sizeHint().height()
        natural = chrome + max(page.widget().sizeHint().height() for page in pages)
        room = int(available_area().height() * SCREEN_SHARE)
        self.resize(self.width(), min(natural, room))

    def focus_key(self) -> None:
        """Opened because the key is missing: straight to the key field."""
        self.tabs.setCurrentIndex(0)
        self.key_edit.setFocus()

    # -- behaviour --------------------------------------------------------------------------
    def _toggle_key_visible(self, visible: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password
        self.key_edit.setEchoMode(mode)  # the button stays "Show", pressed while shown

    def _turn_preset_changed(self) -> None:
        preset = self.turn_combo.currentData()
        custom = preset == "custom"
        for spin in (self.confidence_spin, self.min_silence_spin, self.max_silence_spin):
            spin.setEnabled(custom)
        if not custom:
            confidence, low, high = TURN_PRESETS[preset]
            self.confidence_spin.setValue(confidence)
            self.min_silence_spin.setValue(low)
            self.max_silence_spin.setValue(high)

    def keyterms(self) -> list[str]:
        return [line.strip() for line in self.keyterms_edit.toPlainText().splitlines()
                if line.strip()]

    def _validate(self) -> None:
        problem = validate_keyterms(self.keyterms())
        self.keyterms_problem.setText(problem)
        self.keyterms_problem.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def entered_key(self) -> str:
        return self._keys.get() if self._keys.from_environment else self.key_edit.text().strip()

    def test_key(self) -> None:
        key = self.entered_key()
        if not key:
            self._show_key_result("Paste a key first.")
            return
        self.test_key_button.setEnabled(False)
        self.key_result.setText("Testing the key…")
        host = streaming_host(self.result_settings())
        self._key_test.start(lambda: _check_key(key, host=host))

    def _show_key_result(self, message: str) -> None:
        self.test_key_button.setEnabled(True)
        self.key_result.setText(message)

    def result_settings(self) -> Settings:
        custom = self.turn_combo.currentData() == "custom"
        return self._settings.replace(
            speech_model=self.model_combo.currentData(),
            region=self.region_combo.currentData(),
            format_turns=self.format_check.isChecked(),
            keyterms=self.keyterms(),
            turn_detection=self.turn_combo.currentData(),
            end_of_turn_confidence=self.confidence_spin.value() if custom
            else self._settings.end_of_turn_confidence,
            min_turn_silence_ms=self.min_silence_spin.value() if custom
            else self._settings.min_turn_silence_ms,
            max_turn_silence_ms=self.max_silence_spin.value() if custom
            else self._settings.max_turn_silence_ms,
            filter_profanity=self.profanity_check.isChecked(),
            speaker_labels=self.speakers_check.isChecked(),
            max_speakers=self.max_speakers_spin.value(),
            stop_after_silence_minutes=float(self.auto_stop_spin.value()),
            prompt=self.prompt_edit.toPlainText().strip(),
            language_codes=self.language_codes(),
            language_detection=self.detect_language_check.isChecked(),
            mode=self.mode_combo.currentData(),
            voice_focus=self.voice_focus_combo.currentData(),
            domain="medical-v1" if self.medical_check.isChecked() else "",
            redact_pii=self.redact_check.isChecked(),
            redact_pii_policies=self.redact_policies(),
            redact_pii_sub=self.redact_sub_combo.currentData(),
            translate_to=self.translate_to(),
            translation_display=self.translation_display_combo.currentData(),
            subtitle_text=self.subtitle_text_combo.currentData(),
            history=self.history_combo.currentData(),
            history_days=self.history_days_spin.value(),
            inactivity_timeout_s=max(5, self.inactivity_spin.value())
            if self.inactivity_spin.value() else 0,
            show_timestamps=self.timestamps_check.isChecked(),
            font_size=0 if self.font_spin.value() == SYSTEM_SIZE else self.font_spin.value(),
            announce_turns=self.announce_check.isChecked(),
            captions_style=dataclasses.asdict(self.caption_style_chosen()),
            start_at_login=self.login_check.isChecked(),
            listen_on_open=self.listen_check.isChecked(),
            close_to_tray=self.tray_check.isChecked() and self.tray_check.isEnabled(),
            live_text_file=str(Path(self.live_file_edit.text().strip()).expanduser())
            if self.live_file_edit.text().strip() else "",
            live_text_lines=self.live_lines_spin.value(),
            caption_feed=self.feed_check.isChecked(),
            caption_feed_port=self.feed_port_spin.value(),
            theme=self.theme_combo.currentData(),
            key_in_file=self.key_file_check.isChecked() and not self._keys.from_environment
            and not keyring_available(),
            you_label=self.you_edit.text().strip() or "You",
            them_label=self.them_edit.text().strip() or "Them",
            **self.notes.values(),
        )
