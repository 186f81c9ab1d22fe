"""Acting on a joint case's parts from the detail pane: the small dialog that asks what a part
action needs (a reply, a reason, a deadline). Which actions a seat is offered is the service's
rule (services/joint_cases.py: offered), which checks all of it again when they run."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.domain.joint import PartAction
from console.services.joint_cases import PartView

NEEDS_REPLY = {PartAction.REPLY}
NEEDS_REASON = {PartAction.RETURN, PartAction.REQUEST_EXTENSION, PartAction.DENY_EXTENSION,
                PartAction.REWORK}
NEEDS_DEADLINE = {PartAction.REQUEST_EXTENSION, PartAction.REWORK}


class PartActionDialog(QDialog):
    """Asks what a part action needs; `values()` once accepted."""

    def __init__(self, action: PartAction, title: str, part: PartView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"partAction_{action.value}")
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.action = action
        form = QFormLayout()
        self.reply = self.reason = self.deadline = None
        if action in NEEDS_REPLY:
            self.reply = QLineEdit(self)
            self.reply.setObjectName("partReply")
            form.addRow(self.tr("Reply"), self.reply)
        if action in NEEDS_REASON:
            self.reason = QLineEdit(self)
            self.reason.setObjectName("partReason")
            form.addRow(self.tr("Reason"), self.reason)
        if action in NEEDS_DEADLINE:
            self.deadline = QDateTimeEdit(self)
            self.deadline.setObjectName("partDeadline")
            self.deadline.setDisplayFormat("yyyy-MM-dd HH:mm")
            self.deadline.setCalendarPopup(True)
            start = max(part.deadline or datetime.now(), datetime.now()) + timedelta(days=1)
            self.deadline.setDateTime(QDateTime(start.replace(second=0, microsecond=0)))
            form.addRow(self.tr("Deadline"), self.deadline)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def needs_nothing(self) -> bool:
        return self.reply is None and self.reason is None and self.deadline is None

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.reply is not None:
            out["reply"] = self.reply.text().strip()
        if self.reason is not None:
            out["reason"] = self.reason.text().strip()
        if self.deadline is not None:
            out["deadline"] = self.deadline.dateTime().toPython().replace(second=0, microsecond=0)
        return out
