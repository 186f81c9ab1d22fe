"""CaseQueueModel: one queue tab as a table, read page by page off the GUI thread.

`data()` only looks at rows already loaded, so a view scrolls through thousands of rows without
touching the database. A countdown is worked out when a view first asks for it after the minute
turns (and kept until the next turn), so the per-minute tick costs what is on screen, not what
the user has scrolled past. Sorting and filtering
change the query, which runs in SQL; more rows come through `fetchMore` (keyset pages); live
changes arrive as case ids, whose current rows are read and merged in place so the user's
selection and scroll position survive.

The rows held are a window on the tab, not everything scrolled past: beyond `window_cap` rows,
pages are let go at the end away from the rows on screen, and read again (by keyset, upwards
with `fetch_before`) when the user scrolls back. The window always holds every row of the tab
between its first and its last key, so a live change is merged only when it falls inside.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTime,
    QTimer,
    Signal,
)

from console.live.tasks import TaskRunner
from console.services.actor import Actor
from console.services import queues
from console.services.queues import QueueQuery, QueueRow, References, TimeLeft
from console.ui.queues.queue_cells import CASE_ID_ROLE, COLUMNS, QueueCells

__all__ = ["CASE_ID_ROLE", "COLUMNS", "MERGE_LIMIT", "WINDOW_CAP", "CaseQueueModel"]

MERGE_LIMIT = 200   # more changed cases than this at once are read afresh, not merged
WINDOW_CAP = 20_000   # rows held at most (plus a page): memory must not grow with scrolling
_Index = QModelIndex | QPersistentModelIndex


class _Key:
    """A row's place in the tab's order, comparable like the SQL ORDER BY (empty values last)."""

    __slots__ = ("empty", "value", "id", "descending")

    def __init__(self, value: Any, ident: int, descending: bool) -> None:
        self.empty, self.value, self.id, self.descending = value is None, value, ident, descending

    def __lt__(self, other: _Key) -> bool:
        if self.empty != other.empty:
            return other.empty            # empty values come last in either direction
        if not self.empty and self.value != other.value:
            return (self.value > other.value) if self.descending else (self.value < other.value)
        return (self.id > other.id) if self.descending else (self.id < other.id)


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


class CaseQueueModel(QueueCells, QAbstractTableModel):
    """The rows of one queue tab; `set_query` reloads, `refresh_cases` merges live changes."""

    loaded = Signal()               # the first page of a (re)load is in
    failed = Signal(object)         # an exception from a query
    busy_changed = Signal(bool)

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._query = QueueQuery("reported")
        self._rows: list[QueueRow] = []
        self._keys: list[_Key] = []          # in step with _rows, sorted like the query
        self._key_of: dict[int, _Key] = {}   # case id -> its key, to find its row by bisection
        self._left: dict[int, TimeLeft] = {}   # countdowns asked for since the minute turned
        self._clock_at = now()
        self._has_more = False     # rows after the window's last
        self._has_before = False   # rows before the window's first (let go of earlier)
        self._fetching = False
        self.window_cap = WINDOW_CAP
        # True while the window moves (a page comes in or is let go of), not the tab's content:
        # the view keeps the same rows on screen and the same cases selected.
        self.window_moving = False
        self._generation = 0
        self._refs: References | None = None
        self.page_size = queues.PAGE_SIZE
        # Set by the view on screen: the rows it shows, so the minute repaints only those.
        self.visible_rows: Callable[[], range] | None = None
        self._clock = QTimer(self, singleShot=True)
        self._clock.timeout.connect(self.tick)
        self._arm_clock()

    # --- query -------------------------------------------------------------------------

    @property
    def query(self) -> QueueQuery:
        return self._query

    def set_references(self, refs: References) -> None:
        """The work calendar and warning share the countdown needs."""
        self._refs = refs
        self.tick()

    def set_query(self, query: QueueQuery) -> None:
        """Show another tab, filter or order (read from the top)."""
        self._query = query
        self.reload()

    def set_viewer(self, viewer: Actor | None) -> None:
        """Whose eyes the rows are for (another user signed in): read again only if a search
        is on, the one thing the viewer's role changes (services/queues.py: QueueQuery)."""
        if viewer == self._query.viewer:
            return
        self._query = replace(self._query, viewer=viewer)
        if self._query.filter.text.strip():
            self.reload()

    def _page_key(self) -> tuple[object, str]:
        # One page read at a time: a newer query (or a reload) supersedes a page still pending.
        return (self, "page")

    def reload(self) -> None:
        """Read the first page again; an older query still pending is dropped, not run."""
        self._generation += 1
        generation, query, limit = self._generation, self._query, self.page_size
        self._fetching = True
        self.busy_changed.emit(True)
        self._tasks.run(lambda s: queues.queue_page(s, query, limit=limit),
                        on_done=lambda page: self._first_page(generation, page),
                        on_error=lambda exc: self._failed(generation, exc), owner=self,
                        key=self._page_key())

    def _first_page(self, generation: int, page: queues.QueuePage) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._rows, self._has_more, self._has_before = list(page.rows), page.has_more, False
        self._keys = [self._key(r) for r in self._rows]
        self._key_of = {r.id: k for r, k in zip(self._rows, self._keys)}
        self._left = {}
        self.endResetModel()
        self._fetching = False
        self.busy_changed.emit(False)
        self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._fetching = False
            self.busy_changed.emit(False)
            self.failed.emit(exc)

    def _key(self, row: QueueRow) -> _Key:
        return _Key(row.sort_value(self._query.sort), row.id, self._query.descending)

    # --- paging ------------------------------------------------------------------------

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._has_more and not self._fetching

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if not self.canFetchMore(parent) or not self._rows:
            return
        self._fetching = True
        generation, query, limit = self._generation, self._query, self.page_size
        last = self._rows[-1]
        after = (last.sort_value(query.sort), last.id)
        self._tasks.run(lambda s: queues.queue_page(s, query, after=after, limit=limit),
                        on_done=lambda page: self._next_page(generation, last.id, page),
                        on_error=lambda exc: self._failed(generation, exc), owner=self,
                        key=self._page_key())

    def _next_page(self, generation: int, after_id: int, page: queues.QueuePage) -> None:
        if generation != self._generation:
            return
        if not self._rows or self._rows[-1].id != after_id:
            # The window's end moved meanwhile (let go of, or a live change): the page would
            # leave a gap. The view asks again when the user reaches the new end.
            self._fetching = False
            return
        # A live update may have inserted rows past the old end meanwhile: skip those.
        fresh = [r for r in page.rows if r.id not in self._key_of]
        self._has_more = page.has_more
        if fresh:
            start = len(self._rows)
            with self._moving():
                self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
                keys = [self._key(r) for r in fresh]
                self._rows += fresh
                self._keys += keys
                self._key_of.update(zip((r.id for r in fresh), keys))
                self.endInsertRows()
        self._let_go(at_top=True)
        # Only now: a view reacting to the move above must not ask for a page meanwhile.
        self._fetching = False

    def can_fetch_before(self) -> bool:
        """Whether rows above the window's first were let go of (and no page is being read)."""
        return self._has_before and not self._fetching

    def fetch_before(self) -> None:
        """Read back the page just above the window's first row (the user scrolls up)."""
        if not self.can_fetch_before():
            return
        if not self._rows:
            self.reload()   # nothing left to continue from
            return
        self._fetching = True
        generation, query, limit = self._generation, self._query, self.page_size
        first = self._rows[0]
        before = (first.sort_value(query.sort), first.id)
        self._tasks.run(lambda s: queues.queue_page_before(s, query, before, limit=limit),
                        on_done=lambda page: self._previous_page(generation, first.id, page),
                        on_error=lambda exc: self._failed(generation, exc), owner=self,
                        key=self._page_key())

    def _previous_page(self, generation: int, before_id: int, page: queues.QueuePage) -> None:
        if generation != self._generation:
            return
        if not self._rows or self._rows[0].id != before_id:
            self._fetching = False   # the window's top moved meanwhile: ask again from there
            return
        fresh = [r for r in page.rows if r.id not in self._key_of]
        self._has_before = page.has_more
        if fresh:
            with self._moving():
                self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
                keys = [self._key(r) for r in fresh]
                self._rows[:0] = fresh
                self._keys[:0] = keys
                self._key_of.update(zip((r.id for r in fresh), keys))
                self.endInsertRows()
        self._let_go(at_top=False)
        self._fetching = False

    @contextmanager
    def _moving(self) -> Iterator[None]:
        self.window_moving = True
        try:
            yield
        finally:
            self.window_moving = False

    def _let_go(self, *, at_top: bool) -> None:
        """Beyond the cap, let go of rows at one end — never within two pages of the rows on
        screen (with no view on screen, any). Two: the view reads a page back once within one
        page of an end, so what is let go of is not asked for again at once."""
        excess = len(self._rows) - self.window_cap
        if excess <= 0:
            return
        shown = self._shown_rows()
        if shown is not None and len(shown):
            margin = 2 * self.page_size
            room = (shown.start - margin if at_top else len(self._rows) - shown.stop - margin)
            excess = min(excess, room)
        if excess <= 0:
            return
        first, last = (0, excess - 1) if at_top else (len(self._rows) - excess,
                                                      len(self._rows) - 1)
        with self._moving():
            self.beginRemoveRows(QModelIndex(), first, last)
            for row in self._rows[first:last + 1]:
                del self._key_of[row.id]
                self._left.pop(row.id, None)
            del self._rows[first:last + 1], self._keys[first:last + 1]
            if at_top:
                self._has_before = True
            else:
                self._has_more = True
            self.endRemoveRows()

    # --- live changes ------------------------------------------------------------------

    def refresh_cases(self, ids: set[int]) -> None:
        """Re-read the cases `ids` and merge them: update, move, insert or remove rows."""
        if not ids:
            return
        if len(ids) > MERGE_LIMIT:
            # A backlog (the seat slept, the network was down): one fresh read beats merging.
            self.reload()
            return
        generation, query, wanted = self._generation, self._query, set(ids)
        self._tasks.run(lambda s: queues.matching_rows(s, query, wanted),
                        on_done=lambda found: self._merge(generation, wanted, found),
                        on_error=lambda exc: self._failed(generation, exc), owner=self)

    def _in_window(self, key: _Key, without: int = -1) -> bool:
        """Whether `key` falls between the window's first and last keys (row `without` left
        out): beyond them the row comes with its page, when the user scrolls there."""
        keys = self._keys
        if len(keys) - (without >= 0) <= 0:
            return not (self._has_more or self._has_before)
        first = keys[1] if without == 0 else keys[0]
        last = keys[-2] if without == len(keys) - 1 else keys[-1]
        return (not self._has_more or key < last) and (not self._has_before or first < key)

    def _merge(self, generation: int, ids: set[int], found: dict[int, QueueRow]) -> None:
        if generation != self._generation:
            return   # a reload is on its way with everything current
        for case_id in sorted(ids):
            where = self.row_of(case_id)
            row = found.get(case_id)
            if row is None:
                if where >= 0:
                    self._remove(where)
                continue
            key = self._key(row)
            if where < 0:
                if self._in_window(key):
                    self._insert(bisect.bisect_left(self._keys, key), row, key)
                continue
            if not self._in_window(key, without=where):
                self._remove(where)   # it moved out of the window: its page brings it back
                continue
            # Its place among the others: where it would go, less one if it stood before that.
            target = bisect.bisect_left(self._keys, key)
            self._move(where, target - 1 if where < target else target, row, key)
        if not self._rows and (self._has_more or self._has_before):
            self.reload()   # every row of the window left it: nothing to continue from

    def _insert(self, at: int, row: QueueRow, key: _Key) -> None:
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.insert(at, row)
        self._keys.insert(at, key)
        self._key_of[row.id] = key
        self.endInsertRows()

    def _remove(self, at: int) -> None:
        self.beginRemoveRows(QModelIndex(), at, at)
        gone = self._rows[at].id
        del self._rows[at], self._keys[at], self._key_of[gone]
        self._left.pop(gone, None)
        self.endRemoveRows()

    def _move(self, source: int, target: int, row: QueueRow, key: _Key) -> None:
        """Replace row `source` by `row` now at `target` (counted without it); selection follows."""
        if target != source:
            # beginMoveRows counts the destination before the row is taken out.
            self.beginMoveRows(QModelIndex(), source, source, QModelIndex(),
                               target if target < source else target + 1)
            for seq in (self._rows, self._keys):
                seq.insert(target, seq.pop(source))
            self.endMoveRows()
        self._rows[target], self._keys[target] = row, key
        self._key_of[row.id] = key
        self._left.pop(row.id, None)
        self.dataChanged.emit(self.index(target, 0), self.index(target, len(COLUMNS) - 1))

    # --- the countdown ---------------------------------------------------------------------

    def _time_left(self, row: QueueRow, t: datetime) -> TimeLeft:
        if self._refs is None:
            return TimeLeft("none")
        return queues.time_left(row, self._refs.calendar, t, self._refs.warning_share)

    def _arm_clock(self) -> None:
        # Tick just after each minute turns, so every countdown changes together with the clock.
        seconds = QTime.currentTime().second()
        self._clock.start((60 - seconds) * 1000 + 50)

    def _countdown_of(self, row: QueueRow) -> TimeLeft:
        left = self._left.get(row.id)
        return left if left is not None else self._time_left(row, self._clock_at)

    def _countdown(self, i: int) -> TimeLeft:
        """Row `i`'s countdown at the last turn of the minute, worked out on first use."""
        row = self._rows[i]
        left = self._left.get(row.id)
        if left is None:
            left = self._left[row.id] = self._time_left(row, self._clock_at)
        return left

    def tick(self) -> None:
        """Let every countdown move on (no query): forget them, and repaint the column — a view
        asks again only for the rows it shows, so the cost does not grow with rows scrolled past."""
        self._clock_at = now()
        self._left = {}
        self._repaint_countdowns()
        self._arm_clock()

    def _repaint_countdowns(self) -> None:
        if not self._rows:
            return
        column = COLUMNS.index("remaining")
        roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                 Qt.ItemDataRole.FontRole]
        shown = self._shown_rows()
        if shown is None:
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column),
                                  roles)
            return
        # A view repaints its whole viewport for a change of many rows, but only the cell for
        # a change of one: one signal per visible row repaints the column and nothing more.
        for row in shown:
            cell = self.index(row, column)
            self.dataChanged.emit(cell, cell, roles)

    def _shown_rows(self) -> range | None:
        """The rows the view on screen shows (None: no view said, or it is gone)."""
        if self.visible_rows is None:
            return None
        try:
            shown = self.visible_rows()
        except RuntimeError:   # the view was deleted before its model
            self.visible_rows = None
            return None
        return range(max(shown.start, 0), min(shown.stop, len(self._rows)))

    # --- access --------------------------------------------------------------------------

    def row_at(self, row: int) -> QueueRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, case_id: int) -> int:
        """The row showing case `case_id`, or -1 (a dict and a bisection: no scan of the rows)."""
        key = self._key_of.get(case_id)
        if key is None:
            return -1
        i = bisect.bisect_left(self._keys, key)
        if i < len(self._rows) and self._rows[i].id == case_id:
            return i
        # Only if Python's order and the database's disagreed (e.g. a text collation).
        return next((i for i, r in enumerate(self._rows) if r.id == case_id), -1)

    def rows(self) -> list[QueueRow]:
        return list(self._rows)

    def has_more(self) -> bool:
        return self._has_more

    def has_before(self) -> bool:
        return self._has_before

    @property
    def busy(self) -> bool:
        """Whether a page is being read."""
        return self._fetching

    def time_left_at(self, row: int) -> TimeLeft:
        return self._countdown(row)

    # --- QAbstractTableModel ------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by a column — in SQL, from the first page."""
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (COLUMNS[column], descending) == (self._query.sort, self._query.descending):
            return
        self.set_query(replace(self._query, sort=COLUMNS[column], descending=descending))

    def sort_column(self) -> int:
        return COLUMNS.index(self._query.sort)
