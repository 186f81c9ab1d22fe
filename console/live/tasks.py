"""Running database work off the GUI thread: a function of a session in, plain data back by signal.

The pattern of Anki's QueryOp/CollectionOp: widgets hand `fn(session) -> plain data` to a
TaskRunner; it runs inside `with db.transaction()` on a QThreadPool worker and the result (or
the exception, e.g. a DomainError) comes back on the GUI thread. ORM objects never leave `fn`.
"""
from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, Signal, Slot

from console.store.database import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class Task(QObject):
    """One piece of background work; lives on the GUI thread, so its slots run there."""

    finished = Signal(object)   # the result
    failed = Signal(object)     # the exception

    def __init__(self, on_done: Done | None, on_error: Failed | None, owner: QObject | None,
                 runner: TaskRunner) -> None:
        super().__init__()
        self._on_done, self._on_error, self._owner, self._runner = on_done, on_error, owner, runner
        self.finished.connect(self._deliver_result)
        self.failed.connect(self._deliver_error)

    def _owner_gone(self) -> bool:
        # A dock closed while its query ran: drop the answer instead of touching a dead widget.
        return self._owner is not None and not shiboken6.isValid(self._owner)

    @Slot(object)
    def _deliver_result(self, result: Any) -> None:
        self._runner._forget(self)
        if self._on_done is not None and not self._owner_gone():
            self._on_done(result)

    @Slot(object)
    def _deliver_error(self, exc: BaseException) -> None:
        self._runner._forget(self)
        if self._owner_gone():
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
            result = self._fn()
        except Exception as exc:   # noqa: BLE001 — every failure goes back to the caller
            self._task.failed.emit(exc)
        else:
            self._task.finished.emit(result)


class TaskRunner(QObject):
    """Runs functions of a session on a private thread pool; results return on the GUI thread."""

    task_failed = Signal(object)   # failures of tasks that brought no error callback

    def __init__(self, db: Database | None = None, *, max_threads: int = 4,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(max_threads)
        self._pending: set[Task] = set()

    def run(self, fn: Callable[[Session], Any], *, on_done: Done | None = None,
            on_error: Failed | None = None, owner: QObject | None = None) -> Task:
        """Run `fn(session)` in one transaction (rolled back if it raises)."""
        if self.db is None:
            raise RuntimeError("TaskRunner has no database")
        db = self.db

        def in_transaction() -> Any:
            with db.transaction() as session:
                return fn(session)
        return self.call(in_transaction, on_done=on_done, on_error=on_error, owner=owner)

    def call(self, fn: Callable[[], Any], *, on_done: Done | None = None,
             on_error: Failed | None = None, owner: QObject | None = None) -> Task:
        """Run a plain callable (e.g. opening the database) on the pool."""
        task = Task(on_done, on_error, owner, self)
        self._pending.add(task)
        self._pool.start(_Job(fn, task))
        return task

    def call_and_wait(self, fn: Callable[[], Any]) -> Any:
        """Run `fn` on the pool while the GUI keeps painting; its result, or its error raised."""
        loop = QEventLoop()
        box: dict[str, Any] = {}

        def done(result: Any) -> None:
            box["result"] = result
            loop.quit()

        def failed(exc: BaseException) -> None:
            box["error"] = exc
            loop.quit()
        self.call(fn, on_done=done, on_error=failed)
        loop.exec()
        if "error" in box:
            raise box["error"]
        return box["result"]

    def run_and_wait(self, fn: Callable[[Session], Any]) -> Any:
        """`call_and_wait` for a function of a session, in one transaction."""
        db = self.db
        if db is None:
            raise RuntimeError("TaskRunner has no database")

        def in_transaction() -> Any:
            with db.transaction() as session:
                return fn(session)
        return self.call_and_wait(in_transaction)

    def pending(self) -> int:
        """Tasks started whose answer has not been delivered yet."""
        return len(self._pending)

    def wait(self, timeout_ms: int = -1) -> bool:
        """Wait for the running functions to return (their answers may still be queued)."""
        return self._pool.waitForDone(timeout_ms)

    def _forget(self, task: Task) -> None:
        self._pending.discard(task)


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


def print_unexpected(exc: BaseException) -> None:
    """Write an unexpected exception with its traceback to stderr (for the log, not the user)."""
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
