"""Export the queue dock's current view (its tab, filter and order) to Excel as long work.

The rows are streamed by services/reports_queue.py on the task runner's long lane; a small
window-modal-free progress dialog shows how far it is and cancels it, while the queue and the
map go on updating (their reads run on the interactive lane).
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from console.common.messages import describe_error, source_name, stage_name, status_name
from console.live.tasks import Task
from console.services.reports_queue import export_queue


class QueueExport(QObject):
    """One export at a time of a queue dock's view."""

    done = Signal(object, int)      # the path written, the rows in it
    message = Signal(str)

    def __init__(self, dock, parent: QObject | None = None) -> None:
        super().__init__(parent or dock)
        self.dock = dock
        self.task: Task | None = None
        self.dialog: QProgressDialog | None = None

    def labels(self) -> dict[str, str]:
        return {"scope": self.tr("Scope"), "as_of": self.tr("Queue as of"),
                "exported": self.tr("Exported"), "number": self.tr("Number"),
                "category": self.tr("Category"), "status": self.tr("Status"),
                "urgent": self.tr("Urgent"), "source": self.tr("Source"),
                "department": self.tr("Department"), "cell": self.tr("Cell"),
                "address": self.tr("Address"), "reported_at": self.tr("Reported"),
                "deadline": self.tr("Deadline"), "dispatched_at": self.tr("Dispatched"),
                "handled_at": self.tr("Handled"), "closed_at": self.tr("Closed"),
                "supervision": self.tr("Supervision")}

    def scope_text(self) -> str:
        query = self.dock.model.query
        tab = stage_name(query.stage) if query.stage != "all" else self.tr("All cases")
        parts = [tab]
        described = self.dock.filters.describe()
        if described:
            parts.append(described)
        text = self.dock.search.text().strip()
        if text:
            parts.append(self.tr("search “{text}”").format(text=text))
        return " · ".join(parts)

    def ask(self, parent: QWidget | None = None) -> None:
        """Ask where to save, then export."""
        if self.task is not None:
            return
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        path, _ = QFileDialog.getSaveFileName(parent or self.dock, self.tr("Export queue to Excel"),
                                              f"queue-{stamp}.xlsx", self.tr("Excel (*.xlsx)"))
        if path:
            self.start(Path(path))

    def start(self, path: Path) -> Task | None:
        """Export the view shown now to `path` on the long lane."""
        if self.task is not None:
            return None
        query, scope, labels = self.dock.model.query, self.scope_text(), self.labels()
        title = self.tr("Case queue")
        names = {"status": status_name, "source": source_name}
        exported = datetime.now().replace(microsecond=0)

        def work(session, job):
            return export_queue(session, query, path, title=title, scope_text=scope,
                                labels=labels, names=names, exported_at=exported,
                                progress=lambda f: job.progress(f, "rows"), check=job.check)
        self.dialog = QProgressDialog(self.tr("Exporting {scope}…").format(scope=scope),
                                      self.tr("Cancel"), 0, 1000, self.dock.window())
        self.dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setValue(0)
        self.task = self.dock.tasks.run_long(
            work, on_done=lambda rows: self._finished(path, rows), on_error=self._failed,
            on_progress=lambda f, _stage: self.dialog and self.dialog.setValue(int(f * 1000)),
            owner=self)
        self.dialog.canceled.connect(self.cancel)
        self.dialog.show()
        return self.task

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.message.emit(self.tr("Export cancelled."))
        self._close()

    def _close(self) -> None:
        self.task = None
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _finished(self, path: Path, rows: int) -> None:
        self._close()
        self.message.emit(self.tr("{rows} cases exported to {path}").format(rows=rows, path=path))
        self.done.emit(path, rows)

    def _failed(self, exc: BaseException) -> None:
        self._close()
        self.message.emit(describe_error(exc))
