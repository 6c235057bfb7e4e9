"""Alt+letter for every labelled field, check box and button of a tabbed dialog, chosen
automatically (as KDE's accelerator manager does), so each is unique within its page and
never takes a letter of the dialog's own buttons. Tab titles have none: a page has a dozen
fields, and Ctrl+Tab / Ctrl+PgDn already move between tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QDialog, QLabel, QTabWidget, QWidget


def marked_letter(text: str) -> str:
    """The letter after a single "&" ("" when the text has no mnemonic; "&&" is an "&")."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return ""


def with_mnemonic(text: str, taken: set[str]) -> str:
    """`text` with "&" before its first free letter, word starts first; unchanged when it
    already has one or every letter is taken. The letter chosen is added to `taken`."""
    if not text or marked_letter(text):
        return text
    plain = [i for i, c in enumerate(text) if c.isalnum()]
    starts = [i for i in plain if i == 0 or not text[i - 1].isalnum()]
    for i in starts + [i for i in plain if i not in starts]:
        letter = text[i].lower()
        if letter not in taken:
            taken.add(letter)
            return text[:i] + "&" + text[i:]
    return text


def labelled(page: QWidget) -> list[QWidget]:
    """Labels of fields, and buttons with text that no label names (a colour button is
    reached through its label), in the order they were made."""
    labels = [w for w in page.findChildren(QLabel) if w.buddy() is not None and w.text()]
    named = {label.buddy() for label in labels}
    return [w for w in page.findChildren(QWidget)
            if w in labels or (isinstance(w, QAbstractButton) and w.text() and w not in named)]


def assign(dialog: QDialog, tabs: QTabWidget) -> None:
    """Give each page's fields and buttons their Alt+letters."""
    everywhere = {marked_letter(b.text()) for b in dialog.findChildren(QAbstractButton)
                  if not tabs.isAncestorOf(b)} - {""}
    for number in range(tabs.count()):
        taken = set(everywhere)
        widgets = labelled(tabs.widget(number))
        taken |= {marked_letter(w.text()) for w in widgets} - {""}
        for widget in widgets:
            widget.setText(with_mnemonic(widget.text(), taken))
