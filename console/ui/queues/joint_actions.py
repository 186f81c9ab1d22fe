"""Acting on a joint case's parts from the detail pane: which part actions the signed-in user
may take (a department only on its own part), and the small dialog that asks what the action
needs (a reply, a reason, a deadline). The service checks all of it again."""
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

from console.domain import joint
from console.domain.joint import Part, PartAction, PartRole, PartState
from console.domain.roles import Role
from console.services.actor import Actor
from console.services.joint_cases import PartView

NEEDS_REPLY = {PartAction.REPLY}
NEEDS_REASON = {PartAction.RETURN, PartAction.REQUEST_EXTENSION, PartAction.DENY_EXTENSION,
                PartAction.REWORK}
NEEDS_DEADLINE = {PartAction.REQUEST_EXTENSION, PartAction.REWORK}


def actions_for(part: PartView, actor: Actor | None) -> list[PartAction]:
    """The part actions `actor` may take on `part` now (none on another department's part)."""
    if actor is None:
        return []
    if actor.role is Role.DEPARTMENT and actor.department_id != part.department_id:
        return []
    domain_part = Part(part.department_id, PartRole(part.role), PartState(part.state),
                       part.deadline, part.requested_deadline)
    return joint.allowed(domain_part, actor.role)


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
