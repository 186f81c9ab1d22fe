"""督办 in the case detail: the case's supervision orders and the buttons the seat's role may press.

A leader raises an order (催办 → 督办 → 挂牌督办) or steps an open one up, and closes it; the
department the case is dispatched to answers it (a reply and a new promised time). Reads and
writes run on the task runner; a refusal comes back as the service's sentence.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QDateTime, QObject, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDateTimeEdit, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QVBoxLayout, QWidget)

from console.common.messages import describe_error, supervision_level_name
from console.common.theme import severity_color
from console.domain.permissions import Permission, may
from console.domain.roles import Role
from console.live.tasks import TaskRunner
from console.mappage.styles import SUPERVISION_COLOURS
from console.services import supervision
from console.services.supervision import OrderView
from console.ui.queues.supervision_badge import supervision_level_names
from console.ui.queues.texts import full_time

# A case in these states is no longer worked on: an order on it would chase nobody.
_FINISHED = frozenset({"closed", "rejected", "cancelled"})


@dataclass(frozen=True)
class RaiseInput:
    level: int
    reason: str
    due_at: datetime


@dataclass(frozen=True)
class AnswerInput:
    reply: str
    promised_at: datetime


def _dt_edit(parent: QWidget, at: datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime(at), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    return edit


class RaiseDialog(QDialog):
    """Level (only those above the open order's), reason, due time."""

    def __init__(self, above: int, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Supervise"))
        self.level = QComboBox(self)
        for level, name in supervision_level_names().items():
            if level > above:
                self.level.addItem(name, level)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("What is to be done, and why it is pressed"))
        self.due = _dt_edit(self, now + timedelta(days=1))
        form = QFormLayout(self)
        form.addRow(self.tr("Level"), self.level)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Answer due"), self.due)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> RaiseInput:
        return RaiseInput(self.level.currentData(), self.reason.text(),
                          self.due.dateTime().toPython().replace(second=0, microsecond=0))


class AnswerDialog(QDialog):
    """The department's reply and the time it promises to be done by."""

    def __init__(self, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Answer the order"))
        self.reply = QLineEdit(self)
        self.reply.setPlaceholderText(self.tr("What the department is doing"))
        self.promised = _dt_edit(self, now + timedelta(days=1))
        form = QFormLayout(self)
        form.addRow(self.tr("Reply"), self.reply)
        form.addRow(self.tr("Done by"), self.promised)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> AnswerInput:
        return AnswerInput(self.reply.text(),
                           self.promised.dateTime().toPython().replace(second=0, microsecond=0))


def ask_raise(parent: QWidget, above: int, now: datetime) -> RaiseInput | None:
    dialog = RaiseDialog(above, now, parent)
    return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_answer(parent: QWidget, now: datetime) -> AnswerInput | None:
    dialog = AnswerDialog(now, parent)
    return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_close(parent: QWidget) -> bool:
    title = QCoreApplication.translate("SupervisionBox", "Close order")
    text = QCoreApplication.translate(
        "SupervisionBox", "Close this supervision order? It stops counting against the "
        "department.")
    return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes


class SupervisionBox(QWidget):
    """The orders of one case (newest first) and the 督办… / 答复… / 关闭 buttons."""

    changed = Signal(int)        # the case whose order was raised, answered or closed
    refused = Signal(str)        # a service's sentence

    def __init__(self, parent: QWidget | None = None, *,
                 now: Callable[[], datetime] = datetime.now) -> None:
        super().__init__(parent)
        self.setObjectName("supervisionBox")
        self.tasks: TaskRunner | None = None
        self.actor = None
        self._now = now
        self.case_id: int | None = None
        self.department_id: int | None = None
        self.finished = False
        self.orders: list[OrderView] = []
        # Dialogs as attributes, so a test (or another seat's flow) can answer them.
        self.ask_raise, self.ask_answer, self.ask_close = ask_raise, ask_answer, ask_close
        self.title = QLabel(self.tr("Supervision orders"), self)
        self.title.setProperty("kind", "sectionTitle")
        self.list = QLabel(self)
        self.list.setObjectName("supervisionOrders")
        self.list.setTextFormat(Qt.TextFormat.RichText)
        self.list.setWordWrap(True)
        self.list.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.raise_button = QPushButton(self.tr("Supervise…"), self)
        self.raise_button.setObjectName("supervisionRaise")
        self.raise_button.setToolTip(self.tr("Raise a supervision order on this case, or step "
                                             "its open order up"))
        self.answer_button = QPushButton(self.tr("Answer…"), self)
        self.answer_button.setObjectName("supervisionAnswer")
        self.close_button = QPushButton(self.tr("Close order"), self)
        self.close_button.setObjectName("supervisionClose")
        self.raise_button.clicked.connect(self.raise_order)
        self.answer_button.clicked.connect(self.answer_order)
        self.close_button.clicked.connect(self.close_order)
        self.refusal = QLabel(self)
        self.refusal.setObjectName("supervisionRefusal")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet(f"color:{severity_color('critical').name()}")
        self.refusal.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for b in (self.raise_button, self.answer_button, self.close_button):
            row.addWidget(b)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.refusal)
        self.show_case(None)

    def bind(self, tasks: TaskRunner, actor=None) -> None:
        self.tasks = tasks
        self.set_actor(actor)

    def set_actor(self, actor) -> None:
        self.actor = actor
        self._buttons()

    # --- contents --------------------------------------------------------------------------

    @property
    def open_order(self) -> OrderView | None:
        return next((o for o in self.orders if o.closed_at is None), None)

    def show_case(self, case_id: int | None, department_id: int | None = None,
                  status: str = "") -> None:
        """Show the orders of a case (read off the GUI thread); None: nothing selected."""
        if case_id != self.case_id:
            self.orders = []
            self._fill()
            self.refusal.hide()
        self.case_id, self.department_id = case_id, department_id
        self.finished = status in _FINISHED
        self.setVisible(case_id is not None)
        self._buttons()
        if case_id is None or self.tasks is None:
            return
        self.tasks.run(lambda s: supervision.orders_on_case(s, case_id),
                       on_done=lambda orders: self._loaded(case_id, orders),
                       on_error=self._failed, owner=self, key=(self, "orders"))

    def _loaded(self, case_id: int, orders: list[OrderView]) -> None:
        if case_id != self.case_id:
            return
        self.orders = orders
        self._fill()
        self._buttons()

    def _fill(self) -> None:
        if not self.orders:
            self.list.setText(html.escape(self.tr("No supervision order on this case.")))
            return
        names = supervision_level_names()
        rows = []
        for o in self.orders:
            colour = SUPERVISION_COLOURS.get(o.level, "#888")
            state = (self.tr("closed {time}").format(time=full_time(o.closed_at)) if o.closed_at
                     else self.tr("answered") if o.answered_at else self.tr("open"))
            issuer = o.issuer or self.tr("automatic (past deadline)")
            lines = [f"<span style='background:{colour}; color:#111'>&nbsp;<b>"
                     f"{html.escape(names.get(o.level, str(o.level)))}</b>&nbsp;</span> "
                     f"<b>{html.escape(state)}</b> · {html.escape(o.reason)}",
                     html.escape(self.tr("by {issuer}, {issued} · answer due {due}").format(
                         issuer=issuer, issued=full_time(o.issued_at),
                         due=full_time(o.due_at) if o.due_at else "—"))]
            if o.reply:
                lines.append("<i>" + html.escape(self.tr("Reply: {reply} · done by {promised}")
                                                 .format(reply=o.reply,
                                                         promised=full_time(o.promised_at)))
                             + "</i>")
            rows.append("<br>".join(lines))
        self.list.setText("<p style='margin:2px 0'>" + "</p><p style='margin:6px 0 2px 0'>"
                          .join(rows) + "</p>")

    def _buttons(self) -> None:
        role = self.actor.role if self.actor is not None else None
        open_ = self.open_order
        shown = self.case_id is not None and role is not None
        top = open_ is not None and open_.level >= supervision.TOP
        self.raise_button.setVisible(bool(shown and may(role, Permission.RAISE_SUPERVISION)
                                          and not self.finished and not top))
        self.raise_button.setText(self.tr("Step up…") if open_ else self.tr("Supervise…"))
        ours = role is not Role.DEPARTMENT or self.actor.department_id == self.department_id
        self.answer_button.setVisible(bool(shown and open_ is not None and ours
                                           and may(role, Permission.ANSWER_SUPERVISION)))
        self.close_button.setVisible(bool(shown and open_ is not None
                                          and may(role, Permission.CLOSE_SUPERVISION)))

    # --- actions ---------------------------------------------------------------------------

    def raise_order(self) -> None:
        open_ = self.open_order
        values = self.ask_raise(self, open_.level if open_ else 0, self._now())
        if values is None:
            return
        actor, case_id, at = self.actor, self.case_id, self._at()
        self._write(lambda s: supervision.raise_order(
            s, actor, case_id=case_id, level=values.level, reason=values.reason,
            due_at=values.due_at, at=at))

    def answer_order(self) -> None:
        open_ = self.open_order
        if open_ is None:
            return
        values = self.ask_answer(self, self._now())
        if values is None:
            return
        actor, at = self.actor, self._at()
        self._write(lambda s: supervision.answer(s, actor, open_.order_id, reply=values.reply,
                                                 promised_at=values.promised_at, at=at))

    def close_order(self) -> None:
        open_ = self.open_order
        if open_ is None or not self.ask_close(self):
            return
        actor, at = self.actor, self._at()
        self._write(lambda s: supervision.close(s, actor, open_.order_id, at=at))

    def _at(self) -> datetime:
        return self._now().replace(microsecond=0)

    def _write(self, fn) -> None:
        self.refusal.hide()
        case_id = self.case_id
        self.tasks.run(fn, on_done=lambda _view: self._written(case_id), on_error=self._failed,
                       owner=self)

    def _written(self, case_id: int) -> None:
        self.changed.emit(case_id)
        if case_id == self.case_id:
            self.show_case(case_id, self.department_id, "closed" if self.finished else "")

    def _failed(self, exc: BaseException) -> None:
        # Shown in the pane, not in a modal box: the leader reads it beside the orders.
        text = describe_error(exc)
        self.refusal.setText(text)
        self.refusal.show()
        self.refused.emit(text)


class DepartmentOrders(QObject):
    """督办 on a department itself (from a ranking's or a campaign's department row): reads
    the department's open order (the dialog offers only the levels above it), then raises."""

    said = Signal(str)       # what was done, or the service's sentence why not
    raised = Signal(int)     # the department an order was raised on

    def __init__(self, tasks: TaskRunner, parent: QWidget, *,
                 now: Callable[[], datetime] = datetime.now) -> None:
        super().__init__(parent)
        self.tasks, self.widget, self._now = tasks, parent, now
        self.ask_raise = ask_raise

    def supervise(self, actor, department_id: int, name: str,
                  campaign_id: int | None = None) -> None:
        self.tasks.run(lambda s: supervision.orders_on_department(s, department_id),
                       on_done=lambda orders: self._ask(actor, department_id, name, campaign_id,
                                                        orders),
                       on_error=self._failed, owner=self, key=(self, "orders"))

    def _ask(self, actor, department_id: int, name: str, campaign_id: int | None,
             orders: list[OrderView]) -> None:
        open_ = next((o for o in orders if o.closed_at is None), None)
        if open_ is not None and open_.level >= supervision.TOP:
            self.said.emit(self.tr("{name} is already under {level}.").format(
                name=name, level=supervision_level_name(open_.level)))
            return
        values = self.ask_raise(self.widget, open_.level if open_ else 0, self._now())
        if values is None:
            return
        at = self._now().replace(microsecond=0)

        def write(s):
            return supervision.raise_order(s, actor, department_id=department_id,
                                           level=values.level, reason=values.reason,
                                           due_at=values.due_at, at=at, campaign_id=campaign_id)
        self.tasks.run(write, on_done=lambda view: self._done(department_id, name, view),
                       on_error=self._failed, owner=self)

    def _done(self, department_id: int, name: str, view: OrderView) -> None:
        self.said.emit(self.tr("{level} raised on {name}, answer due {due}.").format(
            level=supervision_level_name(view.level), name=name, due=full_time(view.due_at)))
        self.raised.emit(department_id)

    def _failed(self, exc: BaseException) -> None:
        self.said.emit(describe_error(exc))
