"""The administrator's grid import: pick the GIS file, run the dry run on the long lane, read
its report (counts, the problem features in a table and on a preview), save it, import.

The dry run and the import are `plan_grid_import` / `apply_grid_import` run by the task runner
(no SQL on the GUI thread); the report that comes back is plain data. The import re-checks that
the grid is still the one the dry run compared against (another seat may have imported since).
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

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
from console.services.grid_import import (GridImportOptions, GridImportReport, apply_grid_import,
                                          plan_grid_import)
from console.ui.grid_dialog_parts import (FieldBox, choose_crs, chosen_crs, crs_box,
                                          encoding_box)
from console.ui.grid_dialog_parts import item as _item
from console.ui.grid_preview import PreviewCell
from console.ui.import_dialog_base import ImportDialogBase

# The work-grid roles of the field mapping (console.gis.fields.FieldMap).
WORK_GRID_ROLES = ("work_grid", "work_grid_name", "officer")


class GridImportDialog(ImportDialogBase):
    """Modeless. Signals for tests: `checked(report)`, `imported(diff)`, `refused(sentence)`."""

    checked = Signal(object)
    imported = Signal(object)
    refused = Signal(str)
    FIELD_REFUSALS = ("no_code_field", "no_such_field")

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gridImportDialog")
        self.setWindowTitle(self.tr("Import grid"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.tasks, self.actor = tasks, actor
        self.report: GridImportReport | None = None
        self._task: Task | None = None
        self._build()
        self._set_busy(None)
        self._show_report(None)
        self.resize(1000, 680)

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("gridPath")
        self.path_edit.setPlaceholderText(self.tr(
            "A Shapefile (.shp with .shx/.dbf/.prj/.cpg), GeoJSON, a zip, or a folder of one"))
        self.path_edit.textChanged.connect(self._options_changed)
        file_button = QPushButton(self.tr("&File…"), self)
        file_button.clicked.connect(self._pick_file)
        folder_button = QPushButton(self.tr("F&older…"), self)
        folder_button.clicked.connect(self._pick_folder)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(file_button)
        path_row.addWidget(folder_button)

        self.encoding = encoding_box(self, "gridEncoding")
        self.crs = crs_box(self, "gridCrs")
        self.code_field = FieldBox(self, "gridCodeField")
        # The field mapping's work-grid part: "Detect" takes the usual names (ZRWG, 责任网格…).
        self.role_fields = {role: FieldBox(self, f"grid_{role}_field", optional=True)
                            for role in WORK_GRID_ROLES}
        self.repair = QCheckBox(self.tr("&Repair crossing or unclosed outlines (with a warning)"),
                                self)
        self.skip_invalid = QCheckBox(self.tr("&Skip invalid features and import the rest"), self)
        self.skip_invalid.setObjectName("gridSkipInvalid")
        self.skip_invalid.toggled.connect(self._update_import_button)
        for box in (self.encoding, self.crs, self.code_field, *self.role_fields.values()):
            box.currentIndexChanged.connect(self._options_changed)
        self.crs.editTextChanged.connect(self._options_changed)
        self.repair.toggled.connect(self._options_changed)

        form = QFormLayout()
        form.addRow(self.tr("Grid file:"), path_row)
        options = QHBoxLayout()
        for label, box in ((self.tr("Encoding:"), self.encoding),
                           (self.tr("Coordinates:"), self.crs),
                           (self.tr("Code field:"), self.code_field)):
            options.addWidget(QLabel(label, self))
            options.addWidget(box, 1 if box is self.crs else 0)
        form.addRow(options)
        grids = QHBoxLayout()
        for role, label in zip(WORK_GRID_ROLES, (self.tr("Work grid:"), self.tr("Its name:"),
                                                 self.tr("Officer(s):"))):
            grids.addWidget(QLabel(label, self))
            grids.addWidget(self.role_fields[role])
        self.work_grid_file_button = QPushButton(self.tr("&Work grids from a second file…"), self)
        self.work_grid_file_button.setObjectName("gridWorkGridFile")
        self.work_grid_file_button.clicked.connect(self.open_work_grid_import)
        grids.addStretch(1)
        grids.addWidget(self.work_grid_file_button)
        form.addRow(grids)
        checks = QHBoxLayout()
        checks.addWidget(self.repair)
        checks.addWidget(self.skip_invalid)
        checks.addStretch(1)
        form.addRow(checks)

        self._build_report_area(form, "grid", self.tr("Cell code"))

    # --- choosing ----------------------------------------------------------------------------

    @Slot()
    def _pick_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Grid file"), self.path_edit.text(),
            self.tr("Grid files (*.shp *.geojson *.json *.zip);;All files (*)"))
        if path:
            self.choose_path(path)

    @Slot()
    def _pick_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Folder of the grid file"),
                                                self.path_edit.text())
        if path:
            self.choose_path(path)

    def options(self) -> GridImportOptions:
        roles = {role: box.chosen() for role, box in self.role_fields.items()
                 if box.chosen() is not None}
        return GridImportOptions(crs=chosen_crs(self.crs), code_field=self.code_field.chosen(),
                                 encoding=self.encoding.currentData(), fields=roles,
                                 repair=self.repair.isChecked(),
                                 skip_invalid=self.skip_invalid.isChecked())

    def choose(self, *, encoding: str | None = None, crs: str | None = None,
               code_field: str | None = None, **roles: str) -> None:
        """Set options as a user would pick them (tests, screenshots); `roles`: work_grid,
        work_grid_name, officer → an attribute name ("" for none)."""
        if encoding is not None:
            self.encoding.setCurrentIndex(self.encoding.findData(encoding))
        if crs is not None:
            choose_crs(self.crs, crs)
        if code_field is not None:
            self.code_field.choose(code_field)
        for role, name in roles.items():
            self.role_fields[role].choose(name)

    def _offer_fields(self, fields: list[str]) -> None:
        for box in (self.code_field, *self.role_fields.values()):
            box.offer(fields)

    def _code_box(self) -> FieldBox:
        return self.code_field

    @Slot()
    def open_work_grid_import(self) -> None:
        """The work grids' own dialog, for polygons in a second file (over the stored grid)."""
        from console.ui.workgrid_import_dialog import WorkGridImportDialog
        dialog = WorkGridImportDialog(self.tasks, self.actor, self)
        dialog.show()
        self.work_grid_dialog = dialog

    @Slot()
    def _options_changed(self) -> None:
        """A report made with other options no longer says what an import would do."""
        if self.report is not None:
            self.report = None
            self.import_button.setEnabled(False)
            self.message.setText(self.tr("The options changed: check the file again."))
            self._show_report(None)

    # --- running -----------------------------------------------------------------------------

    @Slot()
    def run_check(self) -> None:
        self._start_check(plan_grid_import, "grid-import", self.tr("Choose the grid file first."))

    @Slot(float, str)
    def _progressed(self, fraction: float, stage: str) -> None:
        self.progress.setValue(int(fraction * 100))
        self.stage.setText({"read": self.tr("Reading the file…"),
                            "check": self.tr("Checking the cells…"),
                            "compare": self.tr("Comparing with the stored grid…")
                            }.get(stage, ""))

    # --- the report --------------------------------------------------------------------------

    def _show_report(self, report: GridImportReport | None) -> None:
        self.save_button.setEnabled(report is not None)
        if report is None:
            self.summary.setText("")
            self.table.setRowCount(0)
            self.preview.set_cells([])
            self._update_import_button()
            return
        file_errors = [p for p in report.problems]
        self.message.setText("\n".join(f"{severity_text(p.severity)}: "
                                       f"{problem_text(p.code, p.detail)}" for p in file_errors))
        d = report.diff
        warnings = sum(1 for f in report.features if f.ok and f.problems)
        counts = self.tr(
            "{features} features · <b>{added}</b> added · <b>{changed}</b> changed · "
            "{unchanged} unchanged · <b>{retired}</b> retired ({cases} cases keep their cell) · "
            "{reactivated} back · <b style='color:#e0413a'>{invalid}</b> invalid · "
            "<span style='color:#c07a00'>{warnings}</span> with warnings").format(
            features=len(report.features), added=len(d.added), changed=len(d.changed),
            unchanged=d.unchanged, retired=len(d.retired), cases=d.cases_on_retired,
            reactivated=len(d.reactivated), invalid=len(report.invalid), warnings=warnings)
        where = self.tr("{name}: {format}, encoding {encoding}, {crs}").format(
            name=Path(report.source.split("!")[-1]).name, format=report.format,
            encoding=report.encoding, crs=report.crs)
        self.summary.setText(f"{where}<br>{counts}{self._work_grid_line(report)}")
        rows = [(f, p) for f in report.features for p in f.problems]
        rows.sort(key=lambda fp: (fp[1].severity != "error", fp[0].index))
        self.table.setRowCount(len(rows))
        for row, (f, p) in enumerate(rows):
            level = _item(severity_text(p.severity))
            level.setForeground(Qt.GlobalColor.red if p.severity == "error"
                                else Qt.GlobalColor.darkYellow)
            self.table.setItem(row, 0, _item(str(f.index), align_right=True))
            self.table.setItem(row, 1, _item(f.code or "—"))
            self.table.setItem(row, 2, level)
            sentence = _item(problem_text(p.code, p.detail))
            sentence.setToolTip(sentence.text())
            self.table.setItem(row, 3, sentence)
            self.table.item(row, 0).setData(Qt.ItemDataRole.UserRole, f.index)
        self.preview.set_cells([
            PreviewCell(f.index, f.ring, "error" if not f.ok else
                        "warning" if f.problems else "ok")
            for f in report.features if f.ring is not None])
        self._update_import_button()

    def _work_grid_line(self, report: GridImportReport) -> str:
        """What the import does to the work grids, when the file has their attribute."""
        w = report.work_grids
        if w is None:
            return ""
        return "<br>" + self.tr(
            "Work grids from “{field}”: <b>{created}</b> created · <b>{changed}</b> changed · "
            "<b>{emptied}</b> emptied · {unchanged} unchanged · {cells} cells move · "
            "{officers} officers move").format(
            field=report.fields.work_grid, created=len(w.created), changed=len(w.changed),
            emptied=len(w.emptied), unchanged=w.unchanged, cells=w.cells_moved,
            officers=len(w.officers))

    # --- importing ---------------------------------------------------------------------------

    @Slot()
    def run_import(self) -> None:
        if not self._importable_now():
            return
        report = self.report
        options = dataclasses.replace(report.options, skip_invalid=self.skip_invalid.isChecked())
        plan = dataclasses.replace(report, options=options)
        actor, at = self.actor, now()
        self._set_busy(self.tr("Importing…"), cancellable=False)
        self._task = self.tasks.run_long(
            lambda session, job: apply_grid_import(session, plan, at, actor=actor),
            on_done=self._imported, on_error=self._failed, owner=self,
            key=(id(self), "grid-import"))
        self._task.progress.connect(self._progressed)

    def _imported(self, diff) -> None:
        self._task = None
        self._set_busy(None)
        self.report = None          # applied: a second import needs a fresh dry run
        self.import_button.setEnabled(False)
        self.message.setText(self.tr(
            "Imported: {added} added, {changed} changed, {retired} retired, {back} back.").format(
            added=len(diff.added), changed=len(diff.changed), retired=len(diff.retired),
            back=len(diff.reactivated)))
        self.imported.emit(diff)
