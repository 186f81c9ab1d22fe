"""The block every account dialog shares: an optional introduction, a form, a message line and
OK/Cancel; OK runs the dialog's `submit`, which answers through `busy` and `refuse`."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


def password_field(parent: QWidget, name: str) -> QLineEdit:
    """A password field: echo off, and no context menu, so what is typed is never copied out
    and stays in the field until it is cleared."""
    field = QLineEdit(parent)
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    return field


class FormDialog(QDialog):
    """A form whose OK calls `submit`; the dialog closes only when its subclass accepts it."""

    def __init__(self, parent: QWidget | None, *, message_name: str = "formMessage") -> None:
        super().__init__(parent)
        self.setMinimumWidth(400)   # room for a Chinese label and a field beside it
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.hide()   # shown once a subclass gives it a text (set_intro)
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.message = QLabel(self)
        self.message.setObjectName(message_name)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def busy(self, text: str) -> None:
        """Working on it: say so, and no second OK meanwhile."""
        self.message.setText(text)
        self.buttons.setEnabled(False)

    def refuse(self, text: str) -> None:
        """Not done: say why and let the user try again."""
        self.message.setText(text)
        self.buttons.setEnabled(True)

    def submit(self) -> None:  # pragma: no cover - each dialog has its own
        raise NotImplementedError
