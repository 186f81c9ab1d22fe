"""Acknowledging alerts: who acknowledges, and an optional note for the colleagues."""
from __future__ import annotations

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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Acknowledge"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(420, self.sizeHint().height())

    def text(self) -> str:
        return self.note.toPlainText().strip()[:MAX_NOTE]


def ask_note(parent: QWidget | None, count: int, user: str) -> str | None:
    """The note to acknowledge with ('' for none), or None if the dispatcher cancelled."""
    dialog = AckDialog(count, user, parent)
    try:
        return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
