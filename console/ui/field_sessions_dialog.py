"""外勤终端会话: the officers' phones signed in to 城管通, for leaders and administrators to see
and end. Reads and revocations go through console/services/field_sessions.py on a worker; the
service checks the one acting as stored now, whatever this dialog shows.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.common.messages import describe_error
from console.domain.permissions import Permission, may
from console.live.tasks import TaskRunner
from console.services import field_sessions
from console.services.actor import Actor
from console.services.cases import now
from console.ui.list_dialog_parts import ActorOf, bottom_row, install_dialog_action, item, table


def _at(moment: datetime | None) -> str:
    return "—" if moment is None else f"{moment:%Y-%m-%d %H:%M}"


def may_see(actor: Actor | None) -> bool:
    return actor is not None and may(actor.role, Permission.EDIT_ROSTER)


class FieldSessionsDialog(QDialog):
    """Modeless; reloads on open, on 刷新 and after every revocation."""

    loaded = Signal(int)            # rows shown (tests wait on it)
    revoked = Signal(int)           # a session id just ended

    def __init__(self, tasks: TaskRunner, actor_of: ActorOf,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldSessionsDialog")
        self.setWindowTitle(self.tr("Field terminal sessions"))
        self.tasks, self.actor_of = tasks, actor_of
        self.rows: list[field_sessions.SessionRow] = []

        self.table = table(self, "fieldSessions", [
            self.tr("Officer"), self.tr("Device"), self.tr("Signed in"), self.tr("Last seen"),
            self.tr("Expires"), self.tr("State"), ""], stretch=1)
        self.ended = QCheckBox(self.tr("Show &ended sessions"), self)
        self.ended.setObjectName("showEnded")
        self.ended.toggled.connect(self.reload)
        self.note = QLabel(self)
        self.note.setObjectName("fieldSessionsNote")
        self.note.setWordWrap(True)

        refresh = QPushButton(self.tr("&Refresh"), self)
        refresh.clicked.connect(self.reload)
        bottom = bottom_row(self, self.ended, refresh)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.resize(900, 420)

    @Slot()
    def reload(self) -> None:
        open_only = not self.ended.isChecked()
        self.tasks.run(lambda s: field_sessions.list_sessions(s, open_only=open_only, at=now()),
                       on_done=self._show, on_error=self._failed, owner=self,
                       key=(id(self), "field-sessions"))

    def _failed(self, exc: BaseException) -> None:
        self.note.setText(describe_error(exc))

    def _show(self, rows: list[field_sessions.SessionRow]) -> None:
        self.rows = rows
        at = now()
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            if r.revoked_at is not None:
                state = self.tr("ended {time} by {who}").format(
                    time=f"{r.revoked_at:%m-%d %H:%M}", who=r.revoked_by or "—")
            elif r.expires_at <= at:
                state = self.tr("expired")
            else:
                state = self.tr("signed in")
            officer = f"{r.officer_name or r.username} ({r.officer_code})"
            for col, text in enumerate((officer, r.device, _at(r.issued_at), _at(r.last_seen_at),
                                        _at(r.expires_at), state)):
                self.table.setItem(i, col, item(text, r.id if col == 0 else None))
            if r.revoked_at is None and r.expires_at > at:
                button = QPushButton(self.tr("Sign out"), self.table)
                button.setObjectName(f"revoke:{r.id}")
                button.clicked.connect(lambda _=False, row=r: self.revoke(row))
                self.table.setCellWidget(i, 6, button)
            else:
                self.table.removeCellWidget(i, 6)
        self.note.setText(self.tr(
            "Officers' phones signed in to the field app. Signing one out ends its session at "
            "once: the phone asks for the password again.") if rows else self.tr(
            "No phone is signed in to the field app."))
        self.loaded.emit(len(rows))

    def revoke(self, row: field_sessions.SessionRow, confirm: bool = True) -> None:
        actor = self.actor_of()
        if confirm and QMessageBox.question(
                self, self.tr("Sign out a phone"),
                self.tr("Sign out {officer} on {device}?").format(
                    officer=row.officer_name or row.username, device=row.device)
        ) != QMessageBox.StandardButton.Yes:
            return

        def done(_count: int) -> None:
            self.revoked.emit(row.id)
            self.reload()
        self.tasks.run(lambda s: field_sessions.revoke(s, session_id=row.id, actor=actor,
                                                       at=now()),
                       on_done=done, on_error=self._failed, owner=self)


def install_field_sessions(menu: QMenu, tasks: TaskRunner, actor_of: ActorOf,
                           parent: QWidget) -> QAction:
    """"Field terminal sessions…" in the 外勤 menu, shown to those who may revoke (the role is
    read each time the menu opens, so a shift change needs nothing more)."""
    return install_dialog_action(
        menu, QCoreApplication.translate("FieldSessionsDialog", "Field terminal &sessions…"),
        "fieldSessionsAction", lambda: FieldSessionsDialog(tasks, actor_of, parent),
        lambda: may_see(actor_of()))
