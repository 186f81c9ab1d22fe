"""Following the change feed on the map: coalesced deltas, at most a few per second.

Positions need no database: the feed batch carries them. The patrol watch derives each state
on a thread of its own (ten thousand officers take tens of milliseconds, several frames);
the GUI thread hands it the batch and sends the message it encoded. Case changes name a case and a cell;
their markers and the cells' measure are read in one task per burst, never on the GUI thread.
Sends are throttled on the leading edge: the first change goes out at once, changes within
the next MIN_INTERVAL_MS are merged into one message.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from console.domain.changes import ROSTER_KINDS, ChangeKind
from console.live.tasks import TaskRunner
from console.map import loader
from console.map.bridge import MapBridge
from console.mappage.page_data import case_row, patrol_row
from console.services import map_patrols

log = logging.getLogger(__name__)

MIN_INTERVAL_MS = 150
#: Patrol states change with the clock too (offline, shift end, idle).
CLOCK_INTERVAL_MS = 20_000
#: Case tones and the overdue count change with the clock; a full re-read also heals drift.
CASES_INTERVAL_MS = 60_000
#: The feed kinds the map follows (tests/test_feed_kinds.py checks each has a producer).
FEED_KINDS = frozenset({ChangeKind.CASE, ChangeKind.CITY, ChangeKind.FRONTAGE}) | ROSTER_KINDS   # CITY: widget.py


class LiveMap(QObject):
    """Turns feed batches into page deltas for one built page (`model`)."""

    sent = Signal(dict)   # sizes and timings of each delta (for the tick benchmark and tests)
    measure_loaded = Signal(object)   # loader.MeasureUpdate: every cell's value, the campaigns
    #: GUI-thread time of each step of the periodic refresh ({"step", "gui_ms", "sent"}).
    refreshed = Signal(dict)
    _moved = Signal(str, int, float)   # from the patrol thread: message, patrols, its ms

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
        self._moving = False           # the patrol thread is working on a batch
        self._flush_cpu = 0.0
        self._pool: ThreadPoolExecutor | None = None
        self._moved.connect(self._patrols_moved)
        self._legend: dict | None = None
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
        self._legend = loader.measure_legend(model.measure, model.campaigns)
        if self._pool is None:
            # One thread: the watch is only ever changed there, one batch after another.
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="map-patrols")
        self.ready = True
        self._clock.start()
        self._cases_timer.start()
        self.schedule()

    def stop(self) -> None:
        self.ready = False
        self._timer.stop()
        self._clock.stop()
        self._cases_timer.stop()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)   # at most one batch in flight
        self._moving = False

    # --- input ---------------------------------------------------------------------------

    def accept(self, batch) -> None:
        """Take one FeedBatch (kept while the page loads, sent once it is ready)."""
        for p in batch.positions:
            if p.patrol_officer_id is not None:
                self._positions[p.patrol_officer_id] = p
        if any(row.entity in ROSTER_KINDS for row in batch.rows):
            self.refresh_roster()
        if any(row.entity == ChangeKind.FRONTAGE for row in batch.rows):
            self.refresh_frontage()
        for row in batch.rows:
            if row.entity == ChangeKind.SUPERVISION and (row.payload or {}).get("case_id"):
                self._case_ids.add(int(row.payload["case_id"]))   # its ring changes
                continue
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
        if self._positions and not self._moving and self._pool is not None:
            cpu = time.thread_time()
            positions, self._positions = list(self._positions.values()), {}
            self._moving = True
            self._pool.submit(self._move, self.model.watch, positions, datetime.now())
            self._flush_cpu = time.thread_time() - cpu
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
        rows = [case_row(m) for m in update.markers]
        delta = {"cases": {"upsert": rows, "remove": update.gone}}
        model = self.model
        model.case_rows.update((row[0], row) for row in rows)
        for gone in update.gone:
            model.case_rows.pop(gone, None)
        if update.cells and update.measure == self.measure:
            idx = sorted(update.cells)
            val = [update.cells[i] for i in idx]
            delta["cells"] = {"measure": update.measure, "idx": idx, "val": val}
            if model.values is not None and update.measure == model.measure:
                model.values[idx] = val
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

    def _move(self, watch, positions: list | None, now: datetime) -> None:
        """On the patrol thread: the states of a batch (or of the clock alone, positions None)
        and the message for the page, encoded here too."""
        start = time.perf_counter()
        try:
            views = watch.apply(positions, now) if positions is not None else watch.refresh(now)
            text = self.bridge.encode("delta", patrols=[patrol_row(v) for v in views]) \
                if views else ""
        except Exception:   # noqa: BLE001 — a bad batch must not stop the map following
            log.exception("map: patrol update failed")
            views, text = [], ""
        self._moved.emit(text, len(views), (time.perf_counter() - start) * 1000)

    def _patrols_moved(self, text: str, count: int, worker_ms: float) -> None:
        self._moving = False
        if not self.ready or self.model is None:
            return
        if text:
            start, cpu = time.perf_counter(), time.thread_time()
            size = self.bridge.send_text(text)
            self._last_send = time.monotonic()
            gui = (time.thread_time() - cpu + self._flush_cpu) * 1000
            self.sent.emit({"patrols": count, "bytes": size, "worker_ms": worker_ms,
                            "py_ms": (time.perf_counter() - start) * 1000 + self._flush_cpu * 1000,
                            "py_cpu_ms": gui})
        self._flush_cpu = 0.0
        if self._positions:
            self.schedule()   # more came while the thread worked

    def _clock_tick(self) -> None:
        if self.ready and self.model is not None and not self._moving and self._pool is not None:
            self._moving = True
            self._flush_cpu = 0.0
            self._pool.submit(self._move, self.model.watch, None, datetime.now())

    # --- full re-reads -------------------------------------------------------------------

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

    def refresh_frontage(self) -> None:
        """A street-front unit, a warning or an offence changed: the layer of units offending
        again is read and sent whole (a few dozen stretches)."""
        if not self.ready:
            return
        self.tasks.run(lambda s: loader.frontage_message(s, datetime.now()),
                       on_done=self._frontage_read, owner=self, key=(id(self), "frontage"))

    def _frontage_read(self, text: str) -> None:
        if self.ready:
            self.bridge.send_text(text)

    def _roster_read(self, watch: map_patrols.PatrolWatch) -> None:
        if not self.ready or self.model is None:
            return
        self.model.watch = watch
        self.bridge.send("delta", patrols=[patrol_row(v) for v in watch.views()])

    def refresh_cases(self) -> None:
        """Re-read every open case and the current measure, and send only what changed.

        The re-read heals anything the feed missed; tones that move with the clock are the
        page's own work (it has each case's deadline and near time). The comparison runs in
        the worker against a copy of what the page has; the GUI thread copies a dict and an
        array, and sends a few rows."""
        if not self.ready or self.model is None:
            return
        start = time.thread_time()
        model, now = self.model, datetime.now()
        base = dict(model.case_rows)   # shares the row tuples: identity tells "untouched since"
        shown = model.values.copy() if model.values is not None else None
        measure = self.measure
        self.tasks.run(lambda s: loader.case_diff(s, base, now), on_done=self._cases_diffed,
                       owner=self)
        self.tasks.run(lambda s: loader.measure_update(s, model, measure, now, shown),
                       on_done=lambda update: self._measure_refreshed(update, shown), owner=self)
        self.refreshed.emit({"step": "ask", "gui_ms": (time.thread_time() - start) * 1000})

    def _cases_diffed(self, diff: loader.CaseDiff) -> None:
        if not self.ready or self.model is None:
            return
        start = time.thread_time()
        rows, base = self.model.case_rows, diff.base
        # A row the feed changed since the copy was taken is newer than the re-read's.
        upsert = [row for row in diff.upsert if rows.get(row[0]) is base.get(row[0])]
        gone = [cid for cid in diff.gone if rows.get(cid) is base.get(cid)]
        for row in upsert:
            rows[row[0]] = row
        for cid in gone:
            rows.pop(cid, None)
        size = 0
        if upsert or gone:
            size = self.bridge.send("delta", cases={"upsert": upsert, "remove": gone})
        self.refreshed.emit({"step": "cases", "gui_ms": (time.thread_time() - start) * 1000,
                             "sent": size, "rows": len(upsert) + len(gone)})

    def _measure_refreshed(self, update: loader.MeasureUpdate, shown) -> None:
        model = self.model
        if not self.ready or model is None or update.measure != self.measure:
            return
        if (update.measure != model.measure or update.changed is None or model.values is None
                or update.legend != self._legend):   # e.g. a campaign started: a new legend
            self._measure_read(update)
            return
        start = time.thread_time()
        idx = update.changed
        if len(idx):
            # Cells a live delta set since the copy keep the live value.
            idx = idx[model.values[idx] == shown[idx]]
        size = 0
        if len(idx):
            val = update.dense[idx]
            model.values[idx] = val
            size = self.bridge.send("delta", cells={"measure": update.measure,
                                                    "idx": idx.tolist(), "val": val.tolist()})
        model.campaigns = update.campaigns
        self.measure_loaded.emit(update)
        self.refreshed.emit({"step": "measure", "gui_ms": (time.thread_time() - start) * 1000,
                             "sent": size, "cells": len(idx)})

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
        self.model.values = update.dense
        self._legend = update.legend
        self.measure_loaded.emit(update)
        self.bridge.send("measure", measure=update.measure, legend=update.legend,
                         values=update.encoded)
