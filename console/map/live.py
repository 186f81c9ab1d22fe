"""Following the change feed on the map: coalesced deltas, at most a few per second.

Positions need no database: the feed batch carries them, and the patrol watch derives each
state in a few milliseconds for two thousand officers. Case changes name a case and a cell;
their markers and the cells' measure are read in one task per burst, never on the GUI thread.
Sends are throttled on the leading edge: the first change goes out at once, changes within
the next MIN_INTERVAL_MS are merged into one message.
"""
from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from console.domain.changes import ROSTER_KINDS, ChangeKind
from console.live.tasks import TaskRunner
from console.map import loader
from console.map.bridge import MapBridge
from console.map.page_data import case_row, dense_values, patrol_row
from console.services import map_patrols
from console.map.styles import DEFAULT_VALUE

MIN_INTERVAL_MS = 150
#: Patrol states change with the clock too (offline, shift end, idle).
CLOCK_INTERVAL_MS = 20_000
#: Case tones and the overdue count change with the clock; a full re-read also heals drift.
CASES_INTERVAL_MS = 60_000
#: The feed kinds the map follows (tests/test_feed_kinds.py checks each has a producer).
FEED_KINDS = frozenset({ChangeKind.CASE}) | ROSTER_KINDS


class LiveMap(QObject):
    """Turns feed batches into page deltas for one built page (`model`)."""

    sent = Signal(dict)   # sizes and timings of each delta (for the tick benchmark and tests)
    measure_loaded = Signal(object)   # loader.MeasureUpdate: every cell's value, the campaigns

    def __init__(self, tasks: TaskRunner, bridge: MapBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.bridge = tasks, bridge
        self.model: loader.MapModel | None = None
        self.measure = "open"
        self.ready = False
        self._positions: dict[int, object] = {}      # officer → newest PositionRow
        self._case_ids: set[int] = set()
        self._cell_ids: set[int] = set()
        self._querying = False
        self._last_send = 0.0
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.flush)
        self._clock = QTimer(self, interval=CLOCK_INTERVAL_MS)
        self._clock.timeout.connect(self._clock_tick)
        self._cases_timer = QTimer(self, interval=CASES_INTERVAL_MS)
        self._cases_timer.timeout.connect(self.refresh_cases)

    def start(self, model: loader.MapModel) -> None:
        """The page is built from `model` and its script is connected: follow the feed."""
        self.model = model
        self.measure = model.measure
        self.ready = True
        self._clock.start()
        self._cases_timer.start()
        self.schedule()

    def stop(self) -> None:
        self.ready = False
        self._timer.stop()
        self._clock.stop()
        self._cases_timer.stop()

    # --- input ---------------------------------------------------------------------------

    def accept(self, batch) -> None:
        """Take one FeedBatch (kept while the page loads, sent once it is ready)."""
        for p in batch.positions:
            if p.patrol_officer_id is not None:
                self._positions[p.patrol_officer_id] = p
        if any(row.entity in ROSTER_KINDS for row in batch.rows):
            self.refresh_roster()
        for row in batch.rows:
            if row.entity != ChangeKind.CASE or row.entity_id is None:
                continue
            self._case_ids.add(row.entity_id)
            cell = (row.payload or {}).get("cell_id")
            if cell is not None:
                self._cell_ids.add(int(cell))
        if not batch.empty:
            self.schedule()

    def schedule(self) -> None:
        if not self.ready or self._timer.isActive():
            return
        wait = MIN_INTERVAL_MS - (time.monotonic() - self._last_send) * 1000
        if wait <= 0:
            self.flush()
        else:
            self._timer.start(int(wait))

    # --- output --------------------------------------------------------------------------

    def flush(self) -> None:
        """Send what is pending: positions now, case changes after their query."""
        if not self.ready or self.model is None:
            return
        if self._positions:
            start, cpu = time.perf_counter(), time.thread_time()
            positions, self._positions = list(self._positions.values()), {}
            views = self.model.watch.apply(positions, datetime.now())
            if views:
                size = self.bridge.send("delta", patrols=[patrol_row(v) for v in views])
                self._last_send = time.monotonic()
                self.sent.emit({"patrols": len(views), "bytes": size,
                                "py_ms": (time.perf_counter() - start) * 1000,
                                "py_cpu_ms": (time.thread_time() - cpu) * 1000})
        if (self._case_ids or self._cell_ids) and not self._querying:
            self._query_cases()

    def _query_cases(self) -> None:
        model, measure = self.model, self.measure
        case_ids, self._case_ids = sorted(self._case_ids), set()
        cell_ids, self._cell_ids = sorted(self._cell_ids), set()
        self._querying = True
        now = datetime.now()
        self.tasks.run(lambda s: loader.case_update(s, model, case_ids, cell_ids, measure, now),
                       on_done=self._cases_read,
                       on_error=lambda exc: self._cases_failed(exc, case_ids, cell_ids), owner=self)

    def _cases_read(self, update: loader.CaseUpdate) -> None:
        self._querying = False
        if not self.ready or self.model is None:
            return
        delta = {"cases": {"upsert": [case_row(m) for m in update.markers], "remove": update.gone}}
        self.model.case_ids.update(m.id for m in update.markers)
        self.model.case_ids.difference_update(update.gone)
        if update.cells and update.measure == self.measure:
            idx = sorted(update.cells)
            delta["cells"] = {"measure": update.measure, "idx": idx,
                              "val": [update.cells[i] for i in idx]}
        self.bridge.send("delta", **delta)
        self._last_send = time.monotonic()
        if self._case_ids or self._cell_ids:
            self.schedule()   # more changed while we were reading

    def _cases_failed(self, exc: BaseException, case_ids: list[int], cell_ids: list[int]) -> None:
        self._querying = False
        # Keep what the feed named, for the next tick's read, rather than waiting for the
        # minute's full refresh.
        self._case_ids.update(case_ids)
        self._cell_ids.update(cell_ids)
        self.tasks.task_failed.emit(exc)

    def _clock_tick(self) -> None:
        if self.ready and self.model is not None:
            views = self.model.watch.refresh(datetime.now())
            if views:
                self.bridge.send("delta", patrols=[patrol_row(v) for v in views])

    # --- full re-reads -------------------------------------------------------------------

    def refresh_cases(self) -> None:
        """Re-read every open case and the current measure (tones move with the clock)."""
        if not self.ready or self.model is None:
            return
        self.tasks.run(lambda s: loader.all_cases(s, datetime.now()), on_done=self._all_cases,
                       owner=self)
        self.set_measure(self.measure)

    def refresh_roster(self) -> None:
        """Officers, phones, shifts or work grids changed at some seat: judge every patrol by
        the new roster (names on the page follow at its next build)."""
        if not self.ready or self.model is None:
            return
        grid = self.model.grid

        def read(session):
            now = datetime.now()
            fixes = map_patrols.latest_fixes(session, now)
            tracks = map_patrols.recent_tracks(session, fixes.keys(), now,
                                               minutes=map_patrols.HISTORY_MINUTES)
            return map_patrols.PatrolWatch(map_patrols.patrol_roster(session), grid, now, fixes,
                                           tracks, map_patrols.state_rules(session))
        self.tasks.run(read, on_done=self._roster_read, owner=self)

    def _roster_read(self, watch: map_patrols.PatrolWatch) -> None:
        if not self.ready or self.model is None:
            return
        self.model.watch = watch
        self.bridge.send("delta", patrols=[patrol_row(v) for v in watch.views()])

    def _all_cases(self, markers) -> None:
        if not self.ready or self.model is None:
            return
        ids = {m.id for m in markers}
        gone = sorted(self.model.case_ids - ids)
        self.model.case_ids = ids
        self.bridge.send("delta", cases={"upsert": [case_row(m) for m in markers], "remove": gone})

    def set_measure(self, measure: str) -> None:
        """Shade the cells by another measure (read in a task, then sent whole)."""
        if self.model is None:
            self.measure = measure
            return
        model, now = self.model, datetime.now()
        self.measure = measure
        self.tasks.run(lambda s: loader.measure_update(s, model, measure, now),
                       on_done=self._measure_read, owner=self)

    def _measure_read(self, update: loader.MeasureUpdate) -> None:
        if not self.ready or self.model is None or update.measure != self.measure:
            return   # stopped, or the user switched again meanwhile
        self.model.measure = update.measure
        self.model.campaigns = update.campaigns
        self.measure_loaded.emit(update)
        self.bridge.send("measure", measure=update.measure, legend=update.legend,
                         values=dense_values(len(self.model.grid), update.values,
                                             DEFAULT_VALUE[update.measure]))
