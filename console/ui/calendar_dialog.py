"""工作日历: an administrator's year of public holidays and make-up workdays (调休) — each day
marked national or local — a day added or removed, the national schedule seeded, a dated list
imported. Every change goes through console/services/holidays.py as the signed-in user, is
audited, and reaches every seat through the feed (this page re-reads when it does).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import console.ui.import_texts  # noqa: F401 — the sentences of the import refusals
from console.common.messages import describe_error
from console.domain.changes import ChangeKind
from console.live.tasks import TaskRunner
from console.services import holidays
from console.services.actor import Actor
from console.services.cases import now


class CalendarDialog(QDialog):
    """One year of the work calendar, and the ways to change it."""

    loaded = Signal(object)    # the YearView on screen
    changed = Signal()         # a change of this page was written

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None, *,
                 year: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarDialog")
        self.setWindowTitle(self.tr("Work calendar"))
        self.resize(640, 620)
        self.tasks, self.actor = tasks, actor
        self.view: holidays.YearView | None = None
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Year:"), self))
        self.year = QSpinBox(self)
        self.year.setObjectName("calendarYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(year or date.today().year)
        self.year.valueChanged.connect(self.reload)
        top.addWidget(self.year)
        top.addStretch(1)
        self.seed_button = QPushButton(self.tr("&Seed the national schedule"), self)
        self.seed_button.setObjectName("seedHolidays")
        self.seed_button.clicked.connect(self.seed)
        self.import_button = QPushButton(self.tr("&Import a dated list…"), self)
        self.import_button.setObjectName("importDatedList")
        self.import_button.clicked.connect(self.import_list)
        top.addWidget(self.seed_button)
        top.addWidget(self.import_button)
        layout.addLayout(top)

        self.summary = QLabel(self)
        self.summary.setObjectName("calendarSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("calendarDays")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Date"), self.tr("Weekday"), self.tr("Kind"), self.tr("Source")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)

        edit = QHBoxLayout()
        self.day = QDateEdit(self)
        self.day.setObjectName("calendarDay")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setDate(QDate.currentDate())
        self.kind = QComboBox(self)
        self.kind.setObjectName("calendarKind")
        self.kind.addItem(self.tr("Public holiday"), "holiday")
        self.kind.addItem(self.tr("Make-up workday (调休)"), "workday")
        self.add_button = QPushButton(self.tr("&Add"), self)
        self.add_button.setObjectName("addDay")
        self.add_button.clicked.connect(self.add_day)
        self.remove_button = QPushButton(self.tr("&Remove selected"), self)
        self.remove_button.setObjectName("removeDay")
        self.remove_button.clicked.connect(self.remove_selected)
        for w in (self.day, self.kind, self.add_button):
            edit.addWidget(w)
        edit.addStretch(1)
        edit.addWidget(self.remove_button)
        layout.addLayout(edit)
        self.message = QLabel(self)
        self.message.setObjectName("calendarMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self._update_buttons()
        self.reload()

    # --- reading -------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        year = self.year.value()
        self.tasks.run(lambda s: holidays.year_view(s, year), on_done=self._show,
                       on_error=self._failed, owner=self, key=(id(self), "year"))

    def _show(self, view: holidays.YearView) -> None:
        self.view = view
        weekdays = [self.tr("Mon"), self.tr("Tue"), self.tr("Wed"), self.tr("Thu"),
                    self.tr("Fri"), self.tr("Sat"), self.tr("Sun")]
        self.table.setRowCount(len(view.days))
        for i, r in enumerate(view.days):
            kind = self.tr("Public holiday") if r.kind == "holiday" else self.tr("Make-up workday")
            source = self.tr("National schedule") if r.official else self.tr("This centre")
            for col, text in enumerate((r.day.isoformat(), weekdays[r.day.weekday()], kind, source)):
                self.table.setItem(i, col, QTableWidgetItem(text))
        hol = sum(1 for r in view.days if r.kind == "holiday")
        text = self.tr("{year}: {hol} holidays, {work} make-up workdays.").format(
            year=view.year, hol=hol, work=len(view.days) - hol)
        if view.removed_official:
            text += " " + self.tr("{n} national days were taken out by this centre.").format(
                n=view.removed_official)
        if not view.days:
            text = self.tr("{year} has no holidays in the calendar: its deadlines count public "
                           "holidays as workdays.").format(year=view.year)
        if view.year not in view.official_years:
            text += " " + self.tr("The installed national schedule ends with {last}; enter this "
                                  "year's days or import them as a list.").format(
                                      last=max(view.official_years))
        self.summary.setText(text)
        self._update_buttons()
        self.loaded.emit(view)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(describe_error(exc))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))
        official = self.view.official_years if self.view else []
        self.seed_button.setEnabled(bool(official))

    @Slot(object)
    def on_feed(self, batch) -> None:
        """Another seat (or this one) changed the calendar: show it as it is now."""
        if any(row.entity == ChangeKind.SETTINGS
               and (row.payload or {}).get("key") in (None, "work_calendar")
               for row in batch.rows):
            self.reload()

    # --- changing ------------------------------------------------------------------------

    def _write(self, fn, done_text) -> None:
        self.message.setText(self.tr("Saving…"))

        def done(result) -> None:
            self.message.setText(done_text(result))
            self.changed.emit()
            self.reload()
        self.tasks.run(fn, on_done=done, on_error=self._failed, owner=self)

    def add_day(self) -> None:
        actor, day, kind = self.actor, self.day.date().toPython(), self.kind.currentData()
        self._write(lambda s: holidays.set_day(s, actor, day, kind, at=now()),
                    lambda _changed: self.tr("{day} saved.").format(day=day.isoformat()))
        if day.year != self.year.value():
            self.year.setValue(day.year)

    def remove_selected(self) -> None:
        if self.view is None:
            return
        days = [self.view.days[i.row()].day for i in self.table.selectionModel().selectedRows()]
        actor = self.actor

        def remove(s) -> int:
            return sum(holidays.set_day(s, actor, d, None, at=now()) for d in days)
        self._write(remove, lambda n: self.tr("{n} days are ordinary days again.").format(n=n))

    def seed(self) -> None:
        actor = self.actor
        self._write(lambda s: holidays.seed_holidays(s, actor, at=now()),
                    lambda r: self.tr(
                        "National schedule {first}–{last}: {hol} holidays and {work} make-up "
                        "workdays; {local} local changes kept.").format(
                            first=r.years[0], last=r.years[-1], hol=r.holidays, work=r.workdays,
                            local=r.local_kept))

    def ask_open_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a dated list"), "",
            self.tr("Dated list (*.csv *.txt);;All files (*)"))
        return path

    def import_list(self) -> None:
        path = self.ask_open_path()
        if not path:
            return
        actor, target = self.actor, Path(path)

        def failed(exc: BaseException) -> None:
            report = getattr(exc, "report", None)
            lines = [describe_error(exc)]
            if report is not None:
                lines += [self.tr("Line {row}: {why}").format(row=p.row,
                                                              why=describe_error(p.error()))
                          for p in report.problems[:8]]
            self.message.setText("\n".join(lines))
        self.message.setText(self.tr("Importing…"))
        self.tasks.run(lambda s: holidays.import_dated_list(s, actor, target, at=now()),
                       on_done=lambda r: self._imported(r), on_error=failed, owner=self)

    def _imported(self, report: holidays.ListReport) -> None:
        self.message.setText(self.tr("Imported: {hol} holidays and {work} make-up workdays.")
                             .format(hol=report.holidays, work=report.workdays))
        self.changed.emit()
        self.reload()
