"""The window's docks for now: small, honest panels until the map, queues and alerts arrive.

They show real figures (read off the GUI thread by the main window) and say plainly which
feature will replace them, so a seat opened today is useful and not misleading.
"""
from __future__ import annotations

from collections import deque

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from console.services.overview import Overview
from console.ui.theme import SEVERITY_COLORS, set_state

RATE_HISTORY = 120   # feed status arrives about once a second: two minutes of history


def _label(text: str, kind: str, parent: QWidget, *, wrap: bool = False) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("kind", kind)
    label.setWordWrap(wrap)
    return label


class Tile(QFrame):
    """A caption and a big number; the number's colour says whether it needs attention."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("kind", "tile")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.caption = _label(caption, "tileLabel", self)
        self.value = _label("—", "tileValue", self)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set_value(self, value: int | str, severity: str = "") -> None:
        self.value.setText(str(value))
        set_state(self.value, "severity", severity)


class MapPlaceholder(QFrame):
    """The map's place in the centre until the map feature replaces it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapPlaceholder")
        title = _label(self.tr("Map"), "mapTitle", self)
        text = _label(self.tr("The live map — unit grid cells shaded by open and overdue cases, "
                              "case markers and patrol positions — arrives with the map "
                              "feature. Until then the queues, alerts and figures around it "
                              "are live."), "emptyText", self, wrap=True)
        for label in (title, text):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A wrapped label given an alignment in its layout loses its height-for-width and is
        # clipped; centre it between stretches instead.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(text, 4)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(title)
        layout.addLayout(row)
        layout.addStretch(3)


class AlertsDock(QDockWidget):
    """告警: an honest empty state until alert rules exist."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Alerts"), parent)
        self.setObjectName("alertsDock")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.addStretch(1)
        icon = _label("○", "emptyIcon", body)   # neutral: an empty list here is not "all clear"
        title = _label(self.tr("No alert rules yet"), "emptyTitle", body, wrap=True)
        text = _label(self.tr("Nothing is being watched yet. Rules for urgent cases, deadlines, "
                              "overdue cases, patrols off post or idle, hotspots and "
                              "recurrences arrive with the alerts feature; their alerts will "
                              "appear here, newest first."), "emptyText", body, wrap=True)
        for label in (icon, title, text):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        layout.addStretch(2)
        self.setWidget(body)


class StatusDock(QDockWidget):
    """状态与指标: today's figures and the live change rate."""

    KPIS = ("reported_today", "closed_today", "open_total", "overdue", "patrols_online")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Status and KPIs"), parent)
        self.setObjectName("statusDock")
        body = QWidget(self)
        layout = QHBoxLayout(body)
        layout.setSpacing(8)
        captions = {"reported_today": self.tr("Reported today"),
                    "closed_today": self.tr("Closed today"),
                    "open_total": self.tr("Open cases"), "overdue": self.tr("Overdue"),
                    "patrols_online": self.tr("Patrols reporting")}
        self.tiles: dict[str, Tile] = {}
        for key in self.KPIS:
            self.tiles[key] = Tile(captions[key], body)
            self.tiles[key].setObjectName(f"kpi_{key}")
            layout.addWidget(self.tiles[key], 1)
        rate_box = QFrame(body)
        rate_box.setProperty("kind", "tile")
        rate_layout = QVBoxLayout(rate_box)
        rate_layout.setContentsMargins(12, 8, 12, 8)
        self.rate_caption = _label("", "tileLabel", rate_box)
        rate_layout.addWidget(self.rate_caption)
        self.plot = pg.PlotWidget(rate_box)
        self.plot.setObjectName("ratePlot")
        # Too small for readable axes: the caption carries the numbers instead.
        self.plot.hideAxis("bottom")
        self.plot.hideAxis("left")
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setMinimumHeight(48)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._rates: deque[float] = deque([0.0] * RATE_HISTORY, maxlen=RATE_HISTORY)
        self.curve = self.plot.plot(list(self._rates))   # created once, then setData
        rate_layout.addWidget(self.plot)
        layout.addWidget(rate_box, 4)
        self.setWidget(body)
        self.apply_theme("dark")
        self._show_rate_caption()

    def show_overview(self, ov: Overview) -> None:
        for key, tile in self.tiles.items():
            n = getattr(ov, key)
            severity = {"overdue": "critical" if n else "", "closed_today": "ok" if n else "",
                        "patrols_online": "info" if n else ""}.get(key, "")
            tile.set_value(n, severity)

    def add_rate(self, rate: float) -> None:
        """Append one change-rate sample (from the feed worker's status)."""
        self._rates.append(rate)
        self.curve.setData(list(self._rates))
        self._show_rate_caption()

    def _show_rate_caption(self) -> None:
        self.rate_caption.setText(self.tr(
            "Changes per second: {now} now, {peak} at most in the last two minutes").format(
                now=f"{self._rates[-1]:.1f}", peak=f"{max(self._rates):.1f}"))

    def apply_theme(self, theme: str) -> None:
        colours = SEVERITY_COLORS[theme]
        self.plot.setBackground(None)
        self.curve.setPen(pg.mkPen(colours["info"], width=2))
        self.curve.setFillLevel(0)
        fill = pg.mkColor(colours["info"])
        fill.setAlpha(60)
        self.curve.setBrush(fill)
