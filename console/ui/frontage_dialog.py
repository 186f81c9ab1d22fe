"""门前三包: the register of street-front units — the list with each unit's offences and
warnings, a form to add or change one (its stretch as 'lon lat; lon lat; …'), a warning or
notice recorded for the selected unit, and the workbook exported and imported. Every read
and write is a task (console/services/frontage.py); the services check the role again."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import console.ui.import_texts  # noqa: F401 — the sentences of the workbook refusals
from console.common.messages import describe_error, register_error_texts
from console.domain import frontage as geo
from console.live.tasks import TaskRunner
from console.services import frontage
from console.services.actor import Actor
from console.services.cases import now
from console.services.frontage_workbook import UnitsRefused, export_units, import_units

register_error_texts({
    "bad_stretch": QT_TRANSLATE_NOOP(
        "Errors", "Point {point} of the stretch is not a longitude and latitude in degrees."),
    "stretch_too_short": QT_TRANSLATE_NOOP(
        "Errors", "A stretch needs at least two different points."),
    "stretch_not_simple": QT_TRANSLATE_NOOP(
        "Errors", "The area's outline crosses itself or encloses nothing."),
    "bad_frontage_kind": QT_TRANSLATE_NOOP(
        "Errors", "“{kind}” is not a kind of unit: shop or organisation."),
    "frontage_missing": QT_TRANSLATE_NOOP("Errors", "The unit's {field} is missing."),
    "frontage_code_taken": QT_TRANSLATE_NOOP(
        "Errors", "Another unit already has the number {code}."),
    "frontage_unit_inactive": QT_TRANSLATE_NOOP(
        "Errors", "{name} is no longer an active unit."),
    "bad_frontage_record": QT_TRANSLATE_NOOP(
        "Errors", "“{kind}” is not a warning or a notice."),
    "bad_time_window": QT_TRANSLATE_NOOP(
        "Errors", "“{text}” is not a time window like 19:00-06:00."),
})
KIND_NAMES = {"shop": QT_TRANSLATE_NOOP("FrontageDialog", "Shop"),
              "organisation": QT_TRANSLATE_NOOP("FrontageDialog", "Organisation")}


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class FrontageDialog(QDialog):
    """Modeless; reloads on open and after every write."""

    loaded = Signal()
    saved = Signal(int)             # a unit's id (tests wait on it)
    failed = Signal(str)

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("frontageDialog")
        self.setWindowTitle(self.tr("Street-front units (门前三包)"))
        self.tasks, self.actor = tasks, actor
        self.views: list[frontage.UnitView] = []

        self.table = QTableWidget(0, 8, self)
        self.table.setObjectName("frontageUnits")
        self.table.setHorizontalHeaderLabels([
            self.tr("Number"), self.tr("Name"), self.tr("Kind"), self.tr("Responsible"),
            self.tr("Phone"), self.tr("Letter signed"), self.tr("Offences"),
            self.tr("Warnings")])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._selected)
        # Fixed widths: a city's register runs to thousands of rows (no resize to contents).
        for col, width in enumerate((72, 130, 56, 80, 104, 96, 56, 60)):
            self.table.setColumnWidth(col, width)

        self.code, self.name = QLineEdit(self), QLineEdit(self)
        self.kind = QComboBox(self)
        for key, text in KIND_NAMES.items():
            self.kind.addItem(self.tr(text), key)
        self.address, self.person, self.phone = QLineEdit(self), QLineEdit(self), QLineEdit(self)
        self.stretch = QPlainTextEdit(self)
        self.stretch.setObjectName("frontageStretch")
        self.stretch.setPlaceholderText(self.tr(
            "lon lat; lon lat; … — a ring repeating its first point is an area"))
        self.stretch.setFixedHeight(60)
        self.letter = QDateEdit(self)
        self.letter.setCalendarPopup(True)
        self.letter.setDisplayFormat("yyyy-MM-dd")
        self.letter.setDate(QDate.currentDate())
        self.letter.setEnabled(False)
        self.has_letter = QCheckBox(self.tr("Letter signed on"), self)
        self.has_letter.toggled.connect(self.letter.setEnabled)
        self.active = QCheckBox(self.tr("Active"), self)
        self.active.setChecked(True)
        form = QFormLayout()
        form.addRow(self.tr("Number"), self.code)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Responsible person"), self.person)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Stretch"), self.stretch)
        self.drawn = QLabel(self.tr("Or draw it on the map with the ruler: click the points, "
                                    "double-click to end; the line comes here."), self)
        self.drawn.setObjectName("frontageDrawn")
        self.drawn.setWordWrap(True)
        self.drawn.setProperty("kind", "note")
        form.addRow("", self.drawn)
        letter_row = QHBoxLayout()
        letter_row.addWidget(self.has_letter)
        letter_row.addWidget(self.letter)
        letter_row.addWidget(self.active)
        letter_row.addStretch(1)
        form.addRow("", letter_row)

        self.records = QTableWidget(0, 4, self)
        self.records.setObjectName("frontageRecords")
        self.records.setHorizontalHeaderLabels([self.tr("When"), self.tr("What"),
                                                self.tr("Case"), self.tr("Note")])
        self.records.verticalHeader().hide()
        self.records.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((120, 72, 110)):
            self.records.setColumnWidth(col, width)

        self.message = QLabel(self)
        self.message.setObjectName("frontageMessage")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, slot, name in (
                (self.tr("&New"), self.clear_form, "frontageNew"),
                (self.tr("&Save"), self.save, "frontageSave"),
                (self.tr("&Warning…"), lambda: self.record("warning"), "frontageWarning"),
                (self.tr("N&otice…"), lambda: self.record("notice"), "frontageNotice"),
                (self.tr("&Export…"), self.export, "frontageExport"),
                (self.tr("&Import…"), self.import_, "frontageImport")):
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)

        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(QLabel(self.tr("Warnings, notices and offences"), self))
        right.addWidget(self.records, 1)
        top = QHBoxLayout()
        top.addWidget(self.table, 3)
        top.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(1180, 620)
        self._unit_id: int | None = None
        self._unit_version: int | None = None    # what the form read: an edit expects it

    # --- reading ---------------------------------------------------------------------------

    def reload(self) -> None:
        viewer = self.actor
        self.tasks.run(lambda s: frontage.units(s, now(), viewer), on_done=self._show,
                       on_error=self._error, owner=self, key=(id(self), "units"))

    def _show(self, views: list[frontage.UnitView]) -> None:
        self.views = views
        self.table.setRowCount(len(views))
        for row, v in enumerate(views):
            texts = (v.code, v.name, self.tr(KIND_NAMES.get(v.kind, v.kind)), v.person,
                     v.phone or "", v.letter_signed_on.isoformat() if v.letter_signed_on else "—",
                     str(v.offences), str(v.warnings))
            for col, text in enumerate(texts):
                item = _item(text)
                if not v.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, col, item)
        self.loaded.emit()

    def _selected(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        if len(rows) != 1:
            return
        v = self.views[rows.pop()]
        self._unit_id, self._unit_version = v.id, v.version
        self.code.setText(v.code)
        self.name.setText(v.name)
        self.kind.setCurrentIndex(max(0, self.kind.findData(v.kind)))
        self.address.setText(v.address)
        self.person.setText(v.person)
        self.phone.setText(v.phone or "")
        self.stretch.setPlainText(geo.points_text(v.stretch))
        self.has_letter.setChecked(v.letter_signed_on is not None)
        if v.letter_signed_on is not None:
            d = v.letter_signed_on
            self.letter.setDate(QDate(d.year, d.month, d.day))
        self.active.setChecked(v.active)
        unit_id = v.id
        self.tasks.run(lambda s: frontage.unit_records(s, unit_id), on_done=self._show_records,
                       owner=self, key=(id(self), "records"))

    def _show_records(self, records: list[frontage.RecordView]) -> None:
        names = {"warning": self.tr("Warning"), "notice": self.tr("Notice"),
                 "offence": self.tr("Offence")}
        self.records.setRowCount(len(records))
        self.records.setWordWrap(False)
        for row, r in enumerate(records):
            for col, text in enumerate((f"{r.at:%Y-%m-%d %H:%M}", names.get(r.kind, r.kind),
                                        r.case_number or "", r.note)):
                self.records.setItem(row, col, _item(text))

    def take_line(self, points: list) -> None:
        """A line finished with the map's ruler becomes the stretch being edited."""
        if self.isVisible() and len(points) >= 2:
            self.stretch.setPlainText("; ".join(f"{lon:.7f} {lat:.7f}" for lon, lat in points))
            self.drawn.setText(self.tr("Stretch taken from the map: {n} points.").format(
                n=len(points)))

    # --- writing ---------------------------------------------------------------------------

    def clear_form(self) -> None:
        self._unit_id = self._unit_version = None
        self.table.clearSelection()
        for edit in (self.code, self.name, self.address, self.person, self.phone):
            edit.clear()
        self.stretch.clear()
        self.has_letter.setChecked(False)
        self.active.setChecked(True)
        self.records.setRowCount(0)

    def save(self) -> None:
        try:
            stretch = geo.stretch_geometry(geo.parse_points(self.stretch.toPlainText()))
        except Exception as exc:   # noqa: BLE001 — a refusal, shown where the user looks
            self._error(exc)
            return
        d = self.letter.date()
        values = frontage.UnitValues(
            self.code.text(), self.name.text(), self.kind.currentData(), self.address.text(),
            self.person.text(), self.phone.text() or None, stretch,
            date(d.year(), d.month(), d.day()) if self.has_letter.isChecked() else None,
            self.active.isChecked())
        actor, unit_id, version = self.actor, self._unit_id, self._unit_version
        self.tasks.run(lambda s: frontage.save_unit(s, actor, values, now(), unit_id, version),
                       on_done=self._saved, on_error=self._error, owner=self)

    def _saved(self, unit_id: int) -> None:
        # This seat's own save moved the version on by one (a new unit starts at 1).
        self._unit_version = 1 if self._unit_id is None else (self._unit_version or 0) + 1
        self._unit_id = unit_id
        self.message.setText(self.tr("Saved."))
        self.saved.emit(unit_id)
        self.reload()

    def record(self, kind: str) -> None:
        if self._unit_id is None:
            return
        title = self.tr("Warning") if kind == "warning" else self.tr("Notice")
        note, ok = QInputDialog.getMultiLineText(self, title, self.tr("What was said or given:"))
        if not ok:
            return
        actor, unit_id = self.actor, self._unit_id
        self.tasks.run(lambda s: frontage.record_warning(s, actor, unit_id, kind, note, now()),
                       on_done=lambda _id: self._recorded(), on_error=self._error, owner=self)

    def _recorded(self) -> None:
        self.reload()
        self._selected()

    def export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export units"), "frontage.xlsx",
                                              "Excel (*.xlsx)")
        if path:
            actor = self.actor
            self.tasks.run(lambda s: export_units(s, actor, Path(path)),
                           on_done=lambda n: self.message.setText(
                               self.tr("{n} units written.").format(n=n)),
                           on_error=self._error, owner=self)

    def import_(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import units"), "",
                                              "Excel (*.xlsx)")
        if path:
            actor = self.actor
            self.tasks.run(lambda s: import_units(s, actor, Path(path), at=now()),
                           on_done=self._imported, on_error=self._error, owner=self)

    def _imported(self, report) -> None:
        c = report.counts
        self.message.setText(self.tr("{a} added, {c} changed, {u} unchanged.").format(
            a=c["added"], c=c["changed"], u=c["unchanged"]))
        self.reload()

    def _error(self, exc: BaseException) -> None:
        if isinstance(exc, UnitsRefused):
            lines = [f"{p.where()} {describe_error(p.error())}" for p in exc.report.problems[:20]]
            text = describe_error(exc) + "\n" + "\n".join(lines)
        else:
            text = describe_error(exc)
        self.message.setText(text)
        self.failed.emit(text)
