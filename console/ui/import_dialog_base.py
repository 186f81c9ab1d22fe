"""What the two GIS import dialogs (the unit grid, the work grids) share beyond their option
widgets (grid_dialog_parts): the dry-run row with its progress and Cancel, the report's message
and summary, the problem table beside its preview, the bottom buttons; being busy, cancelling,
the import button's state, saving the report as JSON, closing.

A subclass builds its file and option rows into a form, then calls `_build_report_area`; it
provides `options()`, `run_check` (through `_start_check`), `run_import`, `_progressed`,
`_show_report`, `_offer_fields` and `_code_box`, and its dry run a report with `options`,
`importable`, `attributes`, `source` and `to_dict()`. The words keep the context
"GridImportDialog" (the grid dialog's, where they were first): one translation for both.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
)

from console.common.grid_texts import refusal_text
from console.common.messages import describe_error
from console.live.tasks import Lane, Task
from console.services.grid_import import GridImportError
from console.ui.grid_preview import GridPreview


class ImportDialogBase(QDialog):
    """The shared half of a GIS import dialog (see the module's docstring)."""

    _task: Task | None
    # The refusals that name the file's attributes: they are offered, the code's chooser focused.
    FIELD_REFUSALS: tuple[str, ...] = ()

    # --- layout ----------------------------------------------------------------------------

    def _build_report_area(self, form: QFormLayout, prefix: str, code_header: str) -> None:
        """Lay out `form`, the run row, the report and the buttons; object names start with
        `prefix` ("grid" → gridCheck, gridMessage, gridSummary, gridProblems, gridImport)."""
        self.check_button = QPushButton(
            QCoreApplication.translate("GridImportDialog", "&Check (dry run)"), self)
        self.check_button.setObjectName(f"{prefix}Check")
        self.check_button.clicked.connect(self.run_check)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.stage = QLabel(self)
        self.cancel_button = QPushButton(QCoreApplication.translate("GridImportDialog", "Cancel"),
                                         self)
        self.cancel_button.clicked.connect(self.cancel)
        run_row = QHBoxLayout()
        run_row.addWidget(self.check_button)
        run_row.addWidget(self.progress, 1)
        run_row.addWidget(self.stage)
        run_row.addWidget(self.cancel_button)

        self.message = QLabel(self)
        self.message.setObjectName(f"{prefix}Message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel(self)
        self.summary.setObjectName(f"{prefix}Summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName(f"{prefix}Problems")
        self.table.setHorizontalHeaderLabels([
            QCoreApplication.translate("GridImportDialog", "Feature"), code_header,
            QCoreApplication.translate("GridImportDialog", "Level"),
            QCoreApplication.translate("GridImportDialog", "Problem")])
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # One line per problem, the whole sentence in the tooltip: a report may list tens of
        # thousands of features, and measuring wrapped rows would freeze the dialog.
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.itemSelectionChanged.connect(self._row_chosen)
        self.preview = GridPreview(self)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        self.save_button = QPushButton(
            QCoreApplication.translate("GridImportDialog", "Save &report…"), self)
        self.save_button.clicked.connect(self._pick_report_file)
        self.import_button = QPushButton(QCoreApplication.translate("GridImportDialog",
                                                                    "&Import"), self)
        self.import_button.setObjectName(f"{prefix}Import")
        self.import_button.clicked.connect(self.run_import)
        close = QPushButton(QCoreApplication.translate("GridImportDialog", "Close"), self)
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addStretch(1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(run_row)
        layout.addWidget(self.message)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)

    # --- choosing ----------------------------------------------------------------------------

    def choose_path(self, path: str | Path) -> None:
        self.path_edit.setText(str(path))

    # --- running -----------------------------------------------------------------------------

    def _set_busy(self, stage: str | None, *, cancellable: bool = True) -> None:
        """An import cannot be cancelled (it is one transaction that runs to its end: a
        cancel would only hide that it happened), so it shows no Cancel and no percentage."""
        busy = stage is not None
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy and cancellable)
        self.stage.setText(stage or "")
        self.check_button.setEnabled(not busy)
        self.path_edit.setEnabled(not busy)
        if busy:
            self.import_button.setEnabled(False)
            self.progress.setRange(0, 100 if cancellable else 0)
            self.progress.setValue(0)

    def _start_check(self, plan, key: str, no_file: str) -> None:
        """The dry run of the chosen file on the long lane, `plan(session, path, options,
        progress=…)`, cancellable at each step; `no_file`: what to say when none is chosen."""
        path = self.path_edit.text().strip()
        if not path:
            self.message.setText(no_file)
            return
        options = self.options()
        self.report = None
        self._set_busy(QCoreApplication.translate("GridImportDialog", "Reading the file…"))

        def work(session, job):
            def step(fraction: float, stage: str) -> None:
                job.check()
                job.progress(fraction, stage)
            return plan(session, Path(path).expanduser(), options, progress=step)
        self._task = self.tasks.run_long(work, on_done=self._checked, on_error=self._failed,
                                         owner=self, key=(id(self), key))
        self._task.progress.connect(self._progressed)

    @Slot()
    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._set_busy(None)
        self.message.setText(QCoreApplication.translate("GridImportDialog", "Cancelled."))

    def _checked(self, report) -> None:
        self._task = None
        self._set_busy(None)
        self.report = report
        self._offer_fields(report.attributes)
        self._show_report(report)
        self.checked.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        self._set_busy(None)
        if isinstance(exc, GridImportError):
            text = refusal_text(exc.code, exc.params)
            if exc.code in self.FIELD_REFUSALS:
                self._offer_fields(list(exc.params.get("fields", [])))
                self._code_box().setFocus()
            if exc.code == "grid_changed":
                self.report = None
        else:
            text = describe_error(exc)
        self.message.setText(text)
        self._update_import_button()
        self.refused.emit(text)

    # --- the report --------------------------------------------------------------------------

    def _importable_now(self) -> bool:
        if self.report is None:
            return False
        options = dataclasses.replace(self.report.options,
                                      skip_invalid=self.skip_invalid.isChecked())
        return dataclasses.replace(self.report, options=options).importable

    @Slot()
    def _update_import_button(self) -> None:
        self.import_button.setEnabled(self._task is None and self._importable_now())

    def _preview_shape(self, data: object) -> int | None:
        """The preview's shape number for a table row's first-column data."""
        return data

    @Slot()
    def _row_chosen(self) -> None:
        items = self.table.selectedItems()
        data = None
        if items:
            first = self.table.item(items[0].row(), 0)
            data = first.data(Qt.ItemDataRole.UserRole) if first is not None else None
        self.preview.highlight(self._preview_shape(data))

    @Slot()
    def _pick_report_file(self) -> None:
        if self.report is None:
            return
        stem = Path(self.report.source.split("!")[-1]).stem
        path, _ = QFileDialog.getSaveFileName(
            self, QCoreApplication.translate("GridImportDialog", "Save the report"),
            str(Path.home() / f"{stem}-report.json"),
            QCoreApplication.translate("GridImportDialog", "JSON (*.json)"))
        if path:
            self.save_report_to(path)

    def save_report_to(self, path: str | Path) -> None:
        """The dry run's report as JSON (the same as the command line's `--report`)."""
        if self.report is None:
            return
        try:
            Path(path).write_text(json.dumps(self.report.to_dict(), ensure_ascii=False,
                                             indent=1), encoding="utf-8")
        except OSError as exc:
            self.message.setText(QCoreApplication.translate(
                "GridImportDialog", "The report could not be saved: {error}").format(
                error=exc.strerror or str(exc)))
            return
        self.message.setText(QCoreApplication.translate(
            "GridImportDialog", "Report saved to {path}").format(path=path))

    def closeEvent(self, event) -> None:
        if self._task is not None and self._task.lane == Lane.LONG:
            self._task.cancel()     # a dry run nobody will read; an import runs to its end
        super().closeEvent(event)
