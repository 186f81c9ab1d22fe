"""A seat without a window: what its views hold, rebuilt from the change feed as the views do.

The queue's rows, the tabs' stage counts and the alert list, each kept up to date by the same
service reads the docks make, with the same coalescing (console/live/refresh_policy.py): the
rows a burst of feed batches names are read once, the counts at most every
COUNTS_MIN_INTERVAL_MS. Benches and tests run many of these, one per process, against one
PostgreSQL, and compare each replica with the database at the end.

`apply(batch)` is called by the seat's FeedWorker (in its thread); the reads run in the
replica's own thread, so a slow read never holds the feed up. Every statement the seat runs is
counted by a `StatementMeter` on its engine, split by who ran it (feed or views).
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from console.domain.changes import ChangeKind
from console.live import refresh_policy as policy
from console.services import alert_actions, kpis, queues
from console.services.alert_actions import AlertView
from console.services.queues import QueueQuery, QueueRow
from console.store.database import Database

#: The replica's queue: every case, as the "all" tab shows them (test cities are small).
QUEUE = QueueQuery("all")


class StatementMeter:
    """Counts the statements an engine runs, and their time, by the role of the thread."""

    def __init__(self, engine) -> None:
        self._engine = engine
        self._local = threading.local()
        self._lock = threading.Lock()
        self.count: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    @contextmanager
    def role(self, name: str) -> Iterator[None]:
        """Count what this thread runs inside the block under `name` (else as "other")."""
        previous = getattr(self._local, "role", None)
        self._local.role = name
        try:
            yield
        finally:
            self._local.role = previous

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self._local.started = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        spent = time.perf_counter() - getattr(self._local, "started", time.perf_counter())
        name = getattr(self._local, "role", None) or "other"
        with self._lock:
            self.count[name] += 1
            self.seconds[name] += spent

    def totals(self) -> dict[str, tuple[int, float]]:
        with self._lock:
            return {k: (self.count[k], self.seconds[k]) for k in self.count}

    def close(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._before)
        event.remove(self._engine, "after_cursor_execute", self._after)


@dataclass
class ReplicaState:
    """What the seat's views show, as plain data."""

    rows: dict[int, QueueRow] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    alerts: dict[int, AlertView] = field(default_factory=dict)   # the open ones


class SeatReplica:
    """The queue rows, stage counts and open alerts of one seat, following the feed."""

    def __init__(self, db: Database, meter: StatementMeter | None = None) -> None:
        self._db = db
        self.meter = meter
        self.state = ReplicaState()
        #: (since, seq) of every batch applied, in order: the sequence the seat applied.
        self.applied: list[tuple[int, int]] = []
        #: The feed sequences of the rows applied (a transaction's rows share one).
        self.row_seqs: list[int] = []
        self.errors: list[str] = []
        self._lock = threading.Condition()
        self._case_ids: set[int] = set()
        self._alert_ids: set[int] = set()
        self._counts_due = False
        self._full = False
        self._last_counts = 0.0
        self._total_counted = False
        self._kpis_due = False
        self._last_kpis = 0.0
        self._reading = False
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="seat-replica", daemon=True)

    # --- the feed thread -------------------------------------------------------------------

    def apply(self, batch) -> None:
        """Take a FeedBatch (any thread): note what to read again; the reader does the rest."""
        with self._lock:
            self.applied.append((batch.since, batch.seq))
            self.row_seqs.extend(sorted({r.seq for r in batch.rows}))
            if batch.resync or any(r.entity == ChangeKind.HISTORY for r in batch.rows):
                self._full = True
            self._case_ids |= policy.case_ids(batch.rows)
            self._alert_ids |= {r.entity_id for r in batch.rows
                                if r.entity == ChangeKind.ALERT and r.entity_id is not None}
            if policy.moves_counts(batch.rows):
                self._counts_due = True
            if policy.adds_cases(batch.rows):
                self._total_counted = False
            if any(r.entity in policy.KPI_KINDS for r in batch.rows):
                self._kpis_due = True
            self._lock.notify_all()

    def tick(self) -> None:
        """The docks' minute timer: time alone moves counts (overdue, closed today). The
        dock re-counts the total then too, as a safety net; the replica does not, so that a
        room test proves new cases alone move it."""
        with self._lock:
            self._counts_due = True
            self._lock.notify_all()

    # --- reading ---------------------------------------------------------------------------

    def start(self) -> None:
        """Read everything once, then follow what `apply` is given."""
        self._read_all()
        self._thread.start()

    def stop(self) -> None:
        with self._lock:
            self._stop = True
            self._lock.notify_all()
        self._thread.join(timeout=10)

    def settle(self, timeout: float) -> bool:
        """Wait until everything applied so far has been read (True), or `timeout` passes."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._reading or self._pending():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def _pending(self) -> bool:
        return bool(self._case_ids or self._alert_ids or self._counts_due or self._full)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._stop and not self._pending():
                    self._lock.wait()
                if self._stop:
                    return
                self._reading = True
            try:
                # A burst of batches arriving together becomes one read (the dock's timer).
                time.sleep(policy.ROW_COALESCE_MS / 1000)
                self._read_pending()
            except Exception as exc:   # noqa: BLE001 — a seat outlives a failed read; noted
                self.errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(0.5)
            finally:
                with self._lock:
                    self._reading = False
                    self._lock.notify_all()

    def _read_pending(self) -> None:
        with self._lock:
            full, self._full = self._full, False
            ids, self._case_ids = self._case_ids, set()
            alert_ids, self._alert_ids = self._alert_ids, set()
            wait = policy.COUNTS_MIN_INTERVAL_MS / 1000 - (time.monotonic() - self._last_counts)
            counts = self._counts_due and (full or wait <= 0)
        if full:
            self._read_all()
            return
        with self._role():
            if ids:
                with self._db.session() as s:
                    found = queues.matching_rows(s, QUEUE, ids)
                for case_id in ids:
                    if case_id in found:
                        self.state.rows[case_id] = found[case_id]
                    else:
                        self.state.rows.pop(case_id, None)
            if alert_ids:
                with self._db.session() as s:
                    for view in alert_actions.alerts_by_id(s, alert_ids):
                        self._put_alert(view)
            if self._kpis_due and time.monotonic() - self._last_kpis >= \
                    policy.KPIS_MIN_INTERVAL_MS / 1000:
                # The KPI strip's figures: read, not kept (nothing to compare them with).
                self._kpis_due = False
                self._last_kpis = time.monotonic()
                with self._db.session() as s:
                    kpis.kpis(s)
            if counts:
                with self._lock:
                    self._counts_due = False
                self._read_counts()
            elif self._counts_due:
                time.sleep(max(0.0, wait))   # the counts' own minimum interval, then read them

    def _read_counts(self) -> None:
        self._last_counts = time.monotonic()
        with self._lock:
            stages = policy.stages_to_count(queues.STAGES, False, self._total_counted)
            self._total_counted = True
        with self._db.session() as s:
            self.state.counts = {**self.state.counts, **queues.stage_counts(s, stages=stages)}

    def _read_all(self) -> None:
        with self._role():
            rows: dict[int, QueueRow] = {}
            with self._db.session() as s:
                page = queues.queue_page(s, QUEUE, limit=queues.PAGE_SIZE)
                rows.update((r.id, r) for r in page.rows)
                while page.has_more:
                    last = page.rows[-1]
                    page = queues.queue_page(s, QUEUE, after=(last.sort_value(QUEUE.sort), last.id))
                    rows.update((r.id, r) for r in page.rows)
                alerts = alert_actions.open_alerts(s)
            self.state.rows = rows
            self.state.alerts = {}
            with self._lock:
                self._total_counted = False
            for view in alerts:
                self._put_alert(view)
            with self._lock:
                self._counts_due = False
            self._read_counts()

    def _put_alert(self, view: AlertView) -> None:
        if view.open:
            self.state.alerts[view.id] = view
        else:
            self.state.alerts.pop(view.id, None)

    def _role(self):
        return self.meter.role("views") if self.meter is not None else _nothing()

    # --- checks ----------------------------------------------------------------------------

    def sequence_problems(self, start: int) -> list[str]:
        """Where the applied sequence is not exactly start+1 … last, once each (empty: none)."""
        problems = []
        at = start
        for since, seq in self.applied:
            if since != at:
                problems.append(f"batch ({since}, {seq}] follows {at}")
            at = seq
        seen = Counter(self.row_seqs)
        twice = sorted(s for s, n in seen.items() if n > 1)
        if twice:
            problems.append(f"feed sequences applied twice: {twice[:10]}")
        return problems


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def database_state(db: Database) -> ReplicaState:
    """What a freshly opened seat would show now: the replica's state, read in full."""
    replica = SeatReplica(db)
    replica._read_all()
    return replica.state
