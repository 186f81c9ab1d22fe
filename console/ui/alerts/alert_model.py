"""The open alerts as a Qt list model: unacknowledged first, then the most severe, then the newest.

It holds plain AlertView rows read off the GUI thread; `data()` only looks them up. Updates
arrive as the changed alerts (from the feed) and keep selections: removals and insertions are
announced row by row, the re-sort as a layout change with persistent indexes moved along.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from console.domain.alert_rules import SEVERITY_RANK, Severity, seat_sees
from console.services.alert_actions import AlertView
from console.ui.alerts import texts
from console.common.messages import severity_name

AlertRole = Qt.ItemDataRole.UserRole + 1      # the AlertView
KindRole = Qt.ItemDataRole.UserRole + 2
IdRole = Qt.ItemDataRole.UserRole + 3
_ROOT = QModelIndex()
# Beyond this many changes at once a reset is cheaper than announcing each row.
_RESET_ABOVE = 300


def sort_key(a: AlertView) -> tuple:
    """Unacknowledged before acknowledged, then critical → info, then newest first."""
    # StrEnum members hash like their strings, so a stored "critical" finds its rank.
    rank = SEVERITY_RANK.get(a.severity, 0)   # type: ignore[call-overload]
    return (a.acknowledged_at is not None, -rank, -a.raised_at.timestamp(), -a.id)


class AlertListModel(QAbstractListModel):
    """Open alerts, sorted; counts per kind and of unacknowledged criticals kept up to date."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[AlertView] = []
        self._row_of: dict[int, int] = {}
        self.counts: Counter[str] = Counter()
        self.unacknowledged_critical: set[int] = set()
        self._audience: tuple[str | None, int | None] = (None, None)   # role, department

    # --- Qt interface --------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        a = self._rows[index.row()]
        if role == AlertRole:
            return a
        if role == KindRole:
            return a.kind
        if role == IdRole:
            return a.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{texts.kind_name(a.kind)} · {texts.subject(a)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            # Severity in words too: colour alone must not carry it.
            return (f"{severity_name(a.severity)} · {texts.kind_name(a.kind)} · {texts.subject(a)}"
                    f"\n{texts.detail(a, datetime.now())}\n{texts.status_line(a)}")
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- content -------------------------------------------------------------------------

    def alert(self, alert_id: int) -> AlertView | None:
        row = self._row_of.get(alert_id)
        return self._rows[row] if row is not None else None

    def alerts(self) -> list[AlertView]:
        return list(self._rows)

    def row_of(self, alert_id: int) -> int | None:
        return self._row_of.get(alert_id)

    def set_audience(self, role: str | None, department_id: int | None) -> bool:
        """Whose seat this is (domain.alert_rules.seat_sees); takes effect with the next
        replace_all. True if what the seat sees may change (the panel reloads then)."""
        # Every seat but a department's sees the same alerts: signing in as another of them
        # changes nothing (a reload then would clear the selection under the user's hand).
        audience = ((role, department_id) if role == "department" and department_id is not None
                    else (None, None))
        changed, self._audience = audience != self._audience, audience
        return changed

    def _shown(self, v: AlertView) -> bool:
        return v.open and seat_sees(*self._audience, v.subject_type, v.subject_id, v.params,
                                    v.kind)

    def replace_all(self, views: Iterable[AlertView]) -> None:
        """Show exactly these alerts (the open ones among them this seat is shown)."""
        self.beginResetModel()
        self._rows = sorted((v for v in views if self._shown(v)), key=sort_key)
        self._reindex()
        self.endResetModel()

    def apply(self, views: Iterable[AlertView]) -> None:
        """Take changed alerts: resolved ones leave, new ones come in, others are updated."""
        views = list(views)
        shown = {v.id for v in views if self._shown(v)}
        gone = [v.id for v in views if v.id not in shown and v.id in self._row_of]
        new = [v for v in views if v.id in shown and v.id not in self._row_of]
        if len(gone) + len(new) > _RESET_ABOVE:
            keep = {a.id: a for a in self._rows}
            keep.update({v.id: v for v in views})
            self.replace_all(keep.values())
            return
        for alert_id in sorted(gone, key=lambda i: self._row_of[i], reverse=True):
            row = self._row_of[alert_id]
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self._reindex()
            self.endRemoveRows()
        for v in views:
            row = self._row_of.get(v.id)
            if v.id in shown and row is not None:
                self._rows[row] = v
                self.dataChanged.emit(self.index(row), self.index(row))
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._rows.extend(new)
            self._reindex()
            self.endInsertRows()
        self._resort()

    def _resort(self) -> None:
        order = sorted(range(len(self._rows)), key=lambda i: sort_key(self._rows[i]))
        if order == list(range(len(self._rows))):
            self._count()
            return
        self.layoutAboutToBeChanged.emit()
        new_row = {old: new for new, old in enumerate(order)}
        self._rows = [self._rows[i] for i in order]
        moved_from = self.persistentIndexList()
        self.changePersistentIndexList(
            moved_from, [self.index(new_row[i.row()]) for i in moved_from])
        self._reindex()
        self.layoutChanged.emit()

    def _reindex(self) -> None:
        self._row_of = {a.id: i for i, a in enumerate(self._rows)}
        self._count()

    def _count(self) -> None:
        self.counts = Counter(a.kind for a in self._rows)
        self.unacknowledged_critical = {a.id for a in self._rows if a.acknowledged_at is None
                                        and a.severity == Severity.CRITICAL.value}


class KindFilter(QSortFilterProxyModel):
    """Shows one kind of alert, or all when the kind is empty."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._kind = ""

    @property
    def kind(self) -> str:
        return self._kind

    def set_kind(self, kind: str) -> None:
        if kind != self._kind:
            self.beginFilterChange()
            self._kind = kind
            self.endFilterChange()

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._kind:
            return True
        return self.sourceModel().index(source_row, 0, source_parent).data(KindRole) == self._kind
