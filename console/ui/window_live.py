"""The main window kept current: the feed worker's batches handed to every feature and
reacted to (a resync reads every view again), and the overview (queue counts, KPI strip) read
at most every OVERVIEW_MIN_INTERVAL_MS. A mixin of MainWindow (console/ui/main_window.py),
which owns the docks, the status bar and the overview timer; its words keep the window's
translation context, "MainWindow".
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Slot

from console.domain.changes import ChangeKind
from console.services import overview as readers
from console.services.overview import Overview

if TYPE_CHECKING:
    from console.live.feed_worker import FeedWorker

# Bulk loads re-read the overview. A single case's change is re-counted by the queue dock
# alone (one read per burst, console/live/refresh_policy.py) and reaches the KPI strip by its
# own feed reaction: re-reading the overview too had every seat count every tab twice for
# every change in the room.
COUNTED_KINDS = frozenset({ChangeKind.HISTORY})


class WindowLive:
    """The live half of MainWindow (see the module's docstring)."""

    def attach_feed(self, worker: FeedWorker) -> None:
        """Listen to a feed worker: counts follow case changes, the status bar follows its state."""
        self._feed = worker
        worker.changes.connect(self._on_feed_changes)
        worker.status.connect(self.status.show_feed_status)
        worker.status.connect(self._on_feed_status)
        worker.error.connect(self.status.show_feed_error)
        worker.resynced.connect(self._on_feed_resynced)
        worker.connection_lost.connect(self.outage.connection_lost)
        worker.connection_back.connect(self.outage.connection_back)
        worker.status.connect(self.outage.feed_status)

    @Slot(object)
    def _on_feed_changes(self, batch) -> None:
        self.feed_changed.emit(batch)
        if batch.resync:
            self.resync()
            return
        entities = {row.entity for row in batch.rows}
        if entities & COUNTED_KINDS:
            self.schedule_overview()
        if entities & {ChangeKind.SETTINGS, ChangeKind.CITY}:
            self.load_city_name()
        if ChangeKind.SETTINGS in entities:
            self.load_idle_minutes()
        if ChangeKind.USER in entities and self.actor is not None and any(
                row.entity == ChangeKind.USER and row.entity_id == self.actor.user_id
                for row in batch.rows):
            self._reload_actor()

    def resync(self) -> None:
        """Read every view again in full: the changes since this seat's last read are gone
        from the feed (it slept longer than the feed is kept), so no delta can be trusted."""
        self.queue_dock.reload()
        self.alerts_dock.reload()
        self.status_dock.refresh()
        self.map_widget.live.refresh_roster()
        self.map_widget.live.refresh_cases()
        self.schedule_overview()
        self.load_city_name()
        self.load_idle_minutes()
        self._reload_actor()

    @Slot(int, int)
    def _on_feed_resynced(self, since: int, seq: int) -> None:
        self.status.showMessage(QCoreApplication.translate(
            "MainWindow",
            "This seat was away longer than changes are kept (changes {since}–{seq} are gone): "
            "queues, map and alerts were read again in full.").format(since=since + 1, seq=seq),
            60_000)

    @Slot(dict)
    def _on_feed_status(self, status: dict) -> None:
        if status.get("ok"):
            self.status_dock.add_rate(float(status.get("rows_per_s") or 0.0))

    @Slot()
    def schedule_overview(self) -> None:
        """Ask for fresh counts; many requests within the interval become one query."""
        if not self._overview_timer.isActive():
            self._overview_timer.start()

    @Slot()
    def refresh_overview(self) -> None:
        """Read the counts now (or right after the read already running)."""
        if self._overview_running:
            self._overview_dirty = True
            return
        self._overview_running = True
        self.tasks.run(readers.overview, on_done=self._show_overview,
                       on_error=self._overview_failed, owner=self)

    def _show_overview(self, ov: Overview) -> None:
        self._overview_running = False
        self.queue_dock.show_overview(ov)
        self.status_dock.show_overview(ov)
        self.overview_loaded.emit(ov)
        self._after_overview()

    def _overview_failed(self, exc: BaseException) -> None:
        self._overview_running = False
        self._on_task_failed(exc)
        self._after_overview()

    def _after_overview(self) -> None:
        if self._overview_dirty:
            self._overview_dirty = False
            self.schedule_overview()
