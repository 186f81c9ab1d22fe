"""人员导入导出: the administrator exports the organisation workbook, checks an edited one (a
dry run whose report is shown sheet by sheet, every problem where the sheet shows it), then
imports it; the accounts it created get a one-time password each, shown once.

Reading, checking and writing run on the task runner's long lane (console/services/
people_import.py), with their stage shown and a cancel that rolls the import back.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import console.ui.import_texts  # noqa: F401 — the sentences of the import refusals
from console.common.messages import describe_error
from console.live.tasks import Job, Task, TaskRunner
from console.services import people_accounts
from console.services.actor import Actor
from console.services.cases import now
from console.services.people_export import export_people
from console.services.people_import import SHEET_ORDER, ImportRefused, ImportReport, import_people

SHEET_NAMES = {
    "departments": QT_TRANSLATE_NOOP("PeopleDialog", "Departments"),
    "users": QT_TRANSLATE_NOOP("PeopleDialog", "Accounts"),
    "officers": QT_TRANSLATE_NOOP("PeopleDialog", "Patrol officers"),
    "devices": QT_TRANSLATE_NOOP("PeopleDialog", "Devices"),
    "shifts": QT_TRANSLATE_NOOP("PeopleDialog", "Shifts"),
}
STAGES = {
    "read": QT_TRANSLATE_NOOP("PeopleDialog", "Reading the workbook…"),
    "check": QT_TRANSLATE_NOOP("PeopleDialog", "Checking every row…"),
    "write": QT_TRANSLATE_NOOP("PeopleDialog", "Writing the changes…"),
    "done": QT_TRANSLATE_NOOP("PeopleDialog", "Done"),
    "export": QT_TRANSLATE_NOOP("PeopleDialog", "Writing the workbook…"),
}


def sheet_name(key: str | None) -> str:
    """The sheet as the dialog names it (the workbook's own key when it is not one of ours)."""
    text = SHEET_NAMES.get(key or "")
    return QCoreApplication.translate("PeopleDialog", text) if text else (key or "")


def _table(parent: QWidget, name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    return table


class PeopleDialog(QDialog):
    """Export, check, import; then one-time passwords for the new accounts."""

    report_shown = Signal(object)      # the ImportReport on screen (after a check or an import)
    password_set = Signal(str)         # the user name whose one-time password is now shown

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("peopleDialog")
        self.setWindowTitle(self.tr("Import and export people"))
        self.resize(820, 640)
        self.tasks, self.actor = tasks, actor
        self.path: Path | None = None          # the workbook checked last
        self.report: ImportReport | None = None
        self.task: Task | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "Export the workbook, edit it in Excel or WPS, then check it: nothing is written "
            "until the check finds no problem and you import it. Rows the workbook leaves out "
            "are kept; to retire one, set its “active” to no."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        buttons = QHBoxLayout()
        self.export_button = QPushButton(self.tr("&Export workbook…"), self)
        self.export_button.setObjectName("exportWorkbook")
        self.export_button.clicked.connect(self.export)
        self.check_button = QPushButton(self.tr("&Check a workbook…"), self)
        self.check_button.setObjectName("checkWorkbook")
        self.check_button.clicked.connect(self.check)
        self.apply_button = QPushButton(self.tr("&Import"), self)
        self.apply_button.setObjectName("applyWorkbook")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setObjectName("cancelWork")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        for b in (self.export_button, self.check_button, self.apply_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("peopleProgress")
        self.progress.setRange(0, 100)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.message = QLabel(self)
        self.message.setObjectName("peopleMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)

        self.summary = _table(self, "peopleSummary", [
            self.tr("Sheet"), self.tr("Added"), self.tr("Changed"), self.tr("Unchanged")])
        self.summary.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.summary.setMaximumHeight(190)
        layout.addWidget(self.summary)
        self.problems = _table(self, "peopleProblems", [
            self.tr("Sheet"), self.tr("Row"), self.tr("Column"), self.tr("Value"), self.tr("Why")])
        header = self.problems.horizontalHeader()
        for col in range(4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.problems.hide()
        layout.addWidget(self.problems, 1)

        self.accounts_box = QGroupBox(self.tr("New accounts without a password"), self)
        box = QVBoxLayout(self.accounts_box)
        note = QLabel(self.tr("They cannot sign in yet. Set a one-time password for each and hand "
                              "it over; it is shown here once and stored nowhere else."), self)
        note.setWordWrap(True)
        box.addWidget(note)
        self.accounts = _table(self, "newAccounts", [
            self.tr("User name"), self.tr("One-time password"), ""])
        header = self.accounts.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        box.addWidget(self.accounts)
        self.accounts_box.hide()
        layout.addWidget(self.accounts_box, 1)

        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)

    # --- file choices (tests replace these) ------------------------------------------------

    def ask_save_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export workbook"), "组织人员.xlsx",
                                              self.tr("Excel workbook (*.xlsx)"))
        return path

    def ask_open_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Check a workbook"), "",
                                              self.tr("Excel workbook (*.xlsx)"))
        return path

    # --- long work -----------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        for b in (self.export_button, self.check_button):
            b.setEnabled(not busy)
        self.apply_button.setEnabled(not busy and self._can_apply())
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        if busy:
            self.progress.setValue(0)

    def _can_apply(self) -> bool:
        r = self.report
        return r is not None and r.ok and not r.applied and r.changes > 0 and self.path is not None

    def _on_progress(self, fraction: float, stage: str) -> None:
        self.progress.setValue(int(fraction * 100))
        text = STAGES.get(stage)
        if text:
            self.message.setText(QCoreApplication.translate("PeopleDialog", text))

    def _long(self, fn, on_done) -> None:
        self._busy(True)
        self.task = self.tasks.run_long(fn, on_done=on_done, on_error=self._failed,
                                        on_progress=self._on_progress, owner=self,
                                        key=(id(self), "people"))

    @staticmethod
    def _stage(job: Job):
        def tell(fraction: float, stage: str) -> None:
            job.check()        # a cancelled import stops here, its transaction rolled back
            job.progress(fraction, stage)
        return tell

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None
        self._busy(False)
        self.message.setText(self.tr("Cancelled: nothing was written."))

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self._busy(False)
        if isinstance(exc, ImportRefused):
            self._show_report(exc.report)
        else:
            self.report = None
            self.apply_button.setEnabled(False)
        self.message.setText(describe_error(exc))

    # --- export --------------------------------------------------------------------------

    def export(self) -> None:
        path = self.ask_save_path()
        if not path:
            return
        actor, target = self.actor, Path(path)

        def work(s, job: Job) -> dict[str, int]:
            job.progress(0.1, "export")
            return export_people(s, actor, target)
        self._long(work, lambda rows: self._exported(target, rows))

    def _exported(self, path: Path, rows: dict[str, int]) -> None:
        self.task = None
        self._busy(False)
        counts = self.tr(", ").join(self.tr("{sheet} {n}").format(sheet=sheet_name(k), n=n)
                                    for k, n in rows.items())
        self.message.setText(self.tr("Exported to {file}: {counts}.").format(
            file=path.name, counts=counts))

    # --- check, then import --------------------------------------------------------------

    def check(self) -> None:
        path = self.ask_open_path()
        if not path:
            return
        self.path, self.report = Path(path), None
        self._clear_report()
        self._run_import(dry_run=True)

    def apply(self) -> None:
        if self._can_apply():
            self._run_import(dry_run=False)

    def _run_import(self, *, dry_run: bool) -> None:
        actor, path, stage = self.actor, self.path, self._stage
        self._long(lambda s, job: import_people(s, actor, path, at=now(), dry_run=dry_run,
                                                progress=stage(job)),
                   self._imported)

    def _imported(self, report: ImportReport) -> None:
        self.task = None
        self._show_report(report)
        self._busy(False)
        if report.applied:
            self.message.setText(self.tr("Imported: {n} records added or changed.").format(
                n=report.changes))
            self._show_accounts(report.without_password)
        elif report.changes:
            self.message.setText(self.tr(
                "The workbook is in order: {n} records will be added or changed. Press "
                "Import to write them.").format(n=report.changes))
        else:
            self.message.setText(self.tr("The workbook matches the console: nothing to import."))

    def _clear_report(self) -> None:
        self.summary.setRowCount(0)
        self.problems.setRowCount(0)
        self.problems.hide()
        self.accounts_box.hide()
        self.accounts.setRowCount(0)

    def _show_report(self, report: ImportReport) -> None:
        self.report = report
        self.summary.setRowCount(len(SHEET_ORDER))
        for i, key in enumerate(SHEET_ORDER):
            values = (sheet_name(key), report.added[key], report.changed[key],
                      report.unchanged[key])
            for col, v in enumerate(values):
                item = QTableWidgetItem(str(v))
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.summary.setItem(i, col, item)
        self.problems.setRowCount(len(report.problems))
        for i, p in enumerate(report.problems):
            for col, v in enumerate((sheet_name(p.sheet), "" if p.row is None else str(p.row),
                                     p.column or "", p.value or "", describe_error(p.error()))):
                self.problems.setItem(i, col, QTableWidgetItem(v))
        self.problems.setVisible(bool(report.problems))
        self.report_shown.emit(report)

    # --- one-time passwords for the new accounts -----------------------------------------

    def _show_accounts(self, usernames: list[str]) -> None:
        self.accounts.setRowCount(len(usernames))
        for i, name in enumerate(usernames):
            self.accounts.setItem(i, 0, QTableWidgetItem(name))
            button = QPushButton(self.tr("Set one-time password"), self.accounts)
            button.setObjectName(f"oneTimePassword:{name}")
            button.clicked.connect(lambda _=False, n=name, b=button: self.set_password(n, b))
            self.accounts.setCellWidget(i, 2, button)
        self.accounts_box.setVisible(bool(usernames))

    def set_password(self, username: str, button: QPushButton) -> None:
        button.setEnabled(False)
        actor = self.actor
        self.tasks.run(lambda s: people_accounts.set_one_time_password(s, actor, username,
                                                                       at=now()),
                       on_done=lambda pw: self._password_shown(username, pw),
                       on_error=lambda exc: self._password_failed(button, exc), owner=self)

    def _password_shown(self, username: str, password: str) -> None:
        for i in range(self.accounts.rowCount()):
            if self.accounts.item(i, 0).text() == username:
                field = QLineEdit(password, self.accounts)
                field.setObjectName(f"password:{username}")
                field.setReadOnly(True)   # selectable, to copy; never stored by the console
                self.accounts.setCellWidget(i, 1, field)
                self.accounts.cellWidget(i, 2).setText(self.tr("Set"))
        self.password_set.emit(username)

    def _password_failed(self, button: QPushButton, exc: BaseException) -> None:
        button.setEnabled(True)
        self.message.setText(describe_error(exc))
