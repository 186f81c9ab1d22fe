"""Joint cases in the queue feature: each department's part in the detail pane, and the
dispatch dialog's assisting departments with the precedents of earlier rulings nearby.
Also the words of joint enforcement: refusals, the part actions' names on the timeline."""
from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.common.messages import (
    ACTION_NAMES,
    action_name,
    describe_error,
    register_error_texts,
)
from console.common.theme import severity_color
from console.domain.joint import PartAction
from console.domain.roles import Role
from console.live.tasks import TaskRunner
from console.services import joint_cases
from console.services.actor import Actor
from console.services.disputes import Ruling
from console.services.joint_cases import PartView
from console.ui.queues.joint_actions import PartActionDialog
from console.ui.queues.texts import full_time

register_error_texts({
    "joint_case_parts": QT_TRANSLATE_NOOP(
        "Errors", "Case {number} is a joint case: each department acts on its own part."),
    "not_your_part": QT_TRANSLATE_NOOP(
        "Errors", "That part of case {number} belongs to another department; act on your own."),
    "part_action_not_allowed": QT_TRANSLATE_NOOP(
        "Errors", "“{action}” is not possible on a part that is {state}."),
    "reply_required": QT_TRANSLATE_NOOP("Errors", "Write the department's reply."),
    "department_named_twice": QT_TRANSLATE_NOOP(
        "Errors", "A department is named twice: the lead cannot also assist, nor assist twice."),
    "ruled_owner_cannot_return": QT_TRANSLATE_NOOP(
        "Errors", "The duty leader ruled that this department owns the case; it cannot be "
                  "returned as not its own again."),
    "dispute_ruled_owner": QT_TRANSLATE_NOOP(
        "Errors", "Case {number} was ruled to belong to {department}; dispatch it there."),
    "not_a_dispute": QT_TRANSLATE_NOOP(
        "Errors", "Case {number} is not a dispute (not returned often enough, or finished)."),
    "dispute_already_ruled": QT_TRANSLATE_NOOP(
        "Errors", "Case {number} has been ruled on already; a ruling stands."),
})
ACTION_NAMES.update({
    "part_accept": QT_TRANSLATE_NOOP("Actions", "Part taken up"),
    "part_reply": QT_TRANSLATE_NOOP("Actions", "Part replied"),
    "part_return": QT_TRANSLATE_NOOP("Actions", "Part returned as not ours"),
    "part_request_extension": QT_TRANSLATE_NOOP("Actions", "Part extension requested"),
    "part_approve_extension": QT_TRANSLATE_NOOP("Actions", "Part extension approved"),
    "part_deny_extension": QT_TRANSLATE_NOOP("Actions", "Part extension denied"),
    "part_rework": QT_TRANSLATE_NOOP("Actions", "Part sent back for rework"),
    "dispute_rule": QT_TRANSLATE_NOOP("Actions", "Dispute ruled"),
    "dispute.rule": QT_TRANSLATE_NOOP("Actions", "Rule on disputes"),
})
ROLE_TEXTS = {"lead": QT_TRANSLATE_NOOP("JointParts", "Lead"),
              "assist": QT_TRANSLATE_NOOP("JointParts", "Assisting")}
STATE_TEXTS = {
    "dispatched": QT_TRANSLATE_NOOP("JointParts", "Dispatched"),
    "handling": QT_TRANSLATE_NOOP("JointParts", "Handling"),
    "handled": QT_TRANSLATE_NOOP("JointParts", "Handled"),
    "replied": QT_TRANSLATE_NOOP("JointParts", "Replied"),
    "returned": QT_TRANSLATE_NOOP("JointParts", "Returned: not ours"),
    "withdrawn": QT_TRANSLATE_NOOP("JointParts", "Withdrawn"),
}
BUTTON_TEXTS = {
    PartAction.ACCEPT: QT_TRANSLATE_NOOP("JointParts", "Take up"),
    PartAction.REPLY: QT_TRANSLATE_NOOP("JointParts", "Reply"),
    PartAction.RETURN: QT_TRANSLATE_NOOP("JointParts", "Return: not ours"),
    PartAction.REQUEST_EXTENSION: QT_TRANSLATE_NOOP("JointParts", "Request extension"),
    PartAction.APPROVE_EXTENSION: QT_TRANSLATE_NOOP("JointParts", "Approve extension"),
    PartAction.DENY_EXTENSION: QT_TRANSLATE_NOOP("JointParts", "Deny extension"),
    PartAction.REWORK: QT_TRANSLATE_NOOP("JointParts", "Send back for rework"),
}
PER_ROW = 3
DONE_STATES = {"handled", "replied"}
GONE_STATES = {"returned", "withdrawn"}


class JointParts(QWidget):
    """Every department's part of a joint case: role, state, deadline, reply, and the part
    actions the signed-in user may take. Hidden for a single-department case."""

    changed = Signal(int)   # a case whose part was just acted on

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jointParts")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        self.title = QLabel(self.tr("Departments (joint case)"), self)
        self.title.setProperty("kind", "sectionTitle")
        self.table = QLabel(self)
        self.table.setObjectName("jointPartsTable")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setWordWrap(True)
        self.table.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QGridLayout()   # rows of a few: the pane may be a narrow dock
        self.buttons.setSpacing(4)
        self.error = QLabel(self)
        self.error.setObjectName("jointPartsError")
        self.error.setProperty("kind", "errorBanner")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        layout.addLayout(self.buttons)
        layout.addWidget(self.error)
        self.parts: list[PartView] = []
        self.case_id: int | None = None
        self.case_status = ""
        self.in_force = False      # the parts belong to the case's current dispatch
        self.part_buttons: list[QPushButton] = []    # the part actions offered now
        self.tasks: TaskRunner | None = None
        self.actor_of: Callable[[], Actor | None] = lambda: None
        self.hide()

    def bind(self, tasks: TaskRunner, actor_of: Callable[[], Actor | None]) -> None:
        """Let the signed-in user act on the parts it may (else the section only shows)."""
        self.tasks, self.actor_of = tasks, actor_of

    def show_parts(self, parts: Iterable[PartView], case_id: int | None = None, *,
                   case_status: str = "", case_department: int | None = None) -> None:
        """The parts of case `case_id`, in `case_status` with `case_department` as its department
        (what decides whether the parts still act: a dispatch since then leaves them behind)."""
        self.parts, self.case_id, self.case_status = list(parts), case_id, case_status
        self.in_force = joint_cases.in_force(self.parts, case_department)
        self.setVisible(bool(self.parts))
        self.error.hide()
        self.refresh_buttons()
        if not self.parts:
            self.table.clear()
            return
        muted = severity_color("muted").name()
        done = severity_color("ok").name()
        red = severity_color("critical").name()
        rows = []
        for p in self.parts:
            state = self.tr(STATE_TEXTS.get(p.state, p.state))
            colour = done if p.state in DONE_STATES else muted if p.state in GONE_STATES else ""
            state_html = (f"<span style='color:{colour}'><b>{html.escape(state)}</b></span>"
                          if colour else f"<b>{html.escape(state)}</b>")
            extra = []
            if p.requested_deadline is not None:
                extra.append(self.tr("extension to {deadline} asked").format(
                    deadline=full_time(p.requested_deadline)))
            counts = [(self.tr("returns"), p.returns), (self.tr("rework"), p.rework_count),
                      (self.tr("extensions"), p.extension_count)]
            extra += [f"{name} {n}" for name, n in counts if n]
            reply = ""
            if p.reply:
                reply = (f"<br><i>{html.escape(p.reply)}</i> "
                         f"<span style='color:{muted}'>{full_time(p.replied_at)}</span>")
            deadline = self.tr("deadline {deadline}").format(
                deadline=full_time(p.deadline) if p.deadline else "—")
            lead = p.role == "lead"
            role = self.tr(ROLE_TEXTS.get(p.role, p.role))
            rows.append(
                f"<tr><td style='padding:2px 8px 2px 0; white-space:nowrap'>"
                f"{'<b>' if lead else ''}{html.escape(p.department_name)}"
                f"{'</b>' if lead else ''}<br><span style='color:{muted}'>"
                f"{html.escape(role)}</span></td>"
                f"<td style='padding:2px 8px 2px 0'>{state_html}<br>"
                f"<span style='color:{red if p.requested_deadline else muted}'>"
                f"{html.escape(deadline)}"
                f"</span>{html.escape(' · ' + ' · '.join(extra)) if extra else ''}{reply}"
                f"</td></tr>")
        self.table.setText("<table cellspacing='0'>" + "".join(rows) + "</table>")


    def refresh_buttons(self) -> None:
        """The part actions the signed-in user may take now (another may have signed in)."""
        while self.buttons.count():
            item = self.buttons.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        actor = self.actor_of()
        self.part_buttons = []
        if self.tasks is None or self.case_id is None:
            return
        own = actor is not None and actor.role is Role.DEPARTMENT
        buttons = []
        for p in self.parts:
            for action in joint_cases.offered(p, actor, case_status=self.case_status,
                                              joint_in_force=self.in_force):
                text = self.tr(BUTTON_TEXTS[action])
                button = QPushButton(text if own else f"{p.department_name}：{text}", self)
                button.setObjectName(f"part:{p.department_id}:{action.value}")
                button.clicked.connect(lambda _=False, p=p, a=action: self.act(p, a))
                buttons.append(button)
        for i, button in enumerate(buttons):
            self.buttons.addWidget(button, i // PER_ROW, i % PER_ROW)
        self.part_buttons = buttons

    def act(self, part: PartView, action: PartAction, params: dict | None = None) -> None:
        """Take `action` on `part`, asking what it needs first (`params` given: no dialog)."""
        actor, case_id = self.actor_of(), self.case_id
        if actor is None or case_id is None or self.tasks is None:
            return
        if params is None:
            dialog = PartActionDialog(action, f"{part.department_name}：{action_name(action.value)}",
                                      part, self)
            if not dialog.needs_nothing() and dialog.exec() != QDialog.DialogCode.Accepted:
                return
            params = dialog.values()
        version = part.version
        self.tasks.run(lambda s: joint_cases.act_part(s, actor, case_id, part.department_id,
                                                      version, action, **params),
                       on_done=lambda change: self.changed.emit(change.case_id),
                       on_error=self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(describe_error(exc))
        self.error.show()


class JointDispatchBox(QWidget):
    """The dispatch dialog's part of joint enforcement: assisting departments to tick, and the
    rulings on earlier disputes of this category nearby (read off the GUI thread)."""

    def __init__(self, departments: Iterable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jointDispatch")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.assisting = QListWidget(self)
        self.assisting.setObjectName("assistingDepartments")
        self.assisting.setMaximumHeight(110)
        self.assisting.setToolTip(self.tr("Tick the departments that assist (协办); the one "
                                          "chosen above leads (主办)."))
        for d in departments:
            item = QListWidgetItem(d.name, self.assisting)
            item.setData(Qt.ItemDataRole.UserRole, d.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.precedents = QLabel(self)
        self.precedents.setObjectName("disputePrecedents")
        self.precedents.setWordWrap(True)
        self.precedents.setTextFormat(Qt.TextFormat.RichText)
        self.precedents.hide()
        layout.addWidget(self.assisting)
        layout.addWidget(self.precedents)

    def set_lead(self, department_id: int | None) -> None:
        """The lead cannot assist too: its line is hidden (and unticked)."""
        for i in range(self.assisting.count()):
            item = self.assisting.item(i)
            lead = item.data(Qt.ItemDataRole.UserRole) == department_id
            if lead:
                item.setCheckState(Qt.CheckState.Unchecked)
            item.setHidden(lead)

    def chosen(self) -> list[int]:
        """The ticked assisting departments' ids."""
        out = []
        for i in range(self.assisting.count()):
            item = self.assisting.item(i)
            if item.checkState() == Qt.CheckState.Checked and not item.isHidden():
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def set_precedents(self, rulings: list[Ruling]) -> None:
        """Earlier rulings for this category near this place: what the leader decided."""
        self.precedents.setVisible(bool(rulings))
        if not rulings:
            return
        lines = [html.escape(self.tr("Precedent: case {number} ({distance} m away) was ruled to "
                                     "{department} on {date}: {reason}").format(
            number=r.number, distance=f"{r.distance_m:.0f}", department=r.department_name,
            date=f"{r.ruled_at:%Y-%m-%d}", reason=r.reason)) for r in rulings[:3]]
        colour = severity_color("warning").name()
        self.precedents.setText(f"<span style='color:{colour}'>" + "<br>".join(lines) + "</span>")
