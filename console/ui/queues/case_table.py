"""The queue's table view: rows keep their place on screen while live changes arrive above them
and while the model's window of rows moves (pages read above, pages let go of); the selected
cases stay selected across those moves."""
from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QWidget,
)

from console.ui.queues.case_queue_model import CASE_ID_ROLE, COLUMNS, CaseQueueModel

# Column widths in pixels at the default font: readable, and never sized from the data
# (sizing columns to their contents would read every row of a large table).
WIDTHS = {"number": 122, "category": 92, "location": 160, "source": 84, "department": 96,
          "status": 84, "remaining": 110, "reported_at": 92}
MIN_LOCATION_WIDTH = 104


class CaseTable(QTableView):
    """Rows by case; `columns_changed` when the user shows or hides a column."""

    columns_changed = Signal()
    context_menu_requested = Signal(QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSortingEnabled(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self.context_menu_requested)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self._anchor: tuple[int, int] | None = None
        # Selected cases (and the current one) whose rows the window let go of: selected again
        # when their rows come back, unless the user has selected something else meanwhile.
        self._parked: set[int] = set()
        self._parked_current: int | None = None
        self._restoring = False
        # Says "nothing here" or "reading" over an empty table.
        self.placeholder = QLabel(self.viewport())
        self.placeholder.setObjectName("queuePlaceholder")
        self.placeholder.setProperty("kind", "emptyText")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.hide()

    def setModel(self, model: CaseQueueModel) -> None:   # noqa: N802 — Qt's name
        # Before the selection model's own handler: it would make another row current, and
        # the view would scroll to it.
        model.rowsAboutToBeRemoved.connect(self._park_selection)
        super().setModel(model)
        for i, key in enumerate(COLUMNS):
            self.setColumnWidth(i, WIDTHS[key])
        self.horizontalHeader().setMinimumSectionSize(48)
        self._fit_location()
        for signal in (model.rowsAboutToBeInserted, model.rowsAboutToBeRemoved,
                       model.rowsAboutToBeMoved):
            signal.connect(self._remember_anchor)
        model.rowsInserted.connect(self._window_rows_in)
        model.rowsRemoved.connect(self._window_rows_out)
        model.modelReset.connect(self._forget_parked)
        self.selectionModel().selectionChanged.connect(self._selection_changed)
        self.verticalScrollBar().valueChanged.connect(self._near_top)
        model.visible_rows = self.visible_rows

    def visible_rows(self) -> range:
        """The rows on screen now (the model repaints only these when the minute turns)."""
        first = self.rowAt(0)
        if first < 0:
            return range(0)
        last = self.rowAt(self.viewport().height() - 1)
        if last < 0:
            last = self.model().rowCount() - 1
        return range(first, last + 1)

    def set_placeholder(self, text: str, visible: bool) -> None:
        self.placeholder.setText(text)
        self.placeholder.setVisible(visible)
        self.placeholder.resize(self.viewport().size())

    def resizeEvent(self, event: QResizeEvent) -> None:   # noqa: N802 — Qt's name
        super().resizeEvent(event)
        self.placeholder.resize(self.viewport().size())
        self._fit_location()

    def _fit_location(self) -> None:
        """The location takes the width the other columns leave — unless that is too little to
        read, when it keeps a readable width and the table scrolls sideways instead."""
        if self.model() is None:
            return
        column = COLUMNS.index("location")
        others = sum(self.columnWidth(i) for i, key in enumerate(COLUMNS)
                     if key != "location" and not self.isColumnHidden(i))
        mode = (QHeaderView.ResizeMode.Stretch
                if self.viewport().width() - others >= MIN_LOCATION_WIDTH
                else QHeaderView.ResizeMode.Interactive)
        header = self.horizontalHeader()
        if header.sectionResizeMode(column) != mode:
            header.setSectionResizeMode(column, mode)
            if mode == QHeaderView.ResizeMode.Interactive:
                self.setColumnWidth(column, MIN_LOCATION_WIDTH)

    # --- keep the visible rows in place ---------------------------------------------------

    def _remember_anchor(self, *_args) -> None:
        """Note which case sits at the top of the viewport, and where, before rows change."""
        if self._anchor is not None:
            return   # already noted for this burst of changes
        moving = getattr(self.model(), "window_moving", False)
        if self.verticalScrollBar().value() == 0 and not moving:
            return   # at the top, new cases should come into view
        top = self.rowAt(0)
        if top < 0:
            return
        case_id = self.model().data(self.model().index(top, 0), CASE_ID_ROLE)
        self._anchor = (case_id, self.rowViewportPosition(top))
        QTimer.singleShot(0, self, self._restore_anchor)   # not once the view is gone

    def _restore_anchor(self) -> None:
        anchor, self._anchor = self._anchor, None
        model = self.model()
        if anchor is None or model is None:
            return
        row = model.row_of(anchor[0])
        if row < 0:
            return
        self.executeDelayedItemsLayout()
        self.updateGeometries()   # the scroll range too, or the new position would be clamped
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.rowViewportPosition(row) - anchor[1])

    # --- the model's window moving ------------------------------------------------------------

    def _window_rows_out(self, *_args) -> None:
        if self.model().window_moving:
            self._restore_anchor()   # now, before anything paints the rows that slid up

    def _window_rows_in(self, _parent: QModelIndex, first: int, last: int) -> None:
        model = self.model()
        if not model.window_moving:
            return
        self._restore_anchor()
        if self._parked or self._parked_current is not None:
            self._unpark(first, last)
        QTimer.singleShot(0, self, self._near_top)   # still near the top: read the next page up

    def _near_top(self, *_args) -> None:
        """Within a page of the window's first row: read the page above it."""
        model = self.model()
        if model is None or not model.can_fetch_before():
            return
        top = self.rowAt(0)
        if 0 <= top < model.page_size:
            model.fetch_before()

    def _park_selection(self, _parent: QModelIndex, first: int, last: int) -> None:
        model = self.model()
        if not model.window_moving:
            return
        for index in self.selectionModel().selectedRows():
            if first <= index.row() <= last:
                self._parked.add(model.data(index, CASE_ID_ROLE))
        current = self.currentIndex()
        if current.isValid() and first <= current.row() <= last:
            self._parked_current = model.data(model.index(current.row(), 0), CASE_ID_ROLE)
            self._restoring = True
            try:   # no current row meanwhile, rather than another one scrolled to
                self.selectionModel().setCurrentIndex(QModelIndex(),
                                                      QItemSelectionModel.SelectionFlag.NoUpdate)
            finally:
                self._restoring = False

    def _unpark(self, first: int, last: int) -> None:
        model, selection = self.model(), self.selectionModel()
        back = QItemSelection()
        for row in range(first, last + 1):
            case_id = model.row_at(row).id
            if case_id in self._parked:
                self._parked.discard(case_id)
                back.select(model.index(row, 0), model.index(row, len(COLUMNS) - 1))
            if case_id == self._parked_current:
                self._parked_current = None
                self._restoring = True
                try:   # the current row again, without scrolling to it or selecting anew
                    selection.setCurrentIndex(model.index(row, 0),
                                              QItemSelectionModel.SelectionFlag.NoUpdate)
                finally:
                    self._restoring = False
        if not back.isEmpty():
            self._restoring = True
            try:
                selection.select(back, QItemSelectionModel.SelectionFlag.Select)
            finally:
                self._restoring = False

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        if not self._restoring and not selected.isEmpty():
            self._forget_parked()   # the user chose anew: what was let go of stays unselected

    def _forget_parked(self) -> None:
        self._parked.clear()
        self._parked_current = None

    def parked_case_ids(self) -> set[int]:
        """Selected cases whose rows are out of the window for now."""
        return set(self._parked)

    # --- helpers ----------------------------------------------------------------------------

    def selected_case_ids(self) -> list[int]:
        """The selected cases, in table order."""
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [self.model().data(self.model().index(r, 0), CASE_ID_ROLE) for r in rows]

    def select_row(self, row: int) -> None:
        """Make `row` the only selected and current row, scrolled into view."""
        index = self.model().index(row, 0)
        if not index.isValid():
            return
        self.selectionModel().setCurrentIndex(
            index, self.selectionModel().SelectionFlag.ClearAndSelect
            | self.selectionModel().SelectionFlag.Rows)
        self.scrollTo(index)

    def set_hidden_columns(self, hidden: set[str]) -> None:
        for i, key in enumerate(COLUMNS):
            self.setColumnHidden(i, key in hidden)
        self._fit_location()

    def hidden_columns(self) -> set[str]:
        return {key for i, key in enumerate(COLUMNS) if self.isColumnHidden(i)}

    def _header_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for i, key in enumerate(COLUMNS):
            title = self.model().headerData(i, Qt.Orientation.Horizontal)
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(i))
            # The number identifies the case: it cannot be hidden.
            action.setEnabled(key != "number")
            action.toggled.connect(lambda on, c=i: self._toggle(c, on))
        menu.popup(self.horizontalHeader().mapToGlobal(pos))

    def _toggle(self, column: int, shown: bool) -> None:
        self.setColumnHidden(column, not shown)
        self._fit_location()
        self.columns_changed.emit()

    def current_case_id(self) -> int | None:
        index: QModelIndex = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row()):
            return None
        return self.model().data(self.model().index(index.row(), 0), CASE_ID_ROLE)
