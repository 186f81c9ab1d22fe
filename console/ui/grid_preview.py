"""A small map of a grid file's cells for the import dialog, painted with QPainter: the valid
cells grey, the features with errors red and those with warnings amber, the chosen one outlined;
for a work-grid file, the work grids as green outlines with the cells in none or two over them.

No base map: the preview shows where the problems sit among the file's own cells, which is what
a GIS officer needs to find them in the file; the console's Leaflet map shows the grid after
the import. The cells are painted once per size into a pixmap (50,000 rings are too many to
paint on every repaint); the highlight is drawn over it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

MARGIN = 8
VALID, ERROR, WARNING = QColor("#8a94a6"), QColor("#e0413a"), QColor("#f0a020")
HIGHLIGHT = QColor("#1e90ff")
AREA = QColor("#59a14f")         # a work grid's outline


@dataclass(frozen=True)
class PreviewCell:
    index: int                 # the feature's number in the file
    ring: np.ndarray           # (k, 2) x, y (lon/lat, or the file's own units)
    level: str                 # "ok" | "warning" | "error" | "area" (an outline: a work grid)


class GridPreview(QWidget):
    """Paints `PreviewCell`s fitted to the widget, north up, longitudes scaled by latitude."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gridPreview")
        self.setMinimumSize(260, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._cells: list[PreviewCell] = []
        self._box = (0.0, 0.0, 1.0, 1.0)
        self._xscale = 1.0
        self._cache: QPixmap | None = None
        self._highlight: int | None = None

    def sizeHint(self) -> QSize:  # noqa: N802 — Qt's name
        return QSize(360, 300)

    def set_cells(self, cells: list[PreviewCell]) -> None:
        self._cells = [c for c in cells if c.ring is not None and len(c.ring) >= 3
                       and np.all(np.isfinite(c.ring))]
        self._highlight = None
        if self._cells:
            pts = np.concatenate([c.ring for c in self._cells])
            x0, y0 = pts.min(axis=0)
            x1, y1 = pts.max(axis=0)
            self._box = (float(x0), float(y0), float(x1), float(y1))
            mid = (y0 + y1) / 2
            # degrees: a degree of longitude is shorter away from the equator
            self._xscale = math.cos(math.radians(mid)) if abs(mid) <= 90 and x1 - x0 < 360 else 1
        self._cache = None
        self.update()

    def highlight(self, index: int | None) -> None:
        self._highlight = index
        self.update()

    def cell_count(self) -> int:
        return len(self._cells)

    # --- painting --------------------------------------------------------------------------

    def _transform(self):
        x0, y0, x1, y1 = self._box
        w, h = max(1, self.width() - 2 * MARGIN), max(1, self.height() - 2 * MARGIN)
        span_x = max((x1 - x0) * self._xscale, 1e-12)
        span_y = max(y1 - y0, 1e-12)
        k = min(w / span_x, h / span_y)
        ox = MARGIN + (w - span_x * k) / 2
        oy = MARGIN + (h - span_y * k) / 2

        def to_screen(ring: np.ndarray) -> QPolygonF:
            xs = ox + (ring[:, 0] - x0) * self._xscale * k
            ys = oy + (y1 - ring[:, 1]) * k
            return QPolygonF([QPointF(float(x), float(y)) for x, y in zip(xs, ys)])
        return to_screen

    def _render(self) -> QPixmap:
        pixmap = QPixmap(self.size() * self.devicePixelRatioF())
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        pixmap.fill(self.palette().base().color())
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        to_screen = self._transform()
        valid = QPainterPath()
        for c in self._cells:
            if c.level == "ok":
                valid.addPolygon(to_screen(c.ring))
        painter.setPen(QPen(VALID.darker(130), 0.6))
        painter.setBrush(QColor(VALID.red(), VALID.green(), VALID.blue(), 90))
        painter.drawPath(valid)
        painter.setPen(QPen(AREA, 1.4))
        painter.setBrush(QColor(AREA.red(), AREA.green(), AREA.blue(), 40))
        for c in self._cells:
            if c.level == "area":
                painter.drawPolygon(to_screen(c.ring))
        for level, color in (("warning", WARNING), ("error", ERROR)):
            painter.setPen(QPen(color.darker(120), 1.2))
            painter.setBrush(QColor(color.red(), color.green(), color.blue(), 170))
            for c in self._cells:
                if c.level == level:
                    painter.drawPolygon(to_screen(c.ring))
        painter.end()
        return pixmap

    def paintEvent(self, event) -> None:  # noqa: N802 — Qt's name
        painter = QPainter(self)
        if not self._cells:
            painter.fillRect(self.rect(), self.palette().base())
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter,
                             self.tr("No cells to show"))
            return
        if self._cache is None or self._cache.deviceIndependentSize().toSize() != self.size():
            self._cache = self._render()
        painter.drawPixmap(0, 0, self._cache)
        if self._highlight is not None:
            to_screen = self._transform()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(HIGHLIGHT, 2.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for c in self._cells:
                if c.index == self._highlight:
                    poly = to_screen(c.ring)
                    painter.drawPolygon(poly)
                    r = poly.boundingRect().center()
                    painter.drawEllipse(r, 12, 12)

    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt's name
        self._cache = None
        super().resizeEvent(event)
