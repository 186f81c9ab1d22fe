"""The alert worker: runs the alert rules in its own QThread, woken by the feed and a timer.

Case and settings changes wake it at once (a new urgent case must not wait); time-based rules
(deadlines, patrol silence, escalation) and positions are covered by the timer. Only one seat
evaluates at a time: it holds a lease in the database that the others respect, so twenty
seats do not run twenty passes, and when it closes (or hangs) another takes over.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import Qt, Signal, Slot

from console.domain.changes import ROSTER_KINDS, ChangeKind
from console.live.loop_worker import LoopWorker, one_line
from console.services import alerts as alert_service
from console.services import supervision
from console.services.cases import now as wall_clock
from console.store import alert_lease
from console.store.database import Database
from console.store.retry import is_retryable

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MS = 5000
#: Passes are at least this far apart, however often the feed wakes the worker.
MIN_GAP_S = 0.3
LEASE = timedelta(seconds=30)
#: How often the lease holder runs the supervision orders' check (services/supervision.py).
SUPERVISION_EVERY_S = 60.0
MAX_BACKOFF_S = 30.0
#: Feed kinds that make a pass worth running at once (positions wait for the timer); checked
#: against the producers by tests/test_feed_kinds.py.
FEED_KINDS = frozenset({ChangeKind.CASE, ChangeKind.SETTINGS, ChangeKind.CATEGORY,
                        ChangeKind.DEPARTMENT}) | ROSTER_KINDS


class AlertWorker(LoopWorker):
    """Evaluates the alert rules off the GUI thread; reports each pass by signal."""

    evaluated = Signal(object)    # console.services.alerts.PassResult
    evaluator = Signal(bool)      # True while this seat evaluates, False while another does
    error = Signal(str)

    def __init__(self, db: Database, *, interval_ms: int = DEFAULT_INTERVAL_MS,
                 clock: Callable[[], datetime] = wall_clock) -> None:
        super().__init__()
        self.thread_name = "alert-worker"
        self._db = db
        self._interval_s = max(interval_ms, 50) / 1000
        self._clock = clock
        self._wake = threading.Event()
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._lease_until: float | None = None   # time.monotonic() the lease runs out
        self._next_supervision = 0.0
        self._leading: bool | None = None

    def _wake_for_stop(self) -> None:
        self._wake.set()

    def poke(self) -> None:
        """Run a pass as soon as possible (thread-safe)."""
        self._wake.set()

    def follow(self, feed_worker) -> None:
        """Be woken by `feed_worker` in its own thread, as soon as it has read a batch.

        On PostgreSQL the feed worker waits on LISTEN, so a case committed at any seat wakes
        this worker within a notification's time; the GUI thread is not on the way (a busy
        window would otherwise hold the wake up until its event loop came round)."""
        feed_worker.changes.connect(self.on_feed, Qt.ConnectionType.DirectConnection)

    @Slot(object)
    def on_feed(self, batch) -> None:
        """A feed batch arrived: wake at once if cases or settings changed (any thread)."""
        if any(row.entity in FEED_KINDS for row in batch.rows):
            self._wake.set()

    # --- the worker thread ----------------------------------------------------------------

    def _run(self) -> None:
        engine = alert_service.AlertEngine()
        backoff = 0.0
        last = 0.0
        while not self._stop.is_set():
            gap = MIN_GAP_S - (time.monotonic() - last)
            if gap > 0 and self._stop.wait(gap):
                break
            last = time.monotonic()
            self._wake.clear()
            try:
                now = self._clock()
                if self._claim():
                    with self._db.transaction() as session:
                        result = engine.evaluate(session, now)
                    self.evaluated.emit(result)
                    if time.monotonic() >= self._next_supervision:
                        # The one seat that holds the lease raises and escalates 督办 too.
                        self._next_supervision = time.monotonic() + SUPERVISION_EVERY_S
                        with self._db.transaction() as session:
                            supervision.run_due(session, now)
                else:
                    engine = alert_service.AlertEngine()   # start afresh if we lead again
                backoff = 0.0
            except Exception as exc:   # the worker must outlive any failure
                # The snapshot may not match what was committed: read everything again.
                engine = alert_service.AlertEngine()
                self._lease_until = None
                if is_retryable(exc):
                    # The database chose this pass as a deadlock victim: nothing was written,
                    # run it again (afresh) without an error or a pause.
                    log.info("alert pass retried: %s", one_line(exc))
                    continue
                log.exception("alert evaluation failed")
                self.error.emit(one_line(exc))
                backoff = min(MAX_BACKOFF_S, max(1.0, backoff * 2))
                if self._stop.wait(backoff):
                    break
                continue
            self._wake.wait(self._interval_s)
        self._release()

    def _claim(self) -> bool:
        """Hold the evaluator lease; renewed when half of it has run out."""
        # The lease runs on the server's clock; this seat only counts how long it has held it.
        ttl = LEASE.total_seconds()
        if self._lease_until is not None and time.monotonic() < self._lease_until - ttl / 2:
            return True
        taken = time.monotonic()
        with self._db.transaction() as session:
            leading = alert_lease.claim_evaluator(session, self.holder, LEASE)
        self._lease_until = taken + ttl if leading else None
        if leading != self._leading:
            self._leading = leading
            self.evaluator.emit(leading)
        return leading

    def _release(self) -> None:
        if self._lease_until is None:
            return
        try:
            with self._db.transaction() as session:
                alert_lease.release_evaluator(session, self.holder)
        except Exception:   # closing: the lease simply runs out instead
            log.warning("could not give the alert evaluator lease up", exc_info=True)
        self._lease_until = None
