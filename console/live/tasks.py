"""Running database work off the GUI thread: a function of a session in, plain data back by signal.

The pattern of Anki's QueryOp/CollectionOp: widgets hand `fn(session) -> plain data` to a
TaskRunner; it runs inside `with db.transaction()` on a worker thread and the result (or the
exception, e.g. a DomainError) comes back on the GUI thread. ORM objects never leave `fn`.

Two lanes, so a long report or export never holds up the reads a user is waiting for:
`Lane.INTERACTIVE` (queues, details, map layers, actions) and `Lane.LONG` (work with progress
and a cancel flag, see `run_long`). A caller may pass a `key`: a newer task with the same key
supersedes the older one — dropped if it has not started, its answer discarded if it has — so
a query made obsolete by the next keystroke neither queues up nor lands on screen.
"""
from __future__ import annotations

import enum
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, Signal, Slot

from console.domain.errors import DomainError
from console.store import retry
from console.store.database import Database, DatabaseOpenError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
Progress = Callable[[float, str], None]

LONG_THREADS = 2


class Lane(enum.Enum):
    INTERACTIVE = "interactive"   # what a user is looking at: short, many, first served
    LONG = "long"                 # reports, exports, rebuilds: may take minutes, cancellable


class Cancelled(Exception):
    """Raised by `Job.check()` in work whose task was cancelled or superseded."""


def in_transaction(db: Database, fn: Callable[[Session], Any]) -> Any:
    """Run `fn(session)` in one transaction, rolled back if it raises (the one place this is
    done); a transaction the database picked as a deadlock victim runs again in a fresh one."""
    return retry.in_transaction(db, fn)


class Job:
    """What long work sees of its task: a cancel flag to poll and a progress callable."""

    MIN_INTERVAL_S = 0.05

    def __init__(self, task: Task) -> None:
        self._task = task
        self._last = (0.0, "")

    @property
    def cancelled(self) -> bool:
        return self._task.dropped

    def check(self) -> None:
        """Stop here (raise Cancelled) if the task was cancelled or superseded."""
        if self._task.dropped:
            raise Cancelled

    def progress(self, fraction: float, stage: str = "") -> None:
        # Work may report thousands of times; a queue of stale updates helps no one.
        now = time.monotonic()
        last_at, last_stage = self._last
        if stage == last_stage and fraction < 1.0 and now - last_at < self.MIN_INTERVAL_S:
            return
        self._last = (now, stage)
        self._task.progress.emit(float(fraction), stage)


class Task(QObject):
    """One piece of background work; lives on the GUI thread, so its slots run there."""

    finished = Signal(object)      # the result
    failed = Signal(object)        # the exception
    skipped = Signal()             # dropped before it started: the function never ran
    progress = Signal(float, str)  # from long work, throttled

    def __init__(self, on_done: Done | None, on_error: Failed | None, owner: QObject | None,
                 runner: TaskRunner, key: Hashable | None = None,
                 lane: Lane = Lane.INTERACTIVE) -> None:
        super().__init__()
        self._on_done, self._on_error, self._owner, self._runner = on_done, on_error, owner, runner
        self.key, self.lane = key, lane
        self._lock = threading.Lock()
        self._dropped = False
        self._started = False
        self.on_progress: Progress | None = None
        self.finished.connect(self._deliver_result)
        self.failed.connect(self._deliver_error)
        self.skipped.connect(self._end)
        # A bound slot of this GUI-thread object: the worker's emit is queued to the GUI thread.
        # (A lambda has no thread: it ran on the worker, where a progress dialog's setValue
        # started a timer — "Timers cannot be started from another thread".)
        self.progress.connect(self._deliver_progress)

    def _deliver_progress(self, fraction: float, stage: str) -> None:
        if self.on_progress is not None and not self._dropped:
            self.on_progress(fraction, stage)

    @property
    def dropped(self) -> bool:
        """Cancelled or superseded: its answer will not be delivered."""
        return self._dropped

    @property
    def started(self) -> bool:
        return self._started

    def cancel(self) -> None:
        """Drop the task: it will not start, or its answer is discarded (long work may stop)."""
        with self._lock:
            self._dropped = True

    def _begin(self) -> bool:
        """On the worker: whether to run (not when dropped first); a drop after this is late."""
        with self._lock:
            if self._dropped:
                return False
            self._started = True
            return True

    def _owner_gone(self) -> bool:
        # A dock closed while its query ran: drop the answer instead of touching a dead widget.
        return self._owner is not None and not shiboken6.isValid(self._owner)

    @Slot()
    def _end(self) -> None:
        self._runner._forget(self)

    @Slot(object)
    def _deliver_result(self, result: Any) -> None:
        self._runner._forget(self)
        if self._on_done is not None and not self._dropped and not self._owner_gone():
            self._on_done(result)

    @Slot(object)
    def _deliver_error(self, exc: BaseException) -> None:
        self._runner._forget(self)
        # Every background failure passes here, so here it is logged, once: the sentence the
        # user sees (a fault "…the details are in the log") is then true whoever shows it.
        log_fault(exc)
        if is_connection_lost(exc):
            # The whole seat learns at once, whichever widget asked (it may be gone already).
            self._runner.connection_lost.emit()
        if self._dropped or self._owner_gone():
            return
        if self._on_error is not None:
            self._on_error(exc)
        else:
            self._runner.task_failed.emit(exc)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], task: Task) -> None:
        super().__init__()
        self._fn, self._task = fn, task

    def run(self) -> None:
        try:
            if not self._task._begin():
                self._task.skipped.emit()
                return
            try:
                result = self._fn()
            except Exception as exc:   # noqa: BLE001 — every failure goes back to the caller
                self._task.failed.emit(exc)
            else:
                self._task.finished.emit(result)
        except RuntimeError as exc:
            # The application quit while this ran past the shutdown's wait: its task object
            # is gone with the runner, and there is nobody left to tell.
            if "deleted" not in str(exc):
                raise


class TaskRunner(QObject):
    """Runs functions of a session on two private thread pools; results return on the GUI thread."""

    task_failed = Signal(object)   # failures of tasks that brought no error callback
    connection_lost = Signal()     # a task failed because the database server cannot be reached

    def __init__(self, db: Database | None = None, *, max_threads: int = 4,
                 long_threads: int = LONG_THREADS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._pools = {Lane.INTERACTIVE: QThreadPool(), Lane.LONG: QThreadPool()}
        self._pools[Lane.INTERACTIVE].setMaxThreadCount(max_threads)
        self._pools[Lane.LONG].setMaxThreadCount(long_threads)
        self._tasks: set[Task] = set()          # every task whose job has not reported back
        self._keyed: dict[Hashable, Task] = {}  # the newest task of each key

    def _database(self) -> Database:
        if self.db is None:
            raise RuntimeError("TaskRunner has no database")
        return self.db

    def run(self, fn: Callable[[Session], Any], *, on_done: Done | None = None,
            on_error: Failed | None = None, owner: QObject | None = None,
            key: Hashable | None = None, lane: Lane = Lane.INTERACTIVE) -> Task:
        """Run `fn(session)` in one transaction (rolled back if it raises).

        `key`: a newer task with an equal key supersedes this one. Keys are shared by the whole
        runner, so a caller makes its own unique, e.g. `(self, "page")`."""
        db = self._database()
        return self.call(lambda: in_transaction(db, fn), on_done=on_done, on_error=on_error,
                         owner=owner, key=key, lane=lane)

    def run_long(self, fn: Callable[[Session, Job], Any], *, on_done: Done | None = None,
                 on_error: Failed | None = None, on_progress: Progress | None = None,
                 owner: QObject | None = None, key: Hashable | None = None) -> Task:
        """Long work `fn(session, job)` on the long lane: it reports with `job.progress(f, stage)`
        and polls `job.check()` (or `job.cancelled`) to stop once `task.cancel()` was called."""
        db = self._database()
        return self.call_long(lambda job: in_transaction(db, lambda s: fn(s, job)),
                              on_done=on_done, on_error=on_error, on_progress=on_progress,
                              owner=owner, key=key)

    def call_long(self, fn: Callable[[Job], Any], *, on_done: Done | None = None,
                  on_error: Failed | None = None, on_progress: Progress | None = None,
                  owner: QObject | None = None, key: Hashable | None = None) -> Task:
        """`run_long` for a plain callable of the job (no session)."""
        task = self._task(on_done, on_error, owner, key, Lane.LONG)
        task.on_progress = on_progress
        job = Job(task)
        self._pools[Lane.LONG].start(_Job(lambda: fn(job), task))
        return task

    def call(self, fn: Callable[[], Any], *, on_done: Done | None = None,
             on_error: Failed | None = None, owner: QObject | None = None,
             key: Hashable | None = None, lane: Lane = Lane.INTERACTIVE) -> Task:
        """Run a plain callable (e.g. opening the database) on the pool of `lane`."""
        task = self._task(on_done, on_error, owner, key, lane)
        self._pools[lane].start(_Job(fn, task))
        return task

    def _task(self, on_done: Done | None, on_error: Failed | None, owner: QObject | None,
              key: Hashable | None, lane: Lane) -> Task:
        task = Task(on_done, on_error, owner, self, key, lane)
        if key is not None:
            older = self._keyed.get(key)
            if older is not None:
                older.cancel()
            self._keyed[key] = task
        self._tasks.add(task)
        return task

    def call_and_wait(self, fn: Callable[[], Any], *, lane: Lane = Lane.INTERACTIVE) -> Any:
        """Run `fn` on a pool while the GUI keeps painting; its result, or its error raised."""
        loop = QEventLoop()
        box: dict[str, Any] = {}

        def done(result: Any) -> None:
            box["result"] = result
            loop.quit()

        def failed(exc: BaseException) -> None:
            box["error"] = exc
            loop.quit()
        self.call(fn, on_done=done, on_error=failed, lane=lane)
        loop.exec()
        if "error" in box:
            raise box["error"]
        return box["result"]

    def run_and_wait(self, fn: Callable[[Session], Any], *,
                     lane: Lane = Lane.INTERACTIVE) -> Any:
        """`call_and_wait` for a function of a session, in one transaction."""
        db = self._database()
        return self.call_and_wait(lambda: in_transaction(db, fn), lane=lane)

    def pending(self) -> int:
        """Tasks started whose answer has not been delivered yet (dropped ones not counted)."""
        return sum(1 for t in self._tasks if not t.dropped)

    def idle(self) -> bool:
        """No task left, dropped ones included, and no worker thread busy."""
        return not self._tasks and all(p.activeThreadCount() == 0 for p in self._pools.values())

    def wait(self, timeout_ms: int = -1) -> bool:
        """Wait for the running functions to return (their answers may still be queued)."""
        deadline = None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000
        for pool in self._pools.values():
            left = -1 if deadline is None else max(0, int((deadline - time.monotonic()) * 1000))
            if not pool.waitForDone(left):
                return False
        return True

    def _forget(self, task: Task) -> None:
        self._tasks.discard(task)
        if task.key is not None and self._keyed.get(task.key) is task:
            del self._keyed[task.key]


class ProgressRelay(QObject):
    """A `progress(fraction, stage)` callable for worker threads that reports on the GUI thread."""

    progress = Signal(float, str)
    MIN_INTERVAL_S = 0.05

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._last = (0.0, "")

    def __call__(self, fraction: float, stage: str) -> None:
        # A generator may report thousands of times; a queue of stale updates helps no one.
        now = time.monotonic()
        last_at, last_stage = self._last
        if stage == last_stage and fraction < 1.0 and now - last_at < self.MIN_INTERVAL_S:
            return
        self._last = (now, stage)
        self.progress.emit(float(fraction), stage)


#: where faults (not refusals) are written, with their tracebacks.
faults = logging.getLogger("console.faults")


def is_refusal(exc: BaseException) -> bool:
    """A refusal the console made on purpose (it has words for the user, no traceback to log)
    — told by type: a driver's error may carry a `.code` and `.params` too."""
    return isinstance(exc, (DomainError, DatabaseOpenError))


def is_connection_lost(exc: BaseException) -> bool:
    """The database server could not be reached: neither a refusal nor a bug. Nothing about the
    work was wrong; whether a write in flight was saved is unknown, so the form stays open."""
    return retry.is_connection_lost(exc)


def log_fault(exc: BaseException, what: str = "a background task") -> None:
    """Write an exception that is not a refusal to the log, with its traceback (a lost server
    in one line: it is an outage to note, not a bug to trace)."""
    if is_connection_lost(exc):
        faults.warning("%s: database unreachable: %s", what, str(exc).strip().splitlines()[0]
                       if str(exc).strip() else type(exc).__name__)
    elif not is_refusal(exc) and not isinstance(exc, Cancelled):   # a cancel was asked for
        faults.error("%s failed", what, exc_info=(type(exc), exc, exc.__traceback__))


def print_unexpected(exc: BaseException) -> None:
    """Write an unexpected exception with its traceback to stderr (for the log, not the user)."""
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
