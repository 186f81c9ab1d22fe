"""执法调处: the duty leader's page of responsibility disputes — the cases departments keep
returning as not theirs, a ruling with its reason, the rulings made, and the joint meeting's
agenda (联席会议) exported as a workbook. Reads, rulings and the export run on workers through
console/services/disputes.py, which checks the one acting as stored now.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.common.messages import describe_error, status_name
from console.domain.permissions import Permission, may
from console.live.tasks import TaskRunner
from console.services import disputes
from console.services.actor import Actor
from console.services.cases import now
from console.ui.list_dialog_parts import (ActorOf, bottom_row, install_dialog_action, item,
                                          table)


def _item(text: str, data: object = None) -> QTableWidgetItem:
    return item(text, data, tooltip=True)   # one line a row: a long reason is read in full here


def may_rule(actor: Actor | None) -> bool:
    return actor is not None and may(actor.role, Permission.RULE_DISPUTE)


def _table(parent: QWidget, name: str, headers: list[str]) -> QTableWidget:
    out = table(parent, name, headers)
    out.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    out.setWordWrap(True)
    return out


class DisputesDialog(QDialog):
    """Modeless; reloads on open, on 刷新 and after every ruling."""

    loaded = Signal(int, int)       # open disputes, rulings shown (tests wait on it)
    ruled = Signal(int)             # a case id just ruled on
    exported = Signal(str)          # the agenda's file

    def __init__(self, tasks: TaskRunner, actor_of: ActorOf,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("disputesDialog")
        self.setWindowTitle(self.tr("Responsibility disputes (执法调处)"))
        self.tasks, self.actor_of = tasks, actor_of
        self.agenda = disputes.Agenda([], [])

        self.note = QLabel(self)
        self.note.setObjectName("disputesNote")
        self.note.setWordWrap(True)
        self.note.setMinimumHeight(self.note.fontMetrics().lineSpacing() * 3)
        open_title = QLabel(self.tr("Open disputes"), self)
        open_title.setProperty("kind", "sectionTitle")
        self.open_table = _table(self, "openDisputes", [
            self.tr("Case"), self.tr("Category"), self.tr("Place"), self.tr("Status"),
            self.tr("Returns"), self.tr("Returned by")])
        self.open_table.itemSelectionChanged.connect(self._selection_changed)

        self.owner = QComboBox(self)
        self.owner.setObjectName("rulingDepartment")
        self.reason = QLineEdit(self)
        self.reason.setObjectName("rulingReason")
        self.reason.setPlaceholderText(self.tr("Why this department owns it (recorded, shown "
                                               "as a precedent)"))
        self.rule_button = QPushButton(self.tr("&Rule"), self)
        self.rule_button.setObjectName("ruleDispute")
        self.rule_button.clicked.connect(self.rule)
        form = QFormLayout()
        form.addRow(self.tr("Owner"), self.owner)
        form.addRow(self.tr("Reason"), self.reason)
        rule_row = QHBoxLayout()
        rule_row.addLayout(form, 1)
        rule_row.addWidget(self.rule_button, 0, Qt.AlignmentFlag.AlignBottom)

        ruled_title = QLabel(self.tr("Rulings"), self)
        ruled_title.setProperty("kind", "sectionTitle")
        self.ruled_table = _table(self, "disputeRulings", [
            self.tr("Case"), self.tr("Category"), self.tr("Owner"), self.tr("Reason"),
            self.tr("Ruled by"), self.tr("Ruled at")])

        refresh = QPushButton(self.tr("R&efresh"), self)
        refresh.clicked.connect(self.reload)
        self.export_button = QPushButton(self.tr("&Export meeting agenda…"), self)
        self.export_button.setObjectName("exportAgenda")
        self.export_button.setToolTip(self.tr("The joint meeting's agenda (联席会议): open "
                                              "disputes and rulings, as an Excel workbook"))
        self.export_button.clicked.connect(lambda: self.export())
        bottom = bottom_row(self, self.export_button, refresh)

        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(open_title)
        layout.addWidget(self.open_table, 2)
        layout.addLayout(rule_row)
        layout.addWidget(ruled_title)
        layout.addWidget(self.ruled_table, 2)
        layout.addLayout(bottom)
        self.resize(980, 620)
        self._selection_changed()

    # --- reading --------------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        viewer = self.actor_of()

        def read(s):
            return disputes.agenda(s, viewer), disputes.departments(s), disputes.threshold(s)
        self.tasks.run(read, on_done=self._show, on_error=self._failed, owner=self,
                       key=(id(self), "disputes"))

    def _failed(self, exc: BaseException) -> None:
        self.note.setText(describe_error(exc))

    def _show(self, result) -> None:
        agenda, departments, threshold = result
        self.agenda = agenda
        chosen = self.owner.currentData()
        self.owner.clear()
        for department_id, name in departments:
            self.owner.addItem(name, department_id)
        if chosen is not None:
            self.owner.setCurrentIndex(max(0, self.owner.findData(chosen)))
        self.open_table.setRowCount(len(agenda.disputes))
        for i, d in enumerate(agenda.disputes):
            place = " · ".join(x for x in (d.community, d.address) if x)
            for col, text in enumerate((d.number, f"{d.category_code} {d.category_name}", place,
                                        status_name(d.status), str(d.returns),
                                        "、".join(d.returned_by))):
                self.open_table.setItem(i, col, _item(text, d.case_id if col == 0 else None))
        self.ruled_table.setRowCount(len(agenda.rulings))
        for i, r in enumerate(agenda.rulings):
            for col, text in enumerate((r.number, f"{r.category_code} {r.category_name}",
                                        r.department_name, r.reason, r.ruled_by,
                                        f"{r.ruled_at:%Y-%m-%d %H:%M}")):
                self.ruled_table.setItem(i, col, _item(text))
        self.note.setText(self.tr(
            "A case returned as not-ours more than {n} times is a dispute. The duty leader's "
            "ruling binds: the case is dispatched to the owner, which cannot return it again; "
            "the dispatcher sees the ruling for cases of the same category within the set "
            "distance.").format(n=threshold))
        self._selection_changed()
        self.loaded.emit(len(agenda.disputes), len(agenda.rulings))

    def _selection_changed(self) -> None:
        self.rule_button.setEnabled(may_rule(self.actor_of()) and self._chosen() is not None)

    def _chosen(self) -> int | None:
        rows = self.open_table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.open_table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    # --- acting ---------------------------------------------------------------------------------

    @Slot()
    def rule(self) -> None:
        case_id, department_id = self._chosen(), self.owner.currentData()
        actor, reason = self.actor_of(), self.reason.text().strip()
        if case_id is None or department_id is None or actor is None:
            return

        def done(_ruling) -> None:
            self.reason.clear()
            self.ruled.emit(case_id)
            self.reload()
        self.tasks.run(lambda s: disputes.rule(s, actor, case_id, department_id=department_id,
                                               reason=reason, at=now()),
                       on_done=done, on_error=self._failed, owner=self)

    def export(self, path: str | None = None) -> None:
        """The agenda as a workbook (`path` given: no file dialog — tests, scripts)."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export meeting agenda"),
                f"联席会议议题-{now():%Y%m%d}.xlsx", self.tr("Excel workbook (*.xlsx)"))
            if not path:
                return
        labels = {
            "open_sheet": self.tr("Open disputes"), "ruled_sheet": self.tr("Rulings"),
            "exported": self.tr("Exported"), "number": self.tr("Case"),
            "category": self.tr("Category"), "address": self.tr("Address"),
            "community": self.tr("Community"), "returns": self.tr("Returns"),
            "returned_by": self.tr("Returned by"), "owner": self.tr("Owner"),
            "reason": self.tr("Reason"), "ruled_by": self.tr("Ruled by"),
            "ruled_at": self.tr("Ruled at")}
        title = self.tr("Joint meeting agenda: responsibility disputes")
        target = Path(path)

        def write(s) -> str:
            agenda = disputes.agenda(s, None)     # a file has no role: numbers masked
            return str(disputes.export_agenda(agenda, target, title=title, labels=labels,
                                              exported_at=datetime.now().replace(microsecond=0)))
        self.tasks.run(write, on_done=self._exported, on_error=self._failed, owner=self)

    def _exported(self, path: str) -> None:
        self.note.setText(self.tr("Agenda written to {path}").format(path=path))
        self.exported.emit(path)


def install_disputes(menu: QMenu, tasks: TaskRunner, actor_of: ActorOf,
                     parent: QWidget) -> QAction:
    """"Responsibility disputes…" in a menu, shown to those who may rule (the role is read each
    time the menu opens)."""
    return install_dialog_action(
        menu, QCoreApplication.translate("DisputesDialog", "Responsibility &disputes…"),
        "disputesAction", lambda: DisputesDialog(tasks, actor_of, parent),
        lambda: may_rule(actor_of()))
