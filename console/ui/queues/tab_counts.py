"""The queue dock's tab counts: every tab's count under the current filter, read at most
every COUNTS_MIN_INTERVAL_MS (one read at a time), written on the tabs, the overdue tab in red.
A mixin of QueueDock (console/ui/queues/dock.py), which holds the tabs, the filter and the
count timer; its words keep the dock's translation context, "QueueDock".
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QColor

from console.common.messages import stage_name
from console.common.theme import severity_color
from console.live import refresh_policy
from console.services import queues
from console.services.queues import STAGES
from console.ui.queues.texts import compact_count


class TabCounts:
    """The counting half of QueueDock (see the module's docstring)."""

    def schedule_counts(self) -> None:
        if not self._count_timer.isActive():
            self._count_timer.start()

    def refresh_counts(self) -> None:
        """Count every tab under the current filter (one read at a time)."""
        if self._counting:
            self._count_again = True
            return
        self._counting = True
        wanted = self.current_filter()
        stages = refresh_policy.stages_to_count(STAGES, wanted.active, self._total_counted)
        # What this read leaves current; a new case arriving meanwhile clears it again.
        self._total_counted = not wanted.active
        viewer = self.actor      # the free text searches callers' numbers only for the desk
        self.tasks.run(lambda s: queues.stage_counts(s, wanted, stages=stages, viewer=viewer),
                       on_done=self._show_counts, on_error=self._counts_failed, owner=self)

    def _show_counts(self, counts: dict[str, int]) -> None:
        self._counting = False
        self.counts = {**self.counts, **counts}
        counts = self.counts
        for i, stage in enumerate(STAGES):
            name = stage_name(stage) if stage != "all" else QCoreApplication.translate(
                "QueueDock", "All cases")
            count = compact_count(min(counts[stage], queues.COUNT_CAP))
            if counts[stage] > queues.COUNT_CAP:
                count += "+"   # the filtered "all" tab stops counting there
            self.tabs.setTabText(i, QCoreApplication.translate(
                "QueueDock", "{stage} {count}").format(stage=name, count=count))
        self._colour_tabs()
        if self._count_again:
            self._count_again = False
            self.schedule_counts()

    def _colour_tabs(self) -> None:
        """Overdue cases make their tab red; the others keep the theme's colour."""
        urgent = self.counts.get("overdue", 0) > 0
        overdue = STAGES.index("overdue")
        for i in range(len(STAGES)):
            self.tabs.setTabTextColor(i, severity_color("critical") if urgent and i == overdue
                                      else QColor())   # invalid: the style's own colour

    def changeEvent(self, event: QEvent) -> None:   # noqa: N802 — Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._colour_tabs()   # the theme changed: its red, not the old one

    def _counts_failed(self, exc: BaseException) -> None:
        self._counting = False
        self._total_counted = False
        self._failed(exc)

    def show_overview(self, _overview) -> None:
        """The main window's periodic overview: a moment to re-count (time makes cases overdue)."""
        self.schedule_counts()
