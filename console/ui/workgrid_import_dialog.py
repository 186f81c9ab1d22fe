"""The administrator's work-grid import: a second GIS file of work-grid (责任网格) polygons over
the stored unit grid. Pick it and its attributes (code, name, officers), run the dry run on the
long lane, read what it would do — grids created, changed, emptied; cells in no or two work
grids; unknown officers — in a table and on a preview, save the report, import.

`plan_workgrid_import` / `apply_workgrid_import` run on the task runner (no SQL on the GUI
thread); the report is plain data. The import re-checks that the grid and its work grids are
still those the dry run saw.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import shapely
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from console.common.grid_texts import problem_text, severity_text
from console.live.tasks import Task, TaskRunner
from console.services.actor import Actor
from console.services.cases import now
from console.services.workgrid_import import (LISTED_CELLS, WorkGridImportOptions,
                                              WorkGridImportReport, apply_workgrid_import,
                                              plan_workgrid_import)
from console.ui.grid_dialog_parts import (FieldBox, choose_crs, chosen_crs, crs_box,
                                          encoding_box, item)
from console.ui.grid_preview import PreviewCell
from console.ui.import_dialog_base import ImportDialogBase

ROLES = ("code", "name", "officer")


class WorkGridImportDialog(ImportDialogBase):
    """Modeless. Signals for tests: `checked(report)`, `imported(diff)`, `refused(sentence)`."""

    checked = Signal(object)
    imported = Signal(object)
    refused = Signal(str)
    FIELD_REFUSALS = ("no_work_grid_field", "no_such_field")

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workGridImportDialog")
        self.setWindowTitle(self.tr("Import work grids"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.tasks, self.actor = tasks, actor
        self.report: WorkGridImportReport | None = None
        self._task: Task | None = None
        self._keys: dict[str, int] = {}     # table row key → the preview's shape number
        self._build()
        self._set_busy(None)
        self._show_report(None)
        self.resize(1000, 680)

    def _build(self) -> None:
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("workGridPath")
        self.path_edit.setPlaceholderText(self.tr(
            "Work-grid polygons: a Shapefile, GeoJSON, a zip, or a folder of one"))
        self.path_edit.textChanged.connect(self._options_changed)
        file_button = QPushButton(self.tr("&File…"), self)
        file_button.clicked.connect(self._pick_file)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(file_button)

        self.encoding = encoding_box(self, "workGridEncoding")
        self.crs = crs_box(self, "workGridCrs")
        self.fields = {"code": FieldBox(self, "workGridCodeField"),
                       "name": FieldBox(self, "workGridNameField", optional=True),
                       "officer": FieldBox(self, "workGridOfficerField", optional=True)}
        self.repair = QCheckBox(self.tr("&Repair crossing outlines (with a warning)"), self)
        self.skip_invalid = QCheckBox(self.tr("&Skip invalid work grids and import the rest"),
                                      self)
        self.skip_invalid.toggled.connect(self._update_import_button)
        for box in (self.encoding, self.crs, *self.fields.values()):
            box.currentIndexChanged.connect(self._options_changed)
        self.crs.editTextChanged.connect(self._options_changed)
        self.repair.toggled.connect(self._options_changed)

        form = QFormLayout()
        form.addRow(self.tr("Work-grid file:"), path_row)
        options = QHBoxLayout()
        for label, box in ((self.tr("Encoding:"), self.encoding),
                           (self.tr("Coordinates:"), self.crs)):
            options.addWidget(QLabel(label, self))
            options.addWidget(box, 1 if box is self.crs else 0)
        form.addRow(options)
        roles = QHBoxLayout()
        for role, label in zip(ROLES, (self.tr("Code field:"), self.tr("Name field:"),
                                       self.tr("Officer field:"))):
            roles.addWidget(QLabel(label, self))
            roles.addWidget(self.fields[role])
        roles.addStretch(1)
        form.addRow(roles)
        checks = QHBoxLayout()
        checks.addWidget(self.repair)
        checks.addWidget(self.skip_invalid)
        checks.addStretch(1)
        form.addRow(checks)

        self._build_report_area(form, "workGrid", self.tr("Code"))

    # --- choosing ----------------------------------------------------------------------------

    @Slot()
    def _pick_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Work-grid file"), self.path_edit.text(),
            self.tr("GIS files (*.shp *.geojson *.json *.zip);;All files (*)"))
        if path:
            self.choose_path(path)

    def choose(self, *, encoding: str | None = None, crs: str | None = None,
               **fields: str) -> None:
        """Set options as a user would pick them (tests, screenshots); `fields`: code, name,
        officer → an attribute name ("" for none)."""
        if encoding is not None:
            self.encoding.setCurrentIndex(self.encoding.findData(encoding))
        if crs is not None:
            choose_crs(self.crs, crs)
        for role, name in fields.items():
            self.fields[role].choose(name)

    def options(self) -> WorkGridImportOptions:
        chosen = {role: box.chosen() for role, box in self.fields.items()}
        return WorkGridImportOptions(
            crs=chosen_crs(self.crs), code_field=chosen["code"], name_field=chosen["name"],
            officer_field=chosen["officer"], encoding=self.encoding.currentData(),
            repair=self.repair.isChecked(), skip_invalid=self.skip_invalid.isChecked())

    def _offer_fields(self, fields: list[str]) -> None:
        for box in self.fields.values():
            box.offer(fields)

    def _code_box(self) -> FieldBox:
        return self.fields["code"]

    @Slot()
    def _options_changed(self) -> None:
        if self.report is not None:
            self.report = None
            self.message.setText(self.tr("The options changed: check the file again."))
            self._show_report(None)

    # --- running -----------------------------------------------------------------------------

    @Slot()
    def run_check(self) -> None:
        self._start_check(plan_workgrid_import, "workgrid-import",
                          self.tr("Choose the work-grid file first."))

    @Slot(float, str)
    def _progressed(self, fraction: float, stage: str) -> None:
        self.progress.setValue(int(fraction * 100))
        self.stage.setText({"read": self.tr("Reading the file…"),
                            "check": self.tr("Checking the work grids…"),
                            "compare": self.tr("Placing the cells…")}.get(stage, ""))

    # --- the report --------------------------------------------------------------------------

    def _rows(self, report: WorkGridImportReport):
        """(key for the preview, feature number, code, severity, sentence) per table row."""
        rows = [(f"area:{a.index}", str(a.index), a.code or "—", p.severity,
                 problem_text(p.code, p.detail)) for a in report.areas for p in a.problems]
        rows.sort(key=lambda r: (r[3] != "error", int(r[1])))
        for cell, grids in report.in_two:
            rows.append((f"cell:{cell}", "", cell, "warning", problem_text(
                "cell_in_two_grids", {"grids": grids, "kept": report.planned.get(cell)})))
        for cell in report.no_grid[:LISTED_CELLS]:
            rows.append((f"cell:{cell}", "", cell, "warning", problem_text("cell_in_no_grid")))
        return rows

    def _show_report(self, report: WorkGridImportReport | None) -> None:
        self.save_button.setEnabled(report is not None)
        if report is None:
            self.summary.setText("")
            self.table.setRowCount(0)
            self.preview.set_cells([])
            self._update_import_button()
            return
        self.message.setText("\n".join(f"{severity_text(p.severity)}: "
                                       f"{problem_text(p.code, p.detail)}"
                                       for p in report.problems))
        d = report.diff
        where = self.tr("{name}: {format}, encoding {encoding}, {crs}").format(
            name=Path(report.source.split("!")[-1]).name, format=report.format,
            encoding=report.encoding, crs=report.crs)
        counts = self.tr(
            "{features} work grids in the file · <b>{created}</b> created · <b>{changed}</b> "
            "changed · <b>{emptied}</b> emptied · {unchanged} unchanged · "
            "<b style='color:#e0413a'>{invalid}</b> invalid").format(
            features=len(report.areas), created=len(d.created), changed=len(d.changed),
            emptied=len(d.emptied), unchanged=d.unchanged, invalid=len(report.invalid))
        cells = self.tr(
            "{cells} cells: {moved} change work grid · <span style='color:#c07a00'>{none}</span> "
            "in no work grid · <span style='color:#c07a00'>{two}</span> in two · {officers} "
            "officers assigned").format(
            cells=report.cells, moved=d.cells_moved, none=len(report.no_grid),
            two=len(report.in_two), officers=len(d.officers))
        self.summary.setText(f"{where}<br>{counts}<br>{cells}")
        rows = self._rows(report)
        self.table.setRowCount(len(rows))
        for row, (key, number, code, severity, sentence) in enumerate(rows):
            level = item(severity_text(severity))
            level.setForeground(Qt.GlobalColor.red if severity == "error"
                                else Qt.GlobalColor.darkYellow)
            first = item(number, align_right=True)
            first.setData(Qt.ItemDataRole.UserRole, key)
            self.table.setItem(row, 0, first)
            self.table.setItem(row, 1, item(code))
            self.table.setItem(row, 2, level)
            text = item(sentence)
            text.setToolTip(sentence)
            self.table.setItem(row, 3, text)
        self._keys = {}
        shapes = []
        for a in report.areas:
            for part in shapely.get_parts(a.geometry) if a.geometry is not None else []:
                shapes.append(PreviewCell(self._key(f"area:{a.index}"),
                                          np.asarray(part.exterior.coords), "area"))
        for cell, ring in report.cell_rings.items():   # warnings, as in the table
            shapes.append(PreviewCell(self._key(f"cell:{cell}"), ring, "warning"))
        self.preview.set_cells(shapes)
        self._update_import_button()

    def _key(self, key: str) -> int:
        """The preview numbers its shapes: one number per work grid or cell of the table."""
        return self._keys.setdefault(key, len(self._keys))

    def _preview_shape(self, data: object) -> int | None:
        return self._keys.get(data)

    # --- importing ---------------------------------------------------------------------------

    @Slot()
    def run_import(self) -> None:
        if not self._importable_now():
            return
        options = dataclasses.replace(self.report.options,
                                      skip_invalid=self.skip_invalid.isChecked())
        plan = dataclasses.replace(self.report, options=options)
        actor, at = self.actor, now()
        self._set_busy(self.tr("Importing…"), cancellable=False)
        self._task = self.tasks.run_long(
            lambda session, job: apply_workgrid_import(session, plan, at, actor=actor),
            on_done=self._imported, on_error=self._failed, owner=self,
            key=(id(self), "workgrid-import"))

    def _imported(self, diff) -> None:
        self._task = None
        self._set_busy(None)
        self.report = None          # applied: a second import needs a fresh dry run
        self.import_button.setEnabled(False)
        self.message.setText(self.tr(
            "Imported: {created} work grids created, {changed} changed, {emptied} emptied; "
            "{moved} cells changed work grid.").format(
            created=len(diff.created), changed=len(diff.changed), emptied=len(diff.emptied),
            moved=diff.cells_moved))
        self.imported.emit(diff)
