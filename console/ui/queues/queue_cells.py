"""How a queue tab's rows show: the column titles, each cell's text, colour, weight, badge
and tooltip. A mixin of CaseQueueModel (console/ui/queues/case_queue_model.py), which holds
the rows (`_rows`) and works out their countdowns (`_countdown(i)`, `_countdown_of(row)`); its
words keep the model's translation context, "CaseQueueModel".
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from console.common.messages import centre_stage_name, source_name, status_name
from console.common.theme import severity_color
from console.services.queues import QueueRow
from console.ui.queues.supervision_badge import supervision_badge, supervision_level_name
from console.ui.queues.texts import (
    COUNTDOWN_SEVERITY,
    column_title,
    countdown,
    full_time,
    short_time,
)

COLUMNS = ("number", "category", "location", "source", "department", "status", "remaining",
           "reported_at")
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


class QueueCells:
    """The presentation half of CaseQueueModel (see the module's docstring)."""

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return column_title(COLUMNS[section])
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column, index.row())
        if role == CASE_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == "remaining":
                return severity_color(COUNTDOWN_SEVERITY[self._countdown(index.row()).state])
            if column == "number" and row.urgent:
                return severity_color("critical")
            return None
        if role == Qt.ItemDataRole.FontRole and (
                (column == "number" and row.urgent)
                or (column == "remaining" and self._countdown(index.row()).state == "overdue")):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and column == "number" and row.supervision_level:
            return supervision_badge(row.supervision_level)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("remaining", "reported_at"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: QueueRow, column: str, i: int) -> str:
        match column:
            case "number":
                return row.number
            case "category":
                return row.category_name
            case "location":
                return f"{row.address}（{row.cell_code}）" if row.address else row.cell_code
            case "source":
                return source_name(row.source)
            case "department":
                return row.department_name or "—"
            case "status":
                name = status_name(row.status)
                if row.requested_deadline is not None:
                    return QCoreApplication.translate(
                        "CaseQueueModel", "{status} · extension asked").format(status=name)
                return name
            case "remaining":
                return countdown(self._countdown(i))
            case "reported_at":
                return short_time(row.reported_at)
        return ""

    def _tooltip(self, row: QueueRow, column: str) -> str | None:
        if column == "location":
            return QCoreApplication.translate("CaseQueueModel", "Cell {cell}\n{address}").format(
                cell=row.cell_code or "—", address=row.address or "—")
        if column == "remaining" and self._countdown_of(row).centre_stage:
            return QCoreApplication.translate("CaseQueueModel", "{stage}: limit {due}").format(
                stage=centre_stage_name(row.stage_key or ""), due=full_time(row.stage_due))
        if column == "remaining" and row.deadline is not None:
            text = QCoreApplication.translate("CaseQueueModel", "Deadline {deadline}").format(
                deadline=full_time(row.deadline))
            if row.requested_deadline is not None:
                text += "\n" + QCoreApplication.translate(
                    "CaseQueueModel", "Extension to {deadline} asked").format(
                    deadline=full_time(row.requested_deadline))
            return text
        if column == "number" and (row.urgent or row.supervision_level):
            lines = ([QCoreApplication.translate("CaseQueueModel", "Urgent case")] if row.urgent
                     else [])
            if row.supervision_level:
                lines.append(QCoreApplication.translate(
                    "CaseQueueModel", "Open supervision order: {level}").format(
                    level=supervision_level_name(row.supervision_level)))
            return "\n".join(lines)
        if column == "reported_at":
            return full_time(row.reported_at)
        return None
