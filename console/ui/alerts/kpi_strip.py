"""状态与指标: the KPI strip — today's figures, each with a sparkline of the last 24 hours.

Figures are read off the GUI thread (console.services.kpis) when the feed says cases or
alerts changed (at most every few seconds) and every minute for what time alone moves. Each
sparkline is created once and fed with setData.

The sparklines (pyqtgraph plots, a noticeable part of a cold start) may come after the rest:
the main window asks for them once its first screen is up (`create_sparklines`); until then
each tile keeps its series and colour and a blank of the plot's height holds the place.
"""
from __future__ import annotations

import logging
from collections import deque

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from console.live import refresh_policy
from console.live.tasks import TaskRunner
from console.services import kpis as kpi_service
from console.services.kpis import Kpis
from console.services.overview import Overview
from console.ui.alerts.style import strip_style
from console.common.theme import SEVERITY_COLORS, current_theme, normalise_theme, set_state

RATE_HISTORY = 120        # feed status arrives about once a second: two minutes of history
# KPIs are re-read at most this often, however busy the feed (shared with the headless seats
# the benches measure, console/live/refresh_policy.py)…
MIN_INTERVAL_MS = refresh_policy.KPIS_MIN_INTERVAL_MS
PERIOD_MS = 60_000        # …and at least this often
# The feed kinds that move a KPI; checked against the producers by tests/test_feed_kinds.py.
FEED_KINDS = refresh_policy.KPI_KINDS
SPARK_HEIGHT = 26
log = logging.getLogger(__name__)


class KpiTile(QFrame):
    """A caption, a value with a short note, and a sparkline (made by `create_plot`)."""

    def __init__(self, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.plot = self.curve = None
        self._series: list[float] = []
        self._colour: tuple[str, bool] | None = None
        self.setObjectName(f"kpi_{key}")
        self.setProperty("kind", "tile")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 4)
        layout.setSpacing(0)
        self.caption = QLabel(caption, self)
        self.caption.setProperty("kind", "kpiCaption")
        layout.addWidget(self.caption)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.value = QLabel("—", self)
        self.value.setProperty("kind", "kpiValue")
        self.note = QLabel("", self)
        self.note.setProperty("kind", "kpiNote")
        row.addWidget(self.value)
        row.addWidget(self.note, 1)
        layout.addLayout(row)
        self._blank = QWidget(self)   # the plot's place until it exists: no jump in layout
        self._blank.setFixedHeight(SPARK_HEIGHT)
        self._blank.setMinimumWidth(30)
        layout.addWidget(self._blank)
        # The strip must fit under a narrow map: captions and notes give way (clipped; the
        # tooltip and the value remain) rather than widen the window.
        for label in (self.caption, self.note):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(0)

    def create_plot(self) -> None:
        """Make the sparkline (once) and give it what the tile was told meanwhile."""
        if self.plot is not None:
            return
        import pyqtgraph as pg
        self.plot = pg.PlotWidget(self)
        self.plot.setObjectName(f"spark_{self.key}")
        # Too small for readable axes: the value and the tooltip carry the numbers.
        for axis in ("bottom", "left"):
            self.plot.hideAxis(axis)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setFixedHeight(SPARK_HEIGHT)
        self.plot.setBackground(None)
        self.plot.setStyleSheet("background: transparent; border: none;")
        self.plot.getPlotItem().setContentsMargins(0, 0, 0, 0)
        self.plot.getPlotItem().getViewBox().setDefaultPadding(0.08)
        self.curve = self.plot.plot([], connect="finite")   # created once, then setData
        self.plot.setMinimumWidth(30)
        self.layout().replaceWidget(self._blank, self.plot)
        self._blank.hide()
        self._blank.deleteLater()
        if self._colour is not None:
            colour, fill = self._colour
            self.set_colour(colour, fill=fill)
        if self._series:
            self.set_series(self._series)

    def set_value(self, text: str, severity: str = "", note: str = "") -> None:
        self.value.setText(text)
        self.note.setText(note)
        set_state(self.value, "severity", severity)

    def set_series(self, values: list[float]) -> None:
        self._series = values
        if self.curve is not None:
            self.curve.setData(list(range(len(values))), values, connect="finite")

    def set_colour(self, colour: str, *, fill: bool = True) -> None:
        self._colour = (colour, fill)
        if self.curve is None:
            return
        import pyqtgraph as pg
        self.curve.setPen(pg.mkPen(colour, width=1.6))
        if fill:
            brush = pg.mkColor(colour)
            brush.setAlpha(50)
            self.curve.setFillLevel(0)
            self.curve.setBrush(brush)


class KpiStripDock(QDockWidget):
    """The strip at the bottom: counts, on-time rate, patrols, and the live change rate."""

    kpis_loaded = Signal(object)   # Kpis, after each refresh
    theme_changed = Signal(str)

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *,
                 sparklines: bool = True) -> None:
        """`sparklines=False`: the plots wait for `create_sparklines`."""
        super().__init__(self.tr("Status and KPIs"), parent)
        self.setObjectName("statusDock")
        self.tasks = tasks
        body = QWidget(self)
        body.setObjectName("kpiStrip")
        layout = QHBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(6)
        captions = {
            "reported_today": self.tr("Reported today"),
            "registered_today": self.tr("Registered today"),
            "closed_today": self.tr("Closed today"),
            "on_time_rate": self.tr("On-time closure"),
            "overdue_now": self.tr("Overdue now"),
            "open_total": self.tr("Open cases"),
            "patrols_on_duty": self.tr("Patrols on duty"),
            "patrols_off_post": self.tr("Off post"),
            "patrols_offline": self.tr("Offline"),
            "rate": self.tr("Changes per second"),
        }
        self.tiles: dict[str, KpiTile] = {}
        for key, caption in captions.items():
            self.tiles[key] = KpiTile(key, caption, body)
            layout.addWidget(self.tiles[key], 1)
        self.setWidget(body)
        self._rates: deque[float] = deque([0.0] * RATE_HISTORY, maxlen=RATE_HISTORY)
        self.kpis: Kpis | None = None
        self._running = False
        self._dirty = False
        self._soon = QTimer(self, singleShot=True, interval=MIN_INTERVAL_MS)
        self._soon.timeout.connect(self.refresh)
        self._period = QTimer(self, interval=PERIOD_MS)
        self._period.timeout.connect(self.refresh)
        self._period.start()
        self.apply_theme(current_theme())
        self.add_rate(0.0)
        self._unplotted: list[KpiTile] = []
        if sparklines:
            for tile in self.tiles.values():
                tile.create_plot()
        self.refresh()

    @Slot()
    def create_sparklines(self) -> None:
        """Make the tiles' plots: one per turn of the event loop, so the screen that is up
        already keeps answering (ten plots take a few hundred milliseconds)."""
        if self._unplotted or any(t.plot is not None for t in self.tiles.values()):
            return   # asked already
        self._unplotted = list(self.tiles.values())
        self._plot_next()

    def _plot_next(self) -> None:
        if self._unplotted:
            self._unplotted.pop(0).create_plot()
            QTimer.singleShot(0, self, self._plot_next)   # not after the strip is gone

    # --- what the main window calls ------------------------------------------------------

    def show_overview(self, ov: Overview) -> None:
        """Fresh queue counts: the open total at once, the rest with the next KPI read."""
        self.tiles["open_total"].set_value(str(ov.open_total))
        self.schedule()

    def add_rate(self, rate: float) -> None:
        """Append one change-rate sample (from the feed worker's status, about once a second)."""
        self._rates.append(rate)
        self.tiles["rate"].set_series(list(self._rates))
        self.tiles["rate"].set_value(f"{rate:.1f}", note=self.tr("peak {peak}").format(
            peak=f"{max(self._rates):.1f}"))

    @Slot(str)
    def apply_theme(self, theme: str) -> None:
        theme = normalise_theme(theme)
        colours = SEVERITY_COLORS[theme]
        self.widget().setStyleSheet(strip_style(theme))
        for key, tile in self.tiles.items():
            # A rate with gaps (hours when nothing was due) reads better as a bare line.
            tile.set_colour(colours[_COLOUR.get(key, "info")], fill=key != "on_time_rate")
        self.theme_changed.emit(theme)

    @Slot(object)
    def on_feed(self, batch) -> None:
        if any(r.entity in FEED_KINDS for r in batch.rows):
            self.schedule()

    # --- reading -------------------------------------------------------------------------

    @Slot()
    def schedule(self) -> None:
        """Read the figures soon; many requests within the interval become one read."""
        if not self._soon.isActive():
            self._soon.start()

    @Slot()
    def refresh(self) -> None:
        if self._running:
            self._dirty = True
            return
        self._running = True
        self.tasks.run(kpi_service.kpis, on_done=self.show_kpis, on_error=self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        # The figures stay as they were; the next feed change or the minute timer tries again.
        self._running = False
        log.warning("KPI figures could not be read: %s", exc)

    def show_kpis(self, k: Kpis) -> None:
        self._running = False
        self.kpis = k
        t = self.tiles
        t["reported_today"].set_value(str(k.reported_today))
        t["registered_today"].set_value(str(k.registered_today))
        t["closed_today"].set_value(str(k.closed_today), "ok" if k.closed_today else "")
        t["open_total"].set_value(str(k.open_now))
        rate = k.on_time_rate
        if rate is None:
            t["on_time_rate"].set_value("—", note=self.tr("nothing due"))
        else:
            severity = "ok" if rate >= 0.9 else "warning" if rate >= 0.75 else "critical"
            t["on_time_rate"].set_value(f"{rate * 100:.1f}%", severity,
                                        note=f"{k.closed_on_time_today}/{k.due_today}")
        t["overdue_now"].set_value(str(k.overdue_now), "critical" if k.overdue_now else "")
        t["patrols_on_duty"].set_value(str(k.patrols_on_duty), note=self.tr(
            "of {n} on shift").format(n=k.patrols_on_shift))
        t["patrols_off_post"].set_value(str(k.patrols_off_post),
                                        "warning" if k.patrols_off_post else "")
        t["patrols_offline"].set_value(str(k.patrols_offline),
                                       "warning" if k.patrols_offline else "")
        for key, values in k.series.items():
            if key in t:
                t[key].set_series(values)
        for tile in t.values():
            tile.setToolTip(self.tr("Sparkline: the last 24 hours, hour by hour")
                            if tile is not t["rate"] else self.tr("Sparkline: the last two minutes"))
        self.kpis_loaded.emit(k)
        if self._dirty:
            self._dirty = False
            self.schedule()


_COLOUR = {"closed_today": "ok", "on_time_rate": "ok", "overdue_now": "critical",
           "patrols_off_post": "warning", "patrols_offline": "warning", "rate": "muted"}
