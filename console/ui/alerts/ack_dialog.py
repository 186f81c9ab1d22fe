"""Acknowledging alerts: who acknowledges, and an optional note for the colleagues."""
from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from console.services.alert_actions import MAX_NOTE


class AckDialog(QDialog):
    """Asks for the note; the name and the time are taken by the console itself."""

    def __init__(self, count: int, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ackDialog")
        self.setWindowTitle(self.tr("Acknowledge alerts"))
        layout = QVBoxLayout(self)
        who = user or self.tr("you")
        if count == 1:
            text = self.tr("Acknowledge this alert as {user}.").format(user=who)
        else:
            text = self.tr("Acknowledge {count} alerts as {user}.").format(count=count, user=who)
        intro = QLabel(text, self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(QLabel(self.tr("Note for colleagues (optional):"), self))
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("ackNote")
        self.note.setPlaceholderText(self.tr("e.g. phoned the department, officer on his way"))
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.note.fontMetrics().height() * 4 + 12)
        layout.addWidget(self.note)
        self.error = QLabel(self)
        self.error.setObjectName("ackError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b;")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Acknowledge"))
        self._save: Save | None = None
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(420, self.sizeHint().height())

    def text(self) -> str:
        return self.note.toPlainText().strip()[:MAX_NOTE]

    def _submit(self) -> None:
        if self._save is None:
            self.accept()
            return
        # Closed only once the save succeeded: a failed one leaves the note as typed.
        self.ok.setEnabled(False)
        self.error.hide()
        self._save(self.text(), self._saved, self._failed)

    def _saved(self) -> None:
        if shiboken6.isValid(self):
            self.accept()

    def _failed(self, message: str) -> None:
        if shiboken6.isValid(self):
            self.error.setText(message)
            self.error.show()
            self.ok.setEnabled(True)


#: save(note, done, failed): start saving; call done() when saved, failed(sentence) if not.
Save = Callable[[str, Callable[[], None], Callable[[str], None]], None]


def open_note(parent: QWidget | None, count: int, user: str, save: Save) -> AckDialog:
    """Show the dialog (window-modal, not blocking); OK saves through `save`, and the dialog
    closes when the save is done, or stays with the note and the reason if it failed."""
    dialog = AckDialog(count, user, parent)
    dialog._save = save
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
