"""The mark of an open supervision order (督办) on a case: its level's name and a small badge.

The same colours ring the case's marker on the map (mappage/styles.SUPERVISION_COLOURS), so a
seat reads one ladder in the queue, the detail and the map.
"""
from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from console.common.messages import supervision_level_name
from console.mappage.styles import SUPERVISION_COLOURS

# What the badge says: the level's first character in either language reads as its rank.
BADGE_TEXT = {1: "催", 2: "督", 3: "挂"}


__all__ = ["supervision_badge", "supervision_level_name", "supervision_level_names"]


def supervision_level_names() -> dict[int, str]:
    return {level: supervision_level_name(level) for level in (1, 2, 3)}


@cache
def supervision_badge(level: int, size: int = 16) -> QIcon:
    """A round badge in the level's colour with its character (made once per level)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(SUPERVISION_COLOURS.get(level, "#888888")))
    painter.drawEllipse(QRectF(0.5, 0.5, size - 1, size - 1))
    font = QFont()
    font.setPixelSize(int(size * 0.7))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff" if level >= 3 else "#111111"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter,
                     BADGE_TEXT.get(level, str(level)))
    painter.end()
    return QIcon(pixmap)
