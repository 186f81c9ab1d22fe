"""Making the shift hand-over or daily report: read (long lane) → pictures (GUI thread, a
fraction of a second) → PDF (long lane), with one progress dialog that cancels it.

The map picture is a grab of the seat's map widget when one is given and showing, else the
grid's state painted from the report's own figures.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from console.common.messages import describe_error
from console.live.tasks import Task, TaskRunner
from console.services import overview
from console.services.reports_shift import day_period, read_shift_report, shift_period
from console.ui.reports.shift_pdf import chart_images, grid_image, write_pdf


class ShiftReportRunner(QObject):
    """One report at a time; `done(path)` when the PDF is written."""

    done = Signal(object)
    message = Signal(str)

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *,
                 map_widget: QWidget | None = None, now=None) -> None:
        super().__init__(parent)
        self.tasks, self.map_widget, self._parent = tasks, map_widget, parent
        self._now = now or (lambda: datetime.now().replace(microsecond=0))
        self.task: Task | None = None
        self.dialog: QProgressDialog | None = None

    def ask(self, kind: str) -> None:
        if self.task is not None:
            return
        stamp = self._now().strftime("%Y%m%d-%H%M")
        name = f"{'shift' if kind == 'shift' else 'daily'}-{stamp}.pdf"
        caption = self.tr("Shift hand-over report") if kind == "shift" else self.tr("Daily report")
        path, _ = QFileDialog.getSaveFileName(self._parent, caption, name, self.tr("PDF (*.pdf)"))
        if path:
            self.start(kind, Path(path))

    def start(self, kind: str, path: Path) -> Task | None:
        if self.task is not None:
            return None
        now = self._now()
        start, end = shift_period(now) if kind == "shift" else day_period(now)
        self.dialog = QProgressDialog(self.tr("Reading the figures…"), self.tr("Cancel"), 0, 1000,
                                      self._parent)
        self.dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.canceled.connect(self.cancel)
        self.dialog.show()

        def read(session, job):
            report = read_shift_report(session, start, end, kind=kind,
                                       progress=lambda f: (job.check(), job.progress(f * 0.7, "read")))
            return report, overview.city_name(session)
        self.task = self.tasks.run_long(read, on_done=lambda r: self._pictures(path, now, *r),
                                        on_error=self._failed, on_progress=self._progress,
                                        owner=self)
        return self.task

    def _progress(self, fraction: float, _stage: str) -> None:
        if self.dialog is not None:
            self.dialog.setValue(int(fraction * 1000))

    def _pictures(self, path: Path, now: datetime, report, centre: str) -> None:
        if self.dialog is None:
            return
        self.dialog.setLabelText(self.tr("Writing the PDF…"))
        charts = chart_images(report)
        the_map = self.map_widget
        picture = (the_map.grab().toImage() if the_map is not None and the_map.isVisible()
                   else None)

        def write(job):
            job.check()
            image = picture if picture is not None else grid_image(report.cells)
            job.progress(0.85, "pdf")
            return write_pdf(report, path, centre=centre, generated_at=now,
                             map_image=image, charts=charts)
        self.task = self.tasks.call_long(write, on_done=self._written, on_error=self._failed,
                                         on_progress=self._progress, owner=self)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.message.emit(self.tr("Report cancelled."))
        self._close()

    def _close(self) -> None:
        self.task = None
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _written(self, path: Path) -> None:
        self._close()
        self.message.emit(self.tr("Report written to {path}").format(path=path))
        self.done.emit(path)

    def _failed(self, exc: BaseException) -> None:
        self._close()
        self.message.emit(describe_error(exc))
