"""The wall display (大屏): the map large, KPI tiles, and panels rotating on a timer.

Every read runs on the task runner: the live figures (KPIs, newest urgent cases, campaigns)
when the feed says cases, alerts or the roster changed — at most every few seconds — and at
least every half minute; the rankings on the long lane every few minutes. A refresh only sets
label texts (`show_live`), so the GUI thread stays free for the map's live updates.

Nothing needs a mouse: the panels rotate by themselves; ←/→ turn them, Space pauses.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console.common.theme import current_theme
from console.domain.changes import ROSTER_KINDS, ChangeKind
from console.domain.evaluation import Level
from console.live.tasks import Lane, TaskRunner
from console.services import wall_data
from console.services.wall_data import WallLive, WallRankings
from console.ui.wall.panels import CampaignPanel, RankingPanel, UrgentPanel, WallTile
from console.ui.wall.wall_style import REFERENCE_HEIGHT, scaled, wall_style

# The feed kinds that move what the wall shows (tests/test_feed_kinds.py checks producers).
FEED_KINDS = frozenset({ChangeKind.CASE, ChangeKind.ALERT, ChangeKind.HISTORY}) | ROSTER_KINDS
LIVE_MIN_INTERVAL_MS = 3_000
LIVE_PERIOD_MS = 30_000
RANKINGS_PERIOD_MS = 10 * 60_000
ROTATE_MS = 15_000


class WallView(QWidget):
    """The whole wall; `set_map` puts the seat's map widget in its large slot."""

    live_shown = Signal(object)       # WallLive, once on screen
    rankings_shown = Signal(object)   # WallRankings
    leave_requested = Signal()        # Esc, when leaving is allowed

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *,
                 can_leave: bool = True, now=None, campaigns=None) -> None:
        super().__init__(parent)
        self.setObjectName("wallView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.tasks, self.can_leave = tasks, can_leave
        self._now = now or (lambda: datetime.now().replace(microsecond=0))
        self._campaigns = campaigns     # a campaign_progress for tests; None: the service's
        self.live: WallLive | None = None
        self.rankings: WallRankings | None = None
        self.frame_ms: list[float] = []   # GUI-thread time of each live refresh (the bench)
        self.frame_cpu_ms: list[float] = []   # …and the GUI thread's CPU time in it
        self._reading = self._again = False
        self._styled_for = (0, "")
        self._seat_view = ""   # the map's view before the wall, given back on leaving
        self._build()
        self._wire()

    # --- building ------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel(self.tr("City Command Console"), self)
        self.title.setProperty("kind", "wallTitle")
        self.clock = QLabel(self)
        self.clock.setProperty("kind", "clock")
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        head.addWidget(self.title, 1)
        head.addWidget(self.clock)
        outer.addLayout(head)
        tiles = QHBoxLayout()
        captions = {
            "reported_today": self.tr("Reported today"),
            "closed_today": self.tr("Closed today"),
            "on_time_rate": self.tr("On-time closure"),
            "open_total": self.tr("Open cases"),
            "overdue_now": self.tr("Overdue now"),
            "patrols_on_duty": self.tr("Patrols on duty"),
            "patrols_off_post": self.tr("Off post"),
            "patrols_offline": self.tr("Offline"),
        }
        # One row across the wall: a 1080-pixel screen has no height for a block of tiles
        # beside a panel of eleven rows.
        self.tiles = {key: WallTile(key, text, self) for key, text in captions.items()}
        for tile in self.tiles.values():
            tiles.addWidget(tile, 1)
        outer.addLayout(tiles)
        body = QHBoxLayout()
        self.map_slot = QVBoxLayout()
        self.map_slot.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QWidget(self)   # where the map goes until one is set
        self.map_slot.addWidget(self.placeholder)
        body.addLayout(self.map_slot, 3)
        side = QVBoxLayout()
        self.stack = QStackedWidget(self)
        # The panels take the room the screen leaves them: a long address or name is cut at
        # the panel's edge, never widening the wall past the screen.
        self.stack.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.panels = {
            "departments": RankingPanel("departments", self.tr("Departments: best and worst"), self),
            "streets": RankingPanel("streets", self.tr("Streets: best and worst"), self),
            "urgent": UrgentPanel(self),
            "campaigns": CampaignPanel(self),
        }
        for panel in self.panels.values():
            self.stack.addWidget(panel)
        side.addWidget(self.stack, 1)
        self.pager = QLabel(self)
        self.pager.setProperty("kind", "pager")
        self.pager.setAlignment(Qt.AlignmentFlag.AlignRight)
        side.addWidget(self.pager)
        body.addLayout(side, 2)
        outer.addLayout(body, 1)

    def _wire(self) -> None:
        self._soon = QTimer(self, singleShot=True, interval=LIVE_MIN_INTERVAL_MS)
        self._soon.timeout.connect(self.refresh_live)
        self._period = QTimer(self, interval=LIVE_PERIOD_MS)
        self._period.timeout.connect(self.refresh_live)
        self._rank_timer = QTimer(self, interval=RANKINGS_PERIOD_MS)
        self._rank_timer.timeout.connect(self.refresh_rankings)
        self.rotation = QTimer(self, interval=ROTATE_MS)
        self.rotation.timeout.connect(self.rotate)
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._show_clock)
        for key, slot in ((Qt.Key.Key_Right, self.rotate), (Qt.Key.Key_Left, self.rotate_back),
                          (Qt.Key.Key_Space, self.toggle_rotation),
                          (Qt.Key.Key_Escape, self._escape)):
            QShortcut(QKeySequence(key), self, slot,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def start(self) -> None:
        """Begin reading and rotating (the wall is on screen)."""
        for timer in (self._period, self._rank_timer, self.rotation, self._tick):
            timer.start()
        self._show_clock()
        self._update_pager()
        self.refresh_live()
        self.refresh_rankings()

    def stop(self) -> None:
        for timer in (self._soon, self._period, self._rank_timer, self.rotation, self._tick):
            timer.stop()

    def set_map(self, widget: QWidget | None) -> QWidget | None:
        """Put `widget` in the large slot (None: the placeholder); the one it held back."""
        old = self.map_slot.itemAt(0).widget()
        self.map_slot.removeWidget(old)
        old.setParent(None)
        self._fit_map(old, on_wall=False)
        if hasattr(old, "restore_view"):
            old.hold_view(False)
            old.restore_view(self._seat_view)   # the seat's own view back
        new = widget or self.placeholder
        if hasattr(new, "saved_view"):
            self._seat_view = new.saved_view()
            new.hold_view(True)                 # the wall's fit is not the seat's view
        self.map_slot.addWidget(new)
        new.show()
        self._fit_map(new, on_wall=True)
        return None if old is self.placeholder else old

    def _fit_map(self, widget: QWidget, *, on_wall: bool) -> None:
        """On the wall the page's text and markers follow the wall's scale (a 4K wall shows
        the same map), and the toolbar hides (nobody at a wall types a search); off it, back."""
        view, toolbar = getattr(widget, "view", None), getattr(widget, "toolbar", None)
        if view is not None and hasattr(view, "setZoomFactor"):
            view.setZoomFactor(max(1.0, self.height() / REFERENCE_HEIGHT) if on_wall else 1.0)
        if isinstance(toolbar, QWidget):
            toolbar.setVisible(not on_wall)
        if on_wall and hasattr(widget, "fit_city_soon"):
            # The whole city once the wall has its size: fitted at once, the page would
            # still have the seat's smaller size and leave the city in a corner.
            widget.fit_city_soon(fill=True)

    def set_title(self, text: str) -> None:
        self.title.setText(text)

    # --- size and rotation ---------------------------------------------------------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._restyle()

    def _restyle(self) -> None:
        key = (self.height(), current_theme(), self.width())
        if key != self._styled_for:
            self._styled_for = key
            self.setStyleSheet(wall_style(*key))
            gap = scaled(self.height(), self.width())["gap"]
            for panel in self.panels.values():
                panel.set_spacing(gap)
            self._fit_map(self.map_slot.itemAt(0).widget(), on_wall=True)

    def visible_panels(self) -> list[QWidget]:
        """The panels in the rotation: campaigns only while one runs (an empty panel on the wall
        says nothing to the room)."""
        return [p for k, p in self.panels.items()
                if k != "campaigns" or (self.live is not None and bool(self.live.campaigns))]

    @Slot()
    def rotate(self, step: int = 1) -> None:
        shown = self.visible_panels()
        current = self.stack.currentWidget()
        i = shown.index(current) if current in shown else -1
        self.stack.setCurrentWidget(shown[(i + step) % len(shown)])
        self._update_pager()

    @Slot()
    def rotate_back(self) -> None:
        self.rotate(-1)

    @Slot()
    def toggle_rotation(self) -> None:
        if self.rotation.isActive():
            self.rotation.stop()
        else:
            self.rotation.start()
        self._update_pager()

    def _update_pager(self) -> None:
        shown = self.visible_panels()
        current = self.stack.currentWidget()
        i = shown.index(current) + 1 if current in shown else 0
        paused = "" if self.rotation.isActive() else " ‖"
        self.pager.setText("".join("●" if n == i else "○" for n in range(1, len(shown) + 1))
                           + paused)

    def _escape(self) -> None:
        if self.can_leave:
            self.leave_requested.emit()

    def _show_clock(self) -> None:
        self.clock.setText(QDateTime.currentDateTime().toString("yyyy-MM-dd HH:mm:ss"))

    # --- reading -------------------------------------------------------------------------

    @Slot(object)
    def on_feed(self, batch) -> None:
        if any(r.entity in FEED_KINDS for r in batch.rows) and not self._soon.isActive():
            self._soon.start()

    @Slot()
    def refresh_live(self) -> None:
        if self._reading:
            self._again = True
            return
        self._reading = True
        now, campaigns = self._now(), self._campaigns
        self.tasks.run(lambda s: wall_data.read_live(s, now, campaigns=campaigns),
                       on_done=self.show_live, on_error=self._live_failed, owner=self,
                       key=(id(self), "wall-live"))

    def _live_failed(self, _exc: BaseException) -> None:
        self._reading = False   # the next feed change or period tries again

    def show_live(self, live: WallLive) -> None:
        """Put fresh figures on screen (the part of a refresh the GUI thread pays for)."""
        started, cpu = time.perf_counter(), time.thread_time()
        self._reading = False
        self.live = live
        k = live.kpis
        rate = k.on_time_rate
        values = {
            "reported_today": (k.reported_today, ""),
            "closed_today": (k.closed_today, "ok"), "open_total": (k.open_now, ""),
            "overdue_now": (k.overdue_now, "critical" if k.overdue_now else "ok"),
            "patrols_on_duty": (k.patrols_on_duty, ""),
            "patrols_off_post": (k.patrols_off_post, "warning" if k.patrols_off_post else ""),
            "patrols_offline": (k.patrols_offline, "warning" if k.patrols_offline else ""),
        }
        for key, (value, state) in values.items():
            self.tiles[key].set_value(f"{value:,}", state)
        self.tiles["on_time_rate"].set_value(
            "—" if rate is None else "100%" if rate >= 0.9995 else f"{rate:.1%}",
            "" if rate is None else "ok" if rate >= 0.9 else "warning" if rate >= 0.8 else "critical")
        self.panels["urgent"].show_cases(live.urgent)
        if live.campaigns:
            self.panels["campaigns"].show_campaigns(live.campaigns)
        elif self.stack.currentWidget() is self.panels["campaigns"]:
            self.rotate()
        self._update_pager()
        self.frame_ms.append((time.perf_counter() - started) * 1000)
        self.frame_cpu_ms.append((time.thread_time() - cpu) * 1000)
        self.live_shown.emit(live)
        if self._again:
            self._again = False
            self.refresh_live()

    @Slot()
    def refresh_rankings(self) -> None:
        now = self._now()
        self.tasks.run(lambda s: wall_data.read_rankings(s, now), on_done=self.show_rankings,
                       owner=self, key=(id(self), "wall-rankings"), lane=Lane.LONG)

    def show_rankings(self, rankings: WallRankings) -> None:
        self.rankings = rankings
        p = rankings.period
        note = self.tr("Composite score, {start} – {end}").format(
            start=f"{p.start:%m-%d}", end=f"{p.end - timedelta(seconds=1):%m-%d}")   # its last day
        for key, level in (("departments", Level.DEPARTMENT), ("streets", Level.STREET)):
            self.panels[key].show_units(rankings.best.get(level, ()),
                                        rankings.worst.get(level, ()), note)
        self.rankings_shown.emit(rankings)
