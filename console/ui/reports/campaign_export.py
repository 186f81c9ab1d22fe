"""Export a campaign (its targets and trend, focus cases, slowest units, orders) to Excel as long
work: the figures are read and the file written on the task runner's long lane, a non-modal
progress dialog shows how far it is and cancels it, while the queue and the map stay live."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from console.common.messages import describe_error, supervision_level_name
from console.live.tasks import Task, TaskRunner
from console.services.campaign_export import export_campaign


class CampaignExport(QObject):
    """One export at a time; `done(path)` when the file is there, `message(text)` for the bar."""

    done = Signal(object)
    message = Signal(str)

    def __init__(self, tasks: TaskRunner, parent: QWidget, now=datetime.now) -> None:
        super().__init__(parent)
        self.tasks, self.parent_widget, self._now = tasks, parent, now
        self.task: Task | None = None
        self.dialog: QProgressDialog | None = None

    def labels(self) -> dict[str, str]:
        return {
            "title": self.tr("Campaign"), "scope": self.tr("Scope"), "period": self.tr("Period"),
            "upto": self.tr("figures up to"), "closed": self.tr("closed, figures frozen"),
            "exported": self.tr("Exported"),
            "drawn_area": self.tr("area drawn on the map ({cells} cells)"),
            "targets": self.tr("Targets"), "target": self.tr("Target"), "goal": self.tr("Goal"),
            "now": self.tr("Now"), "met": self.tr("Met"), "by": self.tr("By"),
            "yes": self.tr("yes"), "no": self.tr("no"), "tagged": self.tr("Cases tagged"),
            "open": self.tr("Open focus cases"),
            "coverage": self.tr("Cells patrolled today (covered, cells, share)"),
            "trend": self.tr("Daily trend"), "day": self.tr("Day"),
            "focus": self.tr("Open focus cases"), "number": self.tr("Case"),
            "category": self.tr("Category"), "street": self.tr("Street"),
            "department": self.tr("Department"), "deadline": self.tr("Deadline"),
            "supervision": self.tr("Supervision"), "slowest": self.tr("Slowest"),
            "kind": self.tr("Kind"), "unit": self.tr("Unit"), "score": self.tr("Score"),
            "grade": self.tr("Grade"), "rate": self.tr("On-time rate"),
            "overdue": self.tr("Overdue"), "orders": self.tr("Supervision orders"),
            "level": self.tr("Level"), "reason": self.tr("Reason"), "issued": self.tr("Issued"),
            "due": self.tr("Due"), "answered": self.tr("Answered"), "closed_at": self.tr("Closed"),
            "level1": supervision_level_name(1), "level2": supervision_level_name(2),
            "level3": supervision_level_name(3),
            "after_action": self.tr("After-action summary"), "referred": self.tr("Referred"),
            "as_lead": self.tr("As lead"), "as_assist": self.tr("Assisting"),
            "handled": self.tr("Handled"), "participating": self.tr("In the operation"),
            "aa_found": self.tr("Cases found"), "aa_by_patrol": self.tr("Found by patrols"),
            "aa_handled": self.tr("Cases handled"), "aa_referred": self.tr("Cases referred"),
            "aa_open_cases": self.tr("Still open")}

    def target_names(self) -> dict[str, str]:
        return {"on_time_closure_rate": self.tr("On-time closure rate ≥"),
                "open_focus_max": self.tr("Open focus cases ≤"),
                "patrol_coverage": self.tr("Cells patrolled daily ≥")}

    def ask(self, campaign_id: int, name: str) -> None:
        """Ask where to save, then export."""
        if self.task is not None:
            return
        stamp = self._now().strftime("%Y%m%d-%H%M")
        path, _ = QFileDialog.getSaveFileName(
            self.parent_widget, self.tr("Export campaign to Excel"),
            f"campaign-{campaign_id}-{stamp}.xlsx", self.tr("Excel (*.xlsx)"))
        if path:
            self.start(campaign_id, name, Path(path))

    def start(self, campaign_id: int, name: str, path: Path) -> Task | None:
        """Export the campaign as of now to `path` on the long lane."""
        if self.task is not None:
            return None
        labels, targets = self.labels(), self.target_names()
        now = self._now().replace(microsecond=0)

        def work(session, job):
            return export_campaign(session, campaign_id, path, now=now, labels=labels,
                                   target_names=targets, exported_at=now,
                                   report=lambda f: job.progress(f, "campaign"),
                                   check=job.check)
        self.dialog = QProgressDialog(self.tr("Exporting {name}…").format(name=name),
                                      self.tr("Cancel"), 0, 1000, self.parent_widget.window())
        self.dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setValue(0)
        self.task = self.tasks.run_long(
            work, on_done=lambda _figures: self._finished(path), on_error=self._failed,
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

    def _finished(self, path: Path) -> None:
        self._close()
        self.message.emit(self.tr("Campaign exported to {path}").format(path=path))
        self.done.emit(path)

    def _failed(self, exc: BaseException) -> None:
        self._close()
        self.message.emit(describe_error(exc))
