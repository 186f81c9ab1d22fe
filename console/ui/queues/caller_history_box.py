"""The hotline form's caller history: as the receiver types the number, the earlier calls and
cases of that number (read off the GUI thread, debounced); a case can be opened, or the call
linked to it instead of filed again."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from console.common.messages import status_name
from console.live.tasks import TaskRunner
from console.services import caller_history
from console.services.actor import Actor
from console.services.caller_history import CallerCase, CallerHistory
from console.ui.queues.texts import short_time

#: Typing pauses this long before the number is looked up (a lookup per key is wasted work).
HISTORY_DELAY_MS = 350


class CallerHistoryBox(QWidget):
    """`open_requested(case_id)`; `link_requested(case)` for an open case of the caller's."""

    open_requested = Signal(int)
    link_requested = Signal(object)     # CallerCase

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callerHistory")
        self._tasks, self._actor = tasks, actor
        self._phone = ""
        self.history: CallerHistory | None = None
        self._timer = QTimer(self, singleShot=True, interval=HISTORY_DELAY_MS)
        self._timer.timeout.connect(self._look_up)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self)
        self.title.setObjectName("callerHistoryTitle")
        self.title.setProperty("kind", "warningText")
        self.title.setWordWrap(True)
        self.cases = QTreeWidget(self)
        self.cases.setObjectName("callerCases")
        self.cases.setHeaderLabels([self.tr("Case"), self.tr("Status"), self.tr("Category"),
                                    self.tr("Reported"), self.tr("Calls"), self.tr("Description")])
        self.cases.setRootIsDecorated(False)
        self.cases.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cases.setMaximumHeight(120)
        self.cases.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.cases.itemActivated.connect(lambda *_: self._open())
        self.open_case = QPushButton(self.tr("Open case"), self)
        self.open_case.setObjectName("openCallerCase")
        self.open_case.clicked.connect(self._open)
        self.link = QPushButton(self.tr("Link this call to the case"), self)
        self.link.setObjectName("linkCall")
        self.link.setToolTip(self.tr("Record the call on the selected open case (a repeat call) "
                                     "instead of filing a new one"))
        self.link.clicked.connect(self._link)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_case)
        buttons.addWidget(self.link)
        box.addWidget(self.title)
        box.addWidget(self.cases)
        box.addLayout(buttons)
        self.hide()

    def set_actor(self, actor: Actor) -> None:
        self._actor = actor

    def phone_changed(self, text: str) -> None:
        """The number as typed so far: looked up once typing pauses."""
        self._phone = text.strip()
        if sum(ch.isdigit() for ch in self._phone) < caller_history.MIN_DIGITS:
            self._timer.stop()
            self._show(None)
            return
        self._timer.start()

    def _look_up(self) -> None:
        phone, actor = self._phone, self._actor
        self._tasks.run(lambda s: caller_history.caller_history(s, actor, phone),
                        on_done=self._show, on_error=lambda _exc: self._show(None),
                        owner=self, key=(id(self), "caller_history"))

    def _show(self, history: CallerHistory | None) -> None:
        self.history = history if history is not None and history.known else None
        self.cases.clear()
        if self.history is None:
            self.hide()
            return
        h = self.history
        self.title.setText(self.tr(
            "This number called {calls} time(s) before, last on {last}; {open} case(s) still open")
            .format(calls=h.calls, last=short_time(h.last_call) if h.last_call else "—",
                    open=h.open_cases))
        for c in h.cases:
            item = QTreeWidgetItem([c.number, status_name(c.status), c.category,
                                    short_time(c.reported_at), str(1 + c.repeat_calls),
                                    c.description or c.address])
            item.setData(0, Qt.ItemDataRole.UserRole, c)
            if not c.open:
                item.setForeground(0, self.palette().placeholderText())
            self.cases.addTopLevelItem(item)
        first_open = next((i for i in range(self.cases.topLevelItemCount())
                           if self._case(self.cases.topLevelItem(i)).open), 0)
        self.cases.setCurrentItem(self.cases.topLevelItem(first_open))
        for column in range(5):      # at most a few rows
            self.cases.resizeColumnToContents(column)
        self.show()
        self._update_buttons()

    @staticmethod
    def _case(item: QTreeWidgetItem | None) -> CallerCase | None:
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def current(self) -> CallerCase | None:
        return self._case(self.cases.currentItem())

    def _update_buttons(self) -> None:
        c = self.current()
        self.open_case.setEnabled(c is not None)
        self.link.setEnabled(c is not None and c.open)

    def set_enabled_actions(self, enabled: bool) -> None:
        """Off while the form saves."""
        self.link.setEnabled(enabled and (self.current() or _CLOSED).open)

    def _open(self) -> None:
        c = self.current()
        if c is not None:
            self.open_requested.emit(c.id)

    def _link(self) -> None:
        c = self.current()
        if c is not None and c.open:
            self.link_requested.emit(c)


class _Closed:
    open = False


_CLOSED = _Closed()
