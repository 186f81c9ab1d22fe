"""The duty leader's docks on a seat: rankings (综合评价) and campaigns (专项行动), made on first
use and opened as tabs of the status strip's place. A mixin of MainWindow
(console/ui/main_window.py), which owns the status dock, the selection and the feed; its words
keep the window's translation context, "MainWindow".
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

translate = QCoreApplication.translate
# A leader's dock opens this share of the window tall.
LEADER_DOCK_SHARE = 0.45


class LeaderDocks:
    """The leader half of MainWindow's docks (see the module's docstring)."""

    def _rankings_action(self) -> QAction:
        # The rankings dock is made on first use: it evaluates as soon as it exists.
        action = QAction(translate("MainWindow", "&Rankings"), self)

        def show() -> None:
            if getattr(self, "evaluation_dock", None) is None:
                from console.ui.evaluation.dock import EvaluationDock
                self.evaluation_dock = EvaluationDock(self.tasks, self.selection, self)
                self.evaluation_dock.set_actor(self.actor)
                self._beside_the_figures(self.evaluation_dock)
            self.evaluation_dock.show()
            self.evaluation_dock.raise_()
        action.triggered.connect(show)
        return action

    def _beside_the_figures(self, dock: QDockWidget) -> None:
        """A leader's dock opens as a tab of the status strip's place. Docked beside the strip
        it squeezed the KPI tiles into slivers and pushed a 1366-px window past the screen."""
        if not any(d.isVisible() for d in self._leader_docks()):
            self._strip_height = self.status_dock.height()   # given back when they close
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        if self.status_dock.isVisible() and not self.status_dock.isFloating():
            self.tabifyDockWidget(self.status_dock, dock)
        dock.toggleViewAction().toggled.connect(self._leader_dock_toggled)
        # Tall enough for a list (the strip's own height showed one row of a ranking).
        self.resizeDocks([dock], [max(dock.minimumSizeHint().height(),
                                      int(self.height() * LEADER_DOCK_SHARE))],
                         Qt.Orientation.Vertical)

    def _leader_docks(self) -> list[QDockWidget]:
        return [d for d in (getattr(self, "evaluation_dock", None),
                            getattr(self, "campaign_dock", None)) if d is not None]

    @Slot(bool)
    def _leader_dock_toggled(self, shown: bool) -> None:
        """The last leader dock closed: the strip gets its own height back (the tabs share
        one; it stayed 45% of the window)."""
        if shown or any(not d.isHidden() for d in self._leader_docks()):
            return
        height = getattr(self, "_strip_height", 0)
        if height > 0 and not self.status_dock.isFloating():
            self.resizeDocks([self.status_dock], [height], Qt.Orientation.Vertical)

    def _campaigns_action(self) -> QAction:
        action = QAction(translate("MainWindow", "&Campaigns"), self)

        def show() -> None:
            if getattr(self, "campaign_dock", None) is None:
                from console.ui.campaigns.dock import CampaignDock
                self.campaign_dock = CampaignDock(self.tasks, self.selection, self)
                self.campaign_dock.set_actor(self.actor)
                self.campaign_dock.map_drawer = self.map_widget
                self.feed_changed.connect(self.campaign_dock.on_feed)
                self._beside_the_figures(self.campaign_dock)
            self.campaign_dock.show()
            self.campaign_dock.raise_()
        action.triggered.connect(show)
        return action
