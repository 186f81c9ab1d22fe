"""The change-feed worker: polls the feed in its own QThread and emits what changed as Qt signals.

Every seat, the simulator and field intake write through services that record feed rows; this
worker is the one path by which those writes reach the screen. It reads with its own short
sessions (ORM objects never cross threads) and emits only plain dataclasses.

The FeedWorker object itself stays in the GUI thread while its loop runs in a QThread it owns
(see loop_worker.py), so every receiver runs on the GUI thread, never inside the polling loop.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from datetime import datetime

from PySide6.QtCore import Signal

from console.live.loop_worker import LoopWorker, one_line
from console.store import feed, feed_readers, notify, retry
from console.store.database import Database

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MS = 250
STATUS_INTERVAL_S = 1.0
RATE_WINDOW_S = 5.0
MAX_BACKOFF_S = 10.0   # for faults other than a lost server (those back off per store/retry.py)
#: While the LISTEN connection is up, commits announce themselves: the poll is only the
#: fallback, and runs this often at most (status still goes out about once a second). Twenty
#: idle seats polling every 250 ms were 80 feed reads a second for nothing.
LISTENING_POLL_S = 1.0
#: A burst of notifications (a room of seats writing) is read at most once per this long, so
#: a seat's feed reads per second stop growing with the number of writers. A lone commit
#: after a quiet moment is read at once.
MIN_READ_GAP_S = 0.05


class FeedWorker(LoopWorker):
    """Polls `changes_since` every `interval_ms` and emits a batch when something changed."""

    changes = Signal(object)   # console.store.feed.FeedBatch
    status = Signal(dict)      # {"seq", "last_change_at", "rows_per_s", "ok"}
    error = Signal(str)
    #: (last sequence read, newest sequence): the rows between were pruned while this seat was
    #: away (asleep longer than feed_keep_days); the `changes` batch that follows has
    #: `resync` set, and every view reads itself again in full.
    resynced = Signal(int, int)
    #: The database server cannot be reached (since this time); the worker keeps trying and
    #: then goes on from its last sequence, so every change made meanwhile arrives once.
    connection_lost = Signal(object)   # datetime
    connection_back = Signal()

    def __init__(self, db: Database, *, interval_ms: int = DEFAULT_INTERVAL_MS,
                 since: int | None = None) -> None:
        super().__init__()
        self.thread_name = "feed-worker"
        self._db = db
        self._interval_s = max(interval_ms, 10) / 1000
        self._since = since
        self._seen: deque[tuple[float, int]] = deque()   # (monotonic time, changes) for the rate
        self._last_change_at: datetime | None = None
        self._ok = True
        self._lost_since: datetime | None = None
        self._listener: notify.FeedListener | None = None
        # This worker's row in feed_readers: the pruner keeps every feed row it has not read.
        self._reader = str(uuid.uuid4())
        self._said: float | None = None     # monotonic time of the last heartbeat
        self._last_read = 0.0   # time.monotonic() of the last feed read

    @property
    def seq(self) -> int | None:
        """The newest sequence this worker has delivered (None before the first read)."""
        return self._since

    def _wake_for_stop(self) -> None:
        listener = self._listener
        if listener is not None:
            listener.interrupt()

    def _run(self) -> None:
        """The polling loop (feed thread); on PostgreSQL a commit's NOTIFY ends the pause."""
        self._listener = notify.FeedListener.open(self._db.engine, "feed")
        try:
            self._loop()
        finally:
            listener, self._listener = self._listener, None
            if listener is not None:
                listener.close()
            if self._said is not None:
                self._quietly(lambda s: feed_readers.leave(s, self._reader))

    def _pause(self, seconds: float) -> None:
        """Wait for the next poll: the interval, or less when a commit is announced."""
        listener = self._listener
        if listener is None or seconds <= 0 or self._stop.is_set():
            self._stop.wait(seconds)
            return
        if listener.connected:
            seconds = max(seconds, LISTENING_POLL_S)
        if listener.wait(seconds) is not None:
            gap = MIN_READ_GAP_S - (time.monotonic() - self._last_read)
            if gap > 0:
                self._stop.wait(gap)   # more may be committing right now: one read for all

    def _loop(self) -> None:
        backoff = 0.0
        last_status = 0.0
        while not self._stop.is_set():
            try:
                self._last_read = time.monotonic()
                batch = self._poll()
            except Exception as exc:   # noqa: BLE001 — the worker must outlive any database error
                self._set_ok(False)
                self.error.emit(one_line(exc))
                if retry.is_connection_lost(exc):
                    self._lost()
                    backoff = retry.next_backoff(backoff)
                else:
                    backoff = min(MAX_BACKOFF_S, max(0.5, backoff * 2))
                self._stop.wait(backoff)
                continue
            backoff = 0.0
            self._heartbeat()
            self._set_ok(True)
            if self._lost_since is not None:
                self._lost_since = None
                self.connection_back.emit()
            if batch is not None:
                self.changes.emit(batch)
            now = time.monotonic()
            if now - last_status >= STATUS_INTERVAL_S:
                last_status = now
                self.status.emit(self._snapshot())
            # A read near the per-read cap means a backlog: read on at once, not after a pause.
            behind = batch is not None and len(batch.rows) >= feed.MAX_ROWS_PER_READ // 2
            self._pause(0 if behind else self._interval_s)

    def _lost(self) -> None:
        if self._lost_since is None:
            self._lost_since = datetime.now().replace(microsecond=0)
            self.connection_lost.emit(self._lost_since)

    def _poll(self) -> feed.FeedBatch | None:
        """One batch of everything since the last delivered sequence, or None if nothing changed."""
        with self._db.session() as session:
            if self._since is None:
                # A new reader starts at the present: history is the queues' job, not the feed's.
                self._since = feed.current_seq(session)
                self.status.emit(self._snapshot())
                return None
            batch = feed.changes_since(session, self._since)
        if batch.resync:
            self.resynced.emit(batch.since, batch.seq)
        elif batch.seq <= self._since:
            return None
        self._since = batch.seq
        self._count(len(batch.rows) + len(batch.positions))
        return batch

    def _heartbeat(self) -> None:
        """Say how far this seat has read, every HEARTBEAT_S (after the read it reports)."""
        now = time.monotonic()
        if self._since is None or (self._said is not None
                                   and now - self._said < feed_readers.HEARTBEAT_S):
            return
        self._said = now
        seq = self._since
        self._quietly(lambda s: feed_readers.heartbeat(
            s, self._reader, notify.application_name(), seq, datetime.now()))

    def _quietly(self, write) -> None:
        """A heartbeat that fails (a seat role without the grant, a lost server) costs the seat
        nothing but the pruner's regard: the feed itself goes on."""
        try:
            with self._db.transaction() as session:
                write(session)
        except Exception as exc:   # noqa: BLE001
            log.warning("feed reader heartbeat failed: %s", one_line(exc))

    def _count(self, n: int) -> None:
        self._last_change_at = datetime.now().replace(microsecond=0)
        self._seen.append((time.monotonic(), n))

    def _set_ok(self, ok: bool) -> None:
        if ok != self._ok:
            self._ok = ok
            self.status.emit(self._snapshot())

    def _snapshot(self) -> dict:
        """The status the worker reports (worker thread only: it trims the rate window)."""
        cutoff = time.monotonic() - RATE_WINDOW_S
        while self._seen and self._seen[0][0] < cutoff:
            self._seen.popleft()
        rate = sum(n for _, n in self._seen) / RATE_WINDOW_S
        return {"seq": self._since, "last_change_at": self._last_change_at,
                "rows_per_s": rate, "ok": self._ok}
