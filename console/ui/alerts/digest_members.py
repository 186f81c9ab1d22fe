"""What a digest stands for: its members listed under the alert list when one digest is
selected. Picking a case selects it everywhere (the selection hub); picking an officer centres
the map on it. The members are read off the GUI thread by the panel and handed in as plain
dicts (services/alert_digests.members)."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from console.common.selection import Selection
from console.services.alert_actions import AlertView
from console.ui.alerts import texts

_ID = Qt.ItemDataRole.UserRole + 1


class DigestMembers(QWidget):
    """The member list of one digest; hidden while no digest is selected."""

    member_picked = Signal(str, int)   # ("case" | "patrol", id)

    def __init__(self, selection: Selection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.alert: AlertView | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.title = QLabel(self)
        self.title.setObjectName("digestTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.list = QListWidget(self)
        self.list.setObjectName("digestMembers")
        self.list.setUniformItemSizes(True)
        self.list.itemActivated.connect(self._pick)
        self.list.itemClicked.connect(self._pick)
        layout.addWidget(self.list, 1)
        self.hide()

    def show_members(self, alert: AlertView, members: list[dict], now: datetime) -> None:
        """List `members` of `alert` (oldest first, as stored)."""
        self.alert = alert
        self.title.setText(self.tr("{kind}: {n} — click one to show it").format(
            kind=texts.kind_name(alert.kind), n=len(members)))
        self.list.clear()
        for m in members:
            item = QListWidgetItem(texts.member_line(alert.kind, m, now))
            item.setData(_ID, int(m["id"]))
            self.list.addItem(item)
        self.show()

    def clear_members(self) -> None:
        self.alert = None
        self.list.clear()
        self.hide()

    def member_ids(self) -> list[int]:
        return [self.list.item(i).data(_ID) for i in range(self.list.count())]

    @Slot(QListWidgetItem)
    def _pick(self, item: QListWidgetItem) -> None:
        if self.alert is None:
            return
        member = item.data(_ID)
        if self.alert.kind == "offline_digest":
            self.selection.patrol_selected.emit(member)
            self.selection.show_patrol_on_map.emit(member)
            self.member_picked.emit("patrol", member)
        else:
            self.selection.case_selected.emit(member)
            self.selection.show_case_on_map.emit(member)
            self.member_picked.emit("case", member)
