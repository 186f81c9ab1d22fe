"""门前三包 on a case: the street-front units whose stretch lies near a frontage case, nearest
first, for the dispatcher to confirm — in the detail pane (a button per unit; the confirmed one
named) and in the new-case form (a choice saved with the case). Hidden when there is nothing to
suggest. Reads and writes are tasks (console/services/frontage.py)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QWidget,
)

from console.common.messages import describe_error
from console.domain.frontage import Suggestion
from console.domain.permissions import Permission, may
from console.live.tasks import TaskRunner
from console.services import frontage
from console.services.actor import Actor
from console.services.cases import now


class FrontagePanel(QGroupBox):
    """`show_case(id)` for the detail pane, `look(category, lon, lat)` for the new-case form."""

    shown = Signal()
    confirmed = Signal(int)          # the case whose unit was just confirmed

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Street-front unit (门前三包)"), parent)
        self.setObjectName("frontagePanel")
        self.tasks, self.actor = tasks, actor
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(6, 4, 6, 4)
        self.grid.setColumnStretch(0, 1)
        self.group = QButtonGroup(self)
        self._case: frontage.CaseFrontage | None = None
        self.hide()

    # --- the detail pane ---------------------------------------------------------------------

    def show_case(self, case_id: int | None) -> None:
        if case_id is None:
            self._case = None
            self.hide()
            return
        self.tasks.run(lambda s: frontage.case_frontage(s, case_id), on_done=self._show_case,
                       owner=self, key=(id(self), "case"))

    def _show_case(self, c: frontage.CaseFrontage) -> None:
        self._case = c
        self._clear()
        row = 0
        if c.confirmed is not None:
            _, code, name = c.confirmed
            label = QLabel(self.tr("Confirmed: {code} {name}").format(code=code, name=name))
            label.setObjectName("frontageConfirmed")
            self.grid.addWidget(label, row, 0, 1, 2)
            row += 1
        allowed = self.actor is not None and may(self.actor.role, Permission.RECORD_FRONTAGE)
        for s in c.suggestions:
            self.grid.addWidget(QLabel(self._line(s)), row, 0)
            if allowed and (c.confirmed is None or c.confirmed[0] != s.unit_id):
                button = QPushButton(self.tr("Confirm"), self)
                button.setObjectName(f"frontageConfirm:{s.unit_id}")
                button.clicked.connect(lambda _=False, u=s.unit_id: self.confirm(u))
                self.grid.addWidget(button, row, 1)
            row += 1
        self.setVisible(bool(row))
        self.shown.emit()

    def confirm(self, unit_id: int) -> None:
        c, actor = self._case, self.actor
        if c is None:
            return
        self.tasks.run(lambda s: frontage.confirm_responsible(s, actor, c.case_id, c.version,
                                                              unit_id, now()),
                       on_done=lambda change: self.confirmed.emit(change.case_id),
                       on_error=self._error, owner=self)

    # --- the new-case form -------------------------------------------------------------------

    def look(self, category_code: str | None, lon: float | None, lat: float | None) -> None:
        if not category_code or lon is None:
            self._show_choices([])
            return
        self.tasks.run(lambda s: frontage.suggestions(s, category_code, lon, lat),
                       on_done=self._show_choices, owner=self, key=(id(self), "look"))

    def _show_choices(self, found: list[Suggestion]) -> None:
        self._clear()
        if found:
            none = QRadioButton(self.tr("None of them"), self)
            none.setChecked(True)
            self.group.addButton(none, 0)
            for row, s in enumerate(found):
                choice = QRadioButton(self._line(s), self)
                choice.setObjectName(f"frontageChoice:{s.unit_id}")
                self.group.addButton(choice, s.unit_id)
                self.grid.addWidget(choice, row, 0)
            self.grid.addWidget(none, len(found), 0)
        self.setVisible(bool(found))
        self.shown.emit()

    def chosen(self) -> int | None:
        """The unit the dispatcher confirmed in the form, if any."""
        unit = self.group.checkedId()
        return unit if unit > 0 and self.isVisible() else None

    # --- both --------------------------------------------------------------------------------

    def _line(self, s: Suggestion) -> str:
        return self.tr("{code} {name} · {metres} m").format(code=s.code, name=s.name,
                                                             metres=f"{s.distance_m:.1f}")

    def _clear(self) -> None:
        for button in self.group.buttons():
            self.group.removeButton(button)
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    def _error(self, exc: BaseException) -> None:
        label = QLabel(describe_error(exc))
        label.setProperty("kind", "fieldError")
        label.setWordWrap(True)
        self.grid.addWidget(label, self.grid.rowCount(), 0, 1, 2)
