"""Playing the person at the seat while run_gui waits in its sign-in dialog."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox


def sign_in_when_asked(username: str, password: str, *, dialog: str = "signInDialog",
                       fields: dict[str, str] | None = None) -> list[str]:
    """Once the dialog named `dialog` is the modal one, fill it in and press OK; returns the
    messages it showed (a refusal leaves the dialog open and the helper answers once only)."""
    shown: list[str] = []
    timer = QTimer()
    timer.setInterval(20)

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or widget.objectName() != dialog:
            return
        timer.stop()
        values = fields or {"signInUser": username, "signInPassword": password}
        from PySide6.QtWidgets import QLineEdit
        for name, value in values.items():
            widget.findChild(QLineEdit, name).setText(value)
        widget.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        shown.append(widget.objectName())
    timer.timeout.connect(poll)
    timer.start()
    shown.append("")
    sign_in_when_asked.timer = timer   # kept alive until the next call
    return shown
