"""The queue's table view: rows keep their place on screen while live changes arrive above them."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
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
        # Says "nothing here" or "reading" over an empty table.
        self.placeholder = QLabel(self.viewport())
        self.placeholder.setObjectName("queuePlaceholder")
        self.placeholder.setProperty("kind", "emptyText")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.hide()

    def setModel(self, model: CaseQueueModel) -> None:   # noqa: N802 — Qt's name
        super().setModel(model)
        for i, key in enumerate(COLUMNS):
            self.setColumnWidth(i, WIDTHS[key])
        self.horizontalHeader().setMinimumSectionSize(48)
        self._fit_location()
        for signal in (model.rowsAboutToBeInserted, model.rowsAboutToBeRemoved,
                       model.rowsAboutToBeMoved):
            signal.connect(self._remember_anchor)
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
        if self.verticalScrollBar().value() == 0:
            return   # at the top, new cases should come into view
        top = self.rowAt(0)
        if top < 0:
            return
        case_id = self.model().data(self.model().index(top, 0), CASE_ID_ROLE)
        self._anchor = (case_id, self.rowViewportPosition(top))
        QTimer.singleShot(0, self._restore_anchor)

    def _restore_anchor(self) -> None:
        anchor, self._anchor = self._anchor, None
        model = self.model()
        if anchor is None or model is None:
            return
        row = model.row_of(anchor[0])
        if row < 0:
            return
        self.executeDelayedItemsLayout()
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.rowViewportPosition(row) - anchor[1])

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
