"""The briefing map (HTML, opens offline) of what the queue is filtered to: a campaign, or a
street, or else the whole city — written on the long lane."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from console.common.messages import describe_error, status_name
from console.live.tasks import Task, TaskRunner
from console.mappage.briefing_page import write_scope_html
from console.services.queues import QueueFilter
from console.services.reports_map import scope_map


class BriefingMap(QObject):
    done = Signal(object)
    message = Signal(str)

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self._parent = tasks, parent
        self.task: Task | None = None

    def ask(self, f: QueueFilter) -> None:
        path, _ = QFileDialog.getSaveFileName(self._parent, self.tr("Briefing map"),
                                              "briefing.html", self.tr("Web page (*.html)"))
        if path:
            self.start(f, Path(path))

    def start(self, f: QueueFilter, path: Path) -> Task | None:
        if self.task is not None:
            return None
        heading, at = self.tr("Briefing map"), datetime.now().replace(microsecond=0)

        def work(session, job):
            data = scope_map(session, campaign_id=f.campaign_id,
                             street_ids=[f.street_id] if f.street_id is not None else None)
            job.check()
            return write_scope_html(data, path, heading=heading, generated_at=at,
                                    status_name=status_name)
        self.task = self.tasks.run_long(work, on_done=self._done, on_error=self._failed,
                                        owner=self)
        return self.task

    def _done(self, path: Path) -> None:
        self.task = None
        self.message.emit(self.tr("Briefing map written to {path}").format(path=path))
        self.done.emit(path)

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self.message.emit(describe_error(exc))
