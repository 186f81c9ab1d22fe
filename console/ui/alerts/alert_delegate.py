"""Paints one alert as a card: a severity stripe and badge, the kind, its subject, what holds,
and who acknowledged it. Painting only reads the row; the durations use the panel's clock."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from console.services.alert_actions import AlertView
from console.ui.alerts import texts
from console.ui.alerts.alert_model import AlertRole
from console.common.theme import current_theme, severity_color

_PAD = 8
_STRIPE = 5
_GAP = 3


class AlertDelegate(QStyledItemDelegate):
    """Cards of three lines; acknowledged alerts are drawn quieter."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.now = datetime.now()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        fm = QFontMetrics(option.font)
        return QSize(200, 3 * fm.height() + 2 * _GAP + 2 * _PAD + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        a: AlertView | None = index.data(AlertRole)
        if a is None:
            return
        theme = current_theme()
        palette = option.palette
        rect = option.rect.adjusted(2, 2, -2, -2)
        quiet = a.acknowledged_at is not None
        accent = severity_color(a.severity, theme)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QColor(palette.color(QPalette.ColorRole.AlternateBase))
        if selected:
            card = QColor(palette.color(QPalette.ColorRole.Highlight))
            card.setAlpha(90)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(card)
        painter.drawRoundedRect(rect, 5, 5)
        stripe = QColor(accent)
        if quiet:
            stripe.setAlpha(110)
        painter.setBrush(stripe)
        painter.drawRoundedRect(QRect(rect.left(), rect.top(), _STRIPE, rect.height()), 2, 2)

        text = QColor(palette.color(QPalette.ColorRole.Text))
        muted = QColor(palette.color(QPalette.ColorRole.PlaceholderText))
        base_font = QFont(option.font)
        fm = QFontMetrics(base_font)
        line_h = fm.height()
        x = rect.left() + _STRIPE + _PAD
        right = rect.right() - _PAD
        y = rect.top() + _PAD

        # Line 1: the kind as a badge in the severity's colour, the subject, the time raised.
        badge_font = QFont(base_font)
        badge_font.setPointSizeF(max(7.0, base_font.pointSizeF() * 0.85))
        badge_font.setBold(True)
        bfm = QFontMetrics(badge_font)
        label = texts.kind_name(a.kind) + (f" ↑{a.level}" if a.level else "")
        bw = bfm.horizontalAdvance(label) + 12
        badge = QRect(x, y + (line_h - bfm.height() - 2) // 2, bw, bfm.height() + 2)
        painter.setBrush(stripe)
        painter.drawRoundedRect(badge, 3, 3)
        painter.setFont(badge_font)
        painter.setPen(QColor("#0b1320") if theme == "dark" else QColor("#ffffff"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)

        when = texts.raised(a, self.now)
        painter.setFont(base_font)
        tw = fm.horizontalAdvance(when)
        painter.setPen(muted)
        painter.drawText(QRect(right - tw, y, tw, line_h), Qt.AlignmentFlag.AlignVCenter, when)
        title_font = QFont(base_font)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(muted if quiet else text)
        title_rect = QRect(badge.right() + 8, y, right - tw - 8 - badge.right() - 8, line_h)
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(title_font).elidedText(texts.subject(a),
                                                             Qt.TextElideMode.ElideRight,
                                                             title_rect.width()))
        # Line 2: what holds, with live durations.
        y += line_h + _GAP
        painter.setFont(base_font)
        painter.setPen(muted if quiet else text)
        painter.drawText(QRect(x, y, right - x, line_h), Qt.AlignmentFlag.AlignVCenter,
                         fm.elidedText(texts.detail(a, self.now), Qt.TextElideMode.ElideRight,
                                       right - x))
        # Line 3: acknowledgement and escalation (in the severity's colour while unseen).
        y += line_h + _GAP
        painter.setPen(accent if a.acknowledged_at is None else muted)
        painter.drawText(QRect(x, y, right - x, line_h), Qt.AlignmentFlag.AlignVCenter,
                         fm.elidedText(texts.status_line(a), Qt.TextElideMode.ElideRight,
                                       right - x))
        painter.restore()
