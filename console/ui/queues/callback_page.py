"""回访: the call-back queue — closed cases from citizens to call back, oldest due first, with
the overdue ones marked; the desk records the answer, and a leader decides on a 不满意
citizen's rework. Opened from the queue dock's "Call-backs" button, which shows the overdue
count and follows the feed."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QCheckBox, QDialog, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QRadioButton, QSplitter, QToolButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from console.common.messages import describe_error, register_error_texts, source_name
from console.domain.callbacks import Outcome, Rework
from console.domain.changes import ChangeKind
from console.domain.limits import TEXT_LIMITS
from console.domain.permissions import Permission, may
from console.live.tasks import TaskRunner
from console.services import callbacks
from console.services.actor import Actor
from console.services.callbacks import CallbackQueue, CallbackRow
from console.ui.queues.texts import short_time

register_error_texts({
    "bad_callback_outcome": QT_TRANSLATE_NOOP("Errors", "“{outcome}” is not a call-back outcome."),
    "rework_needs_unsatisfied": QT_TRANSLATE_NOOP(
        "Errors", "Only a citizen who is not satisfied can have the case reopened for rework."),
    "callback_already_done": QT_TRANSLATE_NOOP(
        "Errors", "The call-back of case {number} has already been recorded."),
    "rework_not_requested": QT_TRANSLATE_NOOP(
        "Errors", "No rework was asked for case {number}, or it has already been decided."),
})

#: The call-back list follows these changes (a closure queues one; an answer takes it away).
FEED_KINDS = frozenset({ChangeKind.CALLBACK, ChangeKind.CASE})
#: Of the case changes only these add or take away a call-back: any other re-reading the list
#: would be one more statement per seat for every change in the city.
CASE_ACTIONS = frozenset({"close", "reopen"})


def concerns_callbacks(rows) -> bool:
    """Whether feed rows change the call-back list: a call-back, or a closure or reopening."""
    return any(row.entity == ChangeKind.CALLBACK
               or row.entity == ChangeKind.CASE and row.action in CASE_ACTIONS for row in rows)
RELOAD_DELAY_MS = 500
OUTCOME_NAMES = {
    Outcome.SATISFIED: QT_TRANSLATE_NOOP("Callbacks", "Satisfied"),
    Outcome.BASICALLY_SATISFIED: QT_TRANSLATE_NOOP("Callbacks", "Basically satisfied"),
    Outcome.UNSATISFIED: QT_TRANSLATE_NOOP("Callbacks", "Not satisfied"),
    Outcome.UNREACHABLE: QT_TRANSLATE_NOOP("Callbacks", "Unreachable"),
}
REWORK_NAMES = {
    Rework.REQUESTED: QT_TRANSLATE_NOOP("Callbacks", "rework asked, waiting for the leader"),
    Rework.CONSENTED: QT_TRANSLATE_NOOP("Callbacks", "reopened for rework"),
    Rework.DECLINED: QT_TRANSLATE_NOOP("Callbacks", "rework declined"),
}
_OVERDUE = QColor("#e5484d")


def outcome_name(outcome: str) -> str:
    return QCoreApplication.translate("Callbacks", OUTCOME_NAMES[Outcome(outcome)])


def rework_name(rework: str) -> str:
    return QCoreApplication.translate("Callbacks", REWORK_NAMES[Rework(rework)])


class CallbackPage(QWidget):
    """The list and the answer form. `open_requested(case_id)` shows a case in the queues."""

    open_requested = Signal(int)
    message = Signal(str)
    queue_shown = Signal(object)    # CallbackQueue

    def __init__(self, tasks: TaskRunner, actor: Callable[[], Actor | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callbackPage")
        self._tasks, self._actor = tasks, actor
        self.queue: CallbackQueue | None = None
        self._busy = False
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("callbackSummary")
        self.banner = QLabel(self)
        self.banner.setObjectName("callbackError")
        self.banner.setProperty("kind", "errorBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.summary)
        layout.addWidget(self.banner)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        layout.addWidget(split, 1)
        self.table = QTreeWidget(split)
        self.table.setObjectName("callbackTable")
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setHeaderLabels([self.tr("Case"), self.tr("Due"), self.tr("Category"),
                                    self.tr("Street"), self.tr("Department"), self.tr("Caller"),
                                    self.tr("Phone"), self.tr("Answer")])
        self.table.currentItemChanged.connect(lambda *_: self._selected())
        self.table.itemActivated.connect(lambda *_: self._open())
        split.addWidget(self.table)
        form = self._build_form(split)
        form.setMaximumWidth(360)
        split.addWidget(form)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        self._selected()

    def _build_form(self, parent: QWidget) -> QWidget:
        side = QWidget(parent)
        box = QVBoxLayout(side)
        self.case_label = QLabel(side)
        self.case_label.setWordWrap(True)
        self.open_case = QPushButton(self.tr("Open case"), side)
        self.open_case.setObjectName("callbackOpenCase")
        self.open_case.clicked.connect(self._open)
        box.addWidget(self.case_label)
        box.addWidget(self.open_case, 0, Qt.AlignmentFlag.AlignLeft)
        self.answer_box = QGroupBox(self.tr("The citizen's answer"), side)
        answer = QVBoxLayout(self.answer_box)
        self.outcomes = QButtonGroup(self)
        for outcome in Outcome:
            button = QRadioButton(outcome_name(outcome), self.answer_box)
            button.setObjectName(f"outcome_{outcome.value}")
            button.setProperty("outcome", outcome.value)
            self.outcomes.addButton(button)
            answer.addWidget(button)
        self.outcomes.buttonToggled.connect(lambda *_: self._update_buttons())
        self.note = QPlainTextEdit(self.answer_box)
        self.note.setObjectName("callbackNote")
        self.note.setPlaceholderText(self.tr("What the citizen said"))
        self.note.setFixedHeight(70)
        self.ask_rework = QCheckBox(self.tr("Ask the duty leader to reopen it for rework"),
                                    self.answer_box)
        self.ask_rework.setObjectName("askRework")
        self.record = QPushButton(self.tr("Record answer"), self.answer_box)
        self.record.setObjectName("recordCallback")
        self.record.clicked.connect(self._record)
        answer.addWidget(self.note)
        answer.addWidget(self.ask_rework)
        answer.addWidget(self.record, 0, Qt.AlignmentFlag.AlignRight)
        box.addWidget(self.answer_box)
        self.decide_box = QGroupBox(self.tr("Rework: the leader's decision"), side)
        decide = QVBoxLayout(self.decide_box)
        self.reason = QLineEdit(self.decide_box)
        self.reason.setObjectName("reworkReason")
        self.reason.setMaxLength(TEXT_LIMITS["reason"].max_length)
        self.reason.setPlaceholderText(self.tr("Reason (recorded on the case)"))
        row = QHBoxLayout()
        self.consent = QPushButton(self.tr("Consent and reopen"), self.decide_box)
        self.consent.setObjectName("consentRework")
        self.consent.clicked.connect(lambda: self._decide(True))
        self.decline = QPushButton(self.tr("Decline"), self.decide_box)
        self.decline.setObjectName("declineRework")
        self.decline.clicked.connect(lambda: self._decide(False))
        row.addStretch(1)
        row.addWidget(self.consent)
        row.addWidget(self.decline)
        decide.addWidget(self.reason)
        decide.addLayout(row)
        box.addWidget(self.decide_box)
        box.addStretch(1)
        return side

    # --- reading -------------------------------------------------------------------------------

    def reload(self) -> None:
        actor = self._actor()
        now = datetime.now().replace(microsecond=0)
        self._tasks.run(lambda s: callbacks.callback_queue(s, actor, now), on_done=self.show_queue,
                        on_error=self._failed, owner=self, key=(id(self), "callbacks"))

    def show_queue(self, queue: CallbackQueue) -> None:
        kept = self.current().id if self.current() is not None else None
        self.queue = queue
        self.table.clear()
        to_call = sum(1 for r in queue.rows if r.done_at is None)
        self.summary.setText(self.tr(
            "{n} to call back, {overdue} overdue; {waiting} waiting for the leader's decision")
            .format(n=to_call, overdue=queue.overdue, waiting=queue.awaiting_consent))
        for r in queue.rows:
            item = QTreeWidgetItem([r.number, short_time(r.due_at), r.category, r.street,
                                    r.department, r.reporter_name or source_name(r.source),
                                    r.reporter_phone, self._state_text(r)])
            item.setData(0, Qt.ItemDataRole.UserRole, r)
            if r.overdue:
                for column in range(item.columnCount()):
                    item.setForeground(column, QBrush(_OVERDUE))
                item.setToolTip(1, self.tr("Overdue: the citizen should have been called by now"))
            self.table.addTopLevelItem(item)
            if r.id == kept:
                self.table.setCurrentItem(item)
        if self.table.currentItem() is None and self.table.topLevelItemCount():
            self.table.setCurrentItem(self.table.topLevelItem(0))
        for column in range(7):     # a shift's call-backs: a few hundred rows at most
            self.table.resizeColumnToContents(column)
        self._selected()
        self.queue_shown.emit(queue)

    def _state_text(self, r: CallbackRow) -> str:
        if r.outcome is None:
            return self.tr("to call")
        text = outcome_name(r.outcome)
        if r.rework:
            text = f"{text} · {rework_name(r.rework)}"
        return text

    def current(self) -> CallbackRow | None:
        item = self.table.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def _selected(self) -> None:
        r = self.current()
        self.banner.hide()
        if r is None:
            self.case_label.setText(self.tr("No call-back selected."))
        else:
            self.case_label.setText(self.tr(
                "Case {number} · {category} · {address}\nClosed {closed}, call back by {due}")
                .format(number=r.number, category=r.category, address=r.address or "—",
                        closed=short_time(r.closed_at), due=short_time(r.due_at))
                + (f"\n{r.note}" if r.note else ""))
        self._update_buttons()

    def _update_buttons(self) -> None:
        r, actor = self.current(), self._actor()
        role = actor.role if actor is not None else None
        checked = self.outcomes.checkedButton()
        unsatisfied = checked is not None and checked.property("outcome") == Outcome.UNSATISFIED
        may_answer = role is not None and may(role, Permission.CALL_BACK)
        may_decide = role is not None and may(role, Permission.REOPEN)
        self.open_case.setEnabled(r is not None)
        self.answer_box.setVisible(may_answer)
        self.answer_box.setEnabled(r is not None and r.done_at is None and not self._busy)
        self.ask_rework.setEnabled(unsatisfied)
        if not unsatisfied:
            self.ask_rework.setChecked(False)
        self.record.setEnabled(checked is not None)
        self.decide_box.setVisible(may_decide)
        self.decide_box.setEnabled(r is not None and r.rework == Rework.REQUESTED
                                   and not self._busy)

    # --- acting --------------------------------------------------------------------------------

    def _record(self) -> None:
        r, actor, checked = self.current(), self._actor(), self.outcomes.checkedButton()
        if r is None or actor is None or checked is None or self._busy:
            return
        outcome, note = checked.property("outcome"), self.note.toPlainText().strip()
        rework = self.ask_rework.isChecked()
        self._run(lambda s: callbacks.record_outcome(s, actor, r.id, r.version, outcome=outcome,
                                                     note=note, request_rework=rework),
                  self.tr("Call-back of case {number} recorded.").format(number=r.number))

    def _decide(self, consent: bool) -> None:
        r, actor = self.current(), self._actor()
        if r is None or actor is None or self._busy:
            return
        reason = self.reason.text().strip()
        done = (self.tr("Case {number} reopened for rework.") if consent
                else self.tr("Rework of case {number} declined.")).format(number=r.number)
        self._run(lambda s: callbacks.decide_rework(s, actor, r.id, r.version, consent=consent,
                                                    reason=reason), done)

    def _run(self, fn, done_text: str) -> None:
        self._busy = True
        self._update_buttons()
        self._tasks.run(fn, on_done=lambda _r: self._done(done_text), on_error=self._failed,
                        owner=self)

    def _done(self, text: str) -> None:
        self._busy = False
        self.note.clear()
        self.reason.clear()
        checked = self.outcomes.checkedButton()
        if checked is not None:
            self.outcomes.setExclusive(False)
            checked.setChecked(False)
            self.outcomes.setExclusive(True)
        self.message.emit(text)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.banner.setText(describe_error(exc))
        self.banner.show()
        self._update_buttons()

    def _open(self) -> None:
        r = self.current()
        if r is not None:
            self.open_requested.emit(r.case_id)


class CallbackDialog(QDialog):
    """The page in a window of its own (non-modal: the queues stay usable beside it)."""

    def __init__(self, page: CallbackPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callbackDialog")
        self.setWindowTitle(self.tr("Call-backs (回访)"))
        self.resize(1100, 520)
        layout = QVBoxLayout(self)
        layout.addWidget(page)
        self.page = page


class CallbackButton(QToolButton):
    """The queue dock's entry to the call-backs: shows how many are overdue, opens the window."""

    open_requested = Signal(int)

    def __init__(self, tasks: TaskRunner, actor: Callable[[], Actor | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callbackButton")
        self._tasks, self._actor = tasks, actor
        self.page = CallbackPage(tasks, actor)
        self.page.open_requested.connect(self.open_requested)
        self.page.queue_shown.connect(self._show_count)
        self.dialog: CallbackDialog | None = None
        self._timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.clicked.connect(self.open_dialog)
        self._show_count(None)
        self.minute = QTimer(self, interval=60_000)    # time alone makes a call-back overdue
        self.minute.timeout.connect(self.refresh)

    def refresh(self) -> None:
        """Read the call-backs again (a signed-in user is needed: the numbers are masked by
        who looks); from then on once a minute too."""
        if self._actor() is None:
            return
        self.minute.start()
        self.page.reload()

    def _show_count(self, queue: CallbackQueue | None) -> None:
        overdue = queue.overdue if queue is not None else 0
        self.setText(self.tr("Call-backs ({n} overdue)").format(n=overdue) if overdue
                     else self.tr("Call-backs"))
        self.setProperty("severity", "critical" if overdue else "")
        self.style().unpolish(self)
        self.style().polish(self)
        self.setToolTip(self.tr("Closed cases from citizens to call back (回访)"))

    def schedule(self) -> None:
        """Read again shortly (changes come in bursts: one read for them all)."""
        if not self._timer.isActive():
            self._timer.start()

    def open_dialog(self) -> CallbackDialog:
        if self.dialog is None:
            self.dialog = CallbackDialog(self.page, self.window())
        self.refresh()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
