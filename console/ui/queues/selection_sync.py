"""Keeps the queue table, the detail pane and the shared Selection hub pointing at one case.

A case picked elsewhere (map, alert) is selected here, switching tab if it lives in another
one; a row picked here is announced to the others. After the user's own action takes a case
out of the tab, the next case is selected so the keyboard flow goes on — but a case that
another seat moves away is never silently replaced by a different one.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QTimer

from console.domain.stages import stages_of
from console.services.case_desk import CaseDetail

if TYPE_CHECKING:
    from console.ui.queues.queue_view import QueueView

DETAIL_DELAY_MS = 60     # arrow keys held down read only the case the user stops on
MAX_PAGES_TO_FIND = 20   # how far down a tab a case picked elsewhere is looked for


class SelectionSync(QObject):
    def __init__(self, dock: QueueView) -> None:
        super().__init__(dock)
        self.dock = dock
        self._wanted: int | None = None      # the case the detail pane is to show
        self._pending: int | None = None     # a case to select once its rows are loaded
        self._pages_left = 0
        self._quiet = False                  # our own selecting: do not announce it back
        self._advance: tuple[int, int] | None = None   # (case id, row) after our own action
        self._first = False                  # select the first row when the rows are in
        self._detail_timer = QTimer(self, singleShot=True, interval=DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self._load_wanted)
        hub = dock.selection
        hub.case_selected.connect(self.select_case)
        hub.cell_selected.connect(self._cell_selected)
        hub.report_here.connect(lambda lon, lat: dock.open_new_case(lon, lat))
        dock.model.rowsInserted.connect(lambda *_: self._find_pending())
        dock.model.rowsAboutToBeRemoved.connect(self._rows_leaving)
        dock.runner.acted.connect(self._after_own_action)

    def wanted_case(self) -> int | None:
        return self._wanted

    # --- from the table ----------------------------------------------------------------------

    def selection_changed(self) -> None:
        ids = self.dock.table.selected_case_ids()
        if self._advance is not None and ids and ids[0] != self._advance[0]:
            self._advance = None
        shown = self.dock.detail.detail
        if len(ids) == 1 and (ids[0] != self._wanted or shown is None or shown.id != ids[0]):
            self._wanted = ids[0]
            self._pending = None
            if shown is not None and shown.id != ids[0]:
                # The pane still holds the case selected before: it must not look (or act) like
                # the new one's until that is read.
                row = self.dock.model.row_of(ids[0])
                found = self.dock.model.row_at(row) if row >= 0 else None
                self.dock.detail.show_reading(found.number if found is not None else "")
            self._detail_timer.start()
            if not self._quiet:
                self._quiet = True
                try:
                    self.dock.selection.case_selected.emit(ids[0])
                finally:
                    self._quiet = False
        self.dock.update_actions()

    def _load_wanted(self) -> None:
        if self._wanted is not None:
            self.dock.load_case(self._wanted)

    # --- from elsewhere ------------------------------------------------------------------------

    def select_case(self, case_id: int) -> None:
        """Select a case picked elsewhere; its tab is found from its state if need be."""
        if self._quiet:
            return
        row = self.dock.model.row_of(case_id)
        if row >= 0:
            self._select_row(row)
            return
        self._wanted = self._pending = case_id
        self._pages_left = MAX_PAGES_TO_FIND
        self.dock.load_case(case_id)

    def detail_shown(self, d: CaseDetail) -> None:
        """The detail pane shows `d`: if it was picked elsewhere, bring up a tab holding it."""
        if self._pending != d.id:
            return
        stages = stages_of(d.status, d.deadline, d.closed_at, datetime.now())
        if self.dock.stage not in stages:
            self.dock.tabs.setCurrentIndex(self.dock.STAGES.index(stages[0]))
        else:
            self._find_pending()

    def select_first_when_loaded(self) -> None:
        """After a search from the keyboard: the first row, once the rows are in."""
        self._first = True
        if not self.dock.model.busy:
            self.rows_loaded()

    def rows_loaded(self) -> None:
        """A tab's first page is in: find the case to select, or keep the one selected."""
        if self._first:
            self._first = False
            if self.dock.model.rowCount():
                self._select_row(0, announce=True)
                return
        if self._pending is None and self._wanted is not None \
                and self.dock.model.row_of(self._wanted) >= 0:
            self._select_row(self.dock.model.row_of(self._wanted), announce=False)
            return
        self._find_pending()

    def _find_pending(self) -> None:
        if self._pending is None:
            return
        row = self.dock.model.row_of(self._pending)
        if row >= 0:
            self._pending = None
            self._select_row(row, announce=False)
        elif self.dock.model.canFetchMore() and self._pages_left > 0:
            self._pages_left -= 1
            self.dock.model.fetchMore()

    def _select_row(self, row: int, *, announce: bool = False) -> None:
        self._quiet = not announce
        try:
            self.dock.table.select_row(row)
        finally:
            self._quiet = False

    def _cell_selected(self, code: str) -> None:
        form = self.dock.form
        if form is not None and form.picking:
            form.set_cell(code)
        else:
            self.dock.filter_to_cell(code)

    # --- keeping the keyboard flow after an action ------------------------------------------------

    def _after_own_action(self, _text: str, case_ids: list[int]) -> None:
        if len(case_ids) == 1 and case_ids[0] == self._wanted:
            row = self.dock.model.row_of(case_ids[0])
            self._advance = (case_ids[0], row) if row >= 0 else None

    def _rows_leaving(self, _parent: QModelIndex, first: int, last: int) -> None:
        if self._advance is None or self.dock.model.window_moving:
            return   # rows let go of by the window are still in the tab: nothing to advance
        case_id, row = self._advance
        if first <= row <= last and self.dock.model.row_of(case_id) == row:
            self._advance = None
            QTimer.singleShot(0, lambda r=first: self._select_next(r))

    def _select_next(self, row: int) -> None:
        count = self.dock.model.rowCount()
        if count:
            self._select_row(min(row, count - 1), announce=True)
