"""The bounded queue of accepted fixes and the thread that writes them in batches.

Requests only append to the queue (answered at once, as Traccar answers before it stores);
one thread takes everything queued, waits at most `window` for more, and writes it in one
transaction with one feed sequence. When the queue is full a request is refused (the server
answers 503 and the phone keeps the fix in its own buffer), so memory is bounded by
`capacity` plus one batch whatever the load.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from console.domain.errors import DomainError
from console.ingest.directory import DeviceDirectory
from console.services.intake import IntakeFix, active_devices, write_fixes
from console.store import retry
from console.store.database import Database

log = logging.getLogger(__name__)

DEFAULT_CAPACITY = 100_000
MAX_BATCH = 20_000
WINDOW_S = 0.05          # gather this long after the first fix: well inside the 200 ms promise
REFRESH_S = 3.0          # how often the known-device set is re-read
#: The database's refusals of a moment (statement or lock timeout): the batch waits and goes again.
_MOMENTARY = frozenset({"db_lock_timeout", "db_statement_timeout"})


def is_transient(exc: BaseException) -> bool:
    """A failure of the database, not of the fixes: server gone, busy, locked or timed out.
    The batch is kept and written again later; nothing in it is dropped."""
    if isinstance(exc, DomainError):
        return exc.code in _MOMENTARY
    return isinstance(exc, OperationalError) or retry.is_connection_lost(exc)


class BatchWriter:
    def __init__(self, db: Database, directory: DeviceDirectory, *,
                 capacity: int = DEFAULT_CAPACITY, window: float = WINDOW_S,
                 max_batch: int = MAX_BATCH) -> None:
        self.db = db
        self.directory = directory
        self.capacity = capacity
        self.window = window
        self.max_batch = max_batch
        self._queue: deque[IntakeFix] = deque()
        self._cond = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._in_flight = 0
        self.accepted = 0
        self.written = 0
        self.refused_late = 0          # device disabled between the answer and the write
        self.failures = 0
        self._backoff = 0.0            # the wait before the next try of a failed batch
        self.last_write: float | None = None     # time.monotonic() of the last commit

    # --- the request side (event loop thread) ----------------------------------------------

    def offer(self, fix: IntakeFix) -> bool:
        """Queue one fix; False when the queue is full."""
        with self._cond:
            if len(self._queue) >= self.capacity or self._stopping:
                return False
            self._queue.append(fix)
            self.accepted += 1
            if len(self._queue) == 1:
                self._cond.notify()
            return True

    def offer_many(self, fixes: list[IntakeFix]) -> None:
        """Queue fixes whatever the capacity (the writer process: its parent bounds them)."""
        with self._cond:
            was_empty = not self._queue
            self._queue.extend(fixes)
            self.accepted += len(fixes)
            if was_empty:
                self._cond.notify()

    @property
    def depth(self) -> int:
        return len(self._queue) + self._in_flight

    def last_write_age(self) -> float | None:
        return None if self.last_write is None else time.monotonic() - self.last_write

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        self.refresh_devices()
        self._thread = threading.Thread(target=self._run, name="ingest-writer", daemon=False)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> int:
        """Refuse new fixes, write every queued one (retrying a failing database until
        `timeout`), join the thread; returns how many fixes were lost (0 unless it timed out)."""
        with self._cond:
            self._stopping = True
            self._deadline = time.monotonic() + timeout
            self._cond.notify()
        if self._thread is not None:
            self._thread.join()
        return self.depth

    def write_pending(self) -> int:
        """Write everything queued now, in the caller's thread (for a writer not started)."""
        assert self._thread is None, "the writer thread owns the queue"
        with self._cond:
            batch = list(self._queue)
            self._queue.clear()
        if batch and not self._write(batch):
            raise RuntimeError("the database refused the write")
        return len(batch)

    def refresh_devices(self) -> None:
        with self.db.session() as s:
            self.directory.replace(active_devices(s))

    # --- the writer thread ------------------------------------------------------------------

    def _take(self) -> list[IntakeFix]:
        with self._cond:
            while not self._queue and not self._stopping:
                # Wake now and then to refresh the device set even when nothing comes in.
                if not self._cond.wait(timeout=REFRESH_S):
                    return []
            if not self._stopping and len(self._queue) < self.max_batch:
                # Let a batch gather: one transaction of many fixes costs little more than one.
                self._cond.wait(timeout=self.window)
            n = min(len(self._queue), self.max_batch)
            batch = [self._queue.popleft() for _ in range(n)]
            self._in_flight = n
            return batch

    def _run(self) -> None:
        batch: list[IntakeFix] = []
        while True:
            if time.monotonic() - self.directory.refreshed_at > REFRESH_S:
                try:
                    self.refresh_devices()
                except (SQLAlchemyError, DomainError) as exc:
                    # The known set stays as it was; the next round tries again.
                    self.directory.refreshed_at = time.monotonic()
                    log.warning("cannot refresh devices: %s", str(exc).splitlines()[0])
            if not batch:
                batch = self._take()
            if not batch:
                if self._stopping:
                    return
                continue
            if self._write(batch):
                batch = []
                self._backoff = 0.0
                with self._cond:
                    self._in_flight = 0
            elif self._stopping and time.monotonic() > self._deadline:
                log.error("stopping with %d fixes unwritten: the database does not answer",
                          self.depth)
                return
            else:
                # Requests are still answered meanwhile: the queue fills, then they get 503.
                self._backoff = retry.next_backoff(self._backoff)
                self._pause(self._backoff)

    def _pause(self, seconds: float) -> None:
        """Wait before trying a failed batch again; a stop cuts the wait short once its
        deadline has passed (until then it keeps trying, as `stop` promises)."""
        with self._cond:
            if self._stopping:
                seconds = min(seconds, max(0.0, self._deadline - time.monotonic()))
            self._cond.wait(timeout=seconds)

    def _write(self, batch: list[IntakeFix]) -> bool:
        try:
            with self.db.transaction() as s:
                result = write_fixes(s, batch)
        except (SQLAlchemyError, DomainError) as exc:
            if not is_transient(exc):
                # Not the database's mood but a row it refuses: write one by one, drop the culprit.
                log.exception("batch of %d refused; writing fix by fix", len(batch))
                return self._write_singly(batch)
            # Down, locked or restarting: keep the batch and try again; new requests get 503
            # once the queue fills, and the phones keep their fixes meanwhile.
            self.failures += 1
            log.warning("write of %d fixes failed, retrying: %s", len(batch),
                        str(getattr(exc, "orig", exc)).strip().splitlines()[0])
            return False
        self._done(result.written, result.refused)
        return True

    def _write_singly(self, batch: list[IntakeFix]) -> bool:
        for i, fix in enumerate(batch):
            try:
                with self.db.transaction() as s:
                    result = write_fixes(s, [fix])
            except (SQLAlchemyError, DomainError) as exc:
                if not is_transient(exc):
                    log.error("fix dropped (%s): %r", str(exc).splitlines()[0], fix)
                    continue
                del batch[:i]           # the retry must not write these twice
                return False
            self._done(result.written, result.refused)
        return True

    def _done(self, written: int, refused: dict[str, IntakeFix]) -> None:
        self.written += written
        self.last_write = time.monotonic()
        for device, fix in refused.items():
            self.refused_late += 1
            self.directory.saw_unknown(device, fix)
            log.warning("fixes of device %r not written: unknown or disabled", device)
