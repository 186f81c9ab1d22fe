"""A worker whose loop runs in a QThread it owns while the object itself stays in the GUI thread.

A signal emitted from the loop's thread is then queued to receivers in the GUI thread — slots,
lambdas and test helpers alike — so nothing connected to a worker ever runs inside its loop.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread


class LoopWorker(QObject):
    """Subclasses implement `_run()`, which must return soon after `self._stop` is set."""

    thread_name = "worker"

    def __init__(self) -> None:
        super().__init__()
        self._stop = threading.Event()
        self._thread: _LoopThread | None = None

    def start(self) -> None:
        """Start the loop in a new QThread."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = _LoopThread(self)
        self._thread.setObjectName(self.thread_name)
        self._thread.start()

    def stop(self, timeout_ms: int = 10_000) -> bool:
        """Ask the loop to end and wait for its thread; safe to call twice or before start."""
        self._stop.set()
        self._wake_for_stop()
        if self._thread is None:
            return True
        if not self._thread.wait(timeout_ms):
            return False   # keep the reference: destroying a running QThread aborts the process
        self._thread = None
        return True

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def _wake_for_stop(self) -> None:
        """Interrupt any other wait the loop may be in (the stop event itself needs nothing)."""

    def _run(self) -> None:
        raise NotImplementedError


class _LoopThread(QThread):
    """Runs a worker's loop; no event loop is needed in the thread."""

    def __init__(self, worker: LoopWorker) -> None:
        super().__init__()
        self._worker = worker

    def run(self) -> None:
        self._worker._run()


def one_line(exc: BaseException) -> str:
    """`Type: first line` of an exception, for a status line."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
