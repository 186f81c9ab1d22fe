"""What the queue's controllers (its actions, its selection sync) need of the queue dock.

They hold a QueueView rather than the dock class, so the dock can build them without the three
modules importing one another; the dock is the one implementation.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLineEdit, QTabBar, QToolButton

    from console.common.selection import Selection
    from console.services.actor import Actor
    from console.services.queues import References
    from console.ui.queues.action_runner import ActionRunner
    from console.ui.queues.case_queue_model import CaseQueueModel
    from console.ui.queues.case_table import CaseTable
    from console.ui.queues.detail_pane import DetailPane
    from console.ui.queues.new_case_form import NewCaseForm


class QueueView(Protocol):
    STAGES: tuple[str, ...]
    model: CaseQueueModel
    table: CaseTable
    detail: DetailPane
    tabs: QTabBar
    search: QLineEdit
    new_case_button: QToolButton
    selection: Selection
    runner: ActionRunner
    actor: Actor | None
    refs: References | None
    form: NewCaseForm | None

    @property
    def stage(self) -> str: ...

    def addAction(self, action: QAction) -> None: ...

    def update_actions(self) -> None: ...

    def load_case(self, case_id: int) -> None: ...

    def filter_to_cell(self, code: str) -> None: ...

    def open_new_case(self, lon: float | None = None,
                      lat: float | None = None) -> NewCaseForm | None: ...

    def reload(self) -> None: ...
