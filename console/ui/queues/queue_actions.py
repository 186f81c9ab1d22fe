"""The queue's actions: one QAction per workflow action, shared by the detail pane's buttons,
the context menu and the keyboard, enabled exactly when the selection allows it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from console.domain.permissions import Permission, may
from console.services.case_desk import CaseDetail
from console.services.joint_cases import in_force
from console.services.queues import STAGES, QueueRow
from console.common.messages import action_name, stage_name
from console.ui.queues.actions import ORDER, SPECS, available, available_for_any
from console.ui.queues.detail_pane import action_button

if TYPE_CHECKING:
    from console.ui.queues.queue_view import QueueView


class QueueActions(QObject):
    def __init__(self, dock: QueueView) -> None:
        super().__init__(dock)
        self.dock = dock
        self.workflow: dict[str, QAction] = {}
        for name in ORDER:
            spec = SPECS[name]
            self.workflow[name] = self._make(name, f"{action_name(name)} {spec.shortcut}",
                                             spec.shortcut, lambda _=False, n=name: self.trigger(n))
        self.new_case = self._make("newCase", self.tr("Hotline intake"), "Ctrl+N",
                                   lambda: dock.open_new_case())
        # Intake is wanted wherever the focus is: the phone rings while the map is in use.
        self.new_case.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        dock.new_case_button.setDefaultAction(self.new_case)
        dock.new_case_button.setObjectName("newCaseButton")
        self.show_on_map = self._make("showOnMap", self.tr("Show on map"), "M", self._map)
        self._make("focusSearch", self.tr("Search"), QKeySequence.StandardKey.Find,
                   lambda: (dock.search.setFocus(), dock.search.selectAll()))
        self._make("refresh", self.tr("Refresh"), QKeySequence.StandardKey.Refresh, dock.reload)
        for i, stage in enumerate(STAGES):
            title = self.tr("All cases") if stage == "all" else stage_name(stage)
            self._make(f"tab_{stage}", title, f"Ctrl+{i + 1}",
                       lambda _=False, k=i: dock.tabs.setCurrentIndex(k))
        self.update()

    def _make(self, name: str, text: str, shortcut, slot) -> QAction:
        action = QAction(text, self.dock)
        action.setObjectName(name)
        keys = QKeySequence(shortcut)
        action.setShortcut(keys)
        # Single letters act only while the queue has the focus (a text field keeps its letters).
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{text} ({keys.toString(QKeySequence.SequenceFormat.NativeText)})")
        action.triggered.connect(slot)
        self.dock.addAction(action)
        return action

    def _selected_rows(self) -> list[QueueRow]:
        model = self.dock.model
        rows = [model.row_at(i.row()) for i in self.dock.table.selectionModel().selectedRows()]
        return [r for r in rows if r is not None]

    def current_detail(self) -> CaseDetail | None:
        """The case the single-case actions act on: the detail pane's case, but only while it is
        the selected row's (or, with no row selected, the case wanted from elsewhere). Right after
        ↓ the pane may still hold the case above until the new one is read: then None."""
        detail = self.dock.detail.detail
        if detail is None:
            return None
        rows = self._selected_rows()
        if len(rows) > 1:
            return None
        if len(rows) == 1:
            return detail if rows[0].id == detail.id else None
        sync = getattr(self.dock, "sync", None)
        wanted = sync.wanted_case() if sync is not None else None
        return detail if wanted is None or wanted == detail.id else None

    def update(self) -> None:
        """Enable exactly the actions possible on the selection; the buttons follow."""
        dock, rows, detail = self.dock, self._selected_rows(), self.current_detail()
        if len(rows) > 1:
            possible = available_for_any(dock.actor, [(r.status, r.requested_deadline is not None,
                                                       r.department_id) for r in rows])
        elif detail is not None:
            possible = available(dock.actor, detail.status,
                                 extension_pending=detail.extension_pending,
                                 department_id=detail.department_id,
                                 needs_verification=dock.refs is not None
                                 and detail.source in dock.refs.verified_sources,
                                 joint=in_force(detail.parts, detail.department_id))
        else:
            possible = []
        for name, action in self.workflow.items():
            action.setEnabled(name in possible)
        self.show_on_map.setEnabled(detail is not None and detail.lon is not None)
        self.new_case.setEnabled(dock.actor is not None and dock.refs is not None)
        # A role that may not report (a viewer, a liaison) is not offered the hotline form.
        may_report = dock.actor is None or may(dock.actor.role, Permission.REPORT)
        self.new_case.setVisible(may_report)
        dock.new_case_button.setVisible(may_report)
        buttons = [action_button(self.workflow[n], dock.detail) for n in possible]
        if len(rows) > 1:
            dock.detail.show_selection(rows, buttons)
        elif detail is not None:
            dock.detail.show_actions(buttons)

    def trigger(self, name: str) -> None:
        if not self.workflow[name].isEnabled():
            return
        rows = self._selected_rows()
        if len(rows) > 1:
            self.dock.runner.open_bulk(name, rows, self.dock)
        elif (detail := self.current_detail()) is not None:
            self.dock.runner.open(name, detail, self.dock)

    def context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self.dock)
        for action in self.workflow.values():
            if action.isEnabled():
                menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.show_on_map)
        menu.addAction(self.new_case)
        menu.popup(self.dock.table.viewport().mapToGlobal(pos))

    def _map(self) -> None:
        if (detail := self.current_detail()) is not None:
            self.dock.selection.show_case_on_map.emit(detail.id)
