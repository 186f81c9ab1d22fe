"""A local field listener: `city-console serve` as a supervised child of the console.

A single-seat centre needs no separate machine, but the listener must not run inside the GUI
process (thousands of requests a second would share its interpreter lock). So the console
starts `serve` with QProcess, restarts it with a growing delay when it dies, stops it with
SIGTERM (serve then writes every fix it accepted) and reads its /healthz every few seconds on
a pool thread, never on the GUI thread.
"""
from __future__ import annotations

import json
import logging
import socket
import sys
import time
import urllib.request
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, QProcess, QTimer, Signal, Slot

log = logging.getLogger(__name__)

HEALTH_EVERY_MS = 1000
RATE_WINDOW_S = 10.0     # phones report every few seconds: a shorter window flickers to 0
BACKOFF_S = (1, 2, 5, 10, 30, 60)
STEADY_S = 60.0          # up this long: the next death starts the backoff again
STOP_TIMEOUT_MS = 15_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch_json(url: str, timeout: float = 2.0):
    """GET `url` and decode its JSON body (pool threads only)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:   # our own loopback serve
        return json.loads(response.read())


class ListenerSupervisor(QObject):
    """Runs and watches one `serve`. `health` carries /healthz plus `port` and `rate` (fixes
    written a second); `state` is "starting", "running", "restarting:<seconds>" or "stopped"."""

    health = Signal(dict)
    state = Signal(str)

    def __init__(self, db_url: str, *, host: str = "0.0.0.0", port: int = 5055,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_url, self.host, self.port = db_url, host, port
        self.restarts = 0
        self._process: QProcess | None = None
        self._stopping = False
        self._started_at = 0.0
        self._failures = 0
        self._seen: deque[tuple[float, int]] = deque()   # (time, written) over RATE_WINDOW_S
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="listener-health")
        self._check_future: Future | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(HEALTH_EVERY_MS)
        self._timer.timeout.connect(self._check)
        self._restart = QTimer(self)
        self._restart.setSingleShot(True)
        self._restart.timeout.connect(self._spawn)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._stopping = False
        self._spawn()
        self._timer.start()

    def _spawn(self) -> None:
        process = QProcess(self)
        process.setProgram(sys.executable)
        process.setArguments(["-m", "console", "serve", "--db", self.db_url, "--host", self.host,
                              "--port-osmand", str(self.port)])
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        # Bound methods, no lambdas holding the process: a reference cycle through a QProcess
        # would let Python's collector delete it at any later moment.
        process.readyReadStandardOutput.connect(self._log)
        process.finished.connect(self._finished)
        self._process = process
        self._started_at = time.monotonic()
        self.state.emit("starting")
        process.start()

    @Slot()
    def _log(self) -> None:
        process = self.sender()
        if not isinstance(process, QProcess):
            return
        for line in bytes(process.readAllStandardOutput()).decode(errors="replace").splitlines():
            log.info("serve: %s", line)

    @Slot(int, QProcess.ExitStatus)
    def _finished(self, code: int, _status) -> None:
        process = self.sender()
        if process is None or process is not self._process:
            return
        self._process = None
        process.deleteLater()
        if self._stopping:
            self.state.emit("stopped")
            return
        if time.monotonic() - self._started_at > STEADY_S:
            self._failures = 0
        delay = BACKOFF_S[min(self._failures, len(BACKOFF_S) - 1)]
        self._failures += 1
        self.restarts += 1
        log.warning("the listener exited (%s); restarting in %d s", code, delay)
        self.state.emit(f"restarting:{delay}")
        self._restart.start(delay * 1000)

    def _check(self) -> None:
        # The answer is collected on the next tick, on this (GUI) thread: the pool thread
        # touches no Qt object at all.
        future = self._check_future
        if future is not None:
            if not future.done():
                return
            self._check_future = None
            self._on_health(future.result())
        if self._process is None:
            return
        url = self.base_url + "/healthz"

        def read():
            try:
                return fetch_json(url)
            except (OSError, ValueError):
                return None
        self._check_future = self._pool.submit(read)

    def _on_health(self, body: dict | None) -> None:
        if body is None:
            return
        now, written = time.monotonic(), int(body.get("written") or 0)
        if self._seen and written < self._seen[-1][1]:
            self._seen.clear()          # a restarted serve counts from zero
        self._seen.append((now, written))
        while now - self._seen[0][0] > RATE_WINDOW_S:
            self._seen.popleft()
        first = self._seen[0]
        rate = (written - first[1]) / (now - first[0]) if now > first[0] else 0.0
        self.state.emit("running")
        self.health.emit(body | {"port": self.port, "rate": rate})

    def stop(self) -> None:
        """SIGTERM, wait for serve to write what it accepted (bounded), then kill."""
        self._stopping = True
        self._timer.stop()
        self._restart.stop()
        process = self._process
        if process is not None and process.state() != QProcess.ProcessState.NotRunning:
            process.terminate()
            if not process.waitForFinished(STOP_TIMEOUT_MS):
                process.kill()
                process.waitForFinished(2000)
        self._process = None
        self._pool.shutdown(wait=True)

    def kill_for_test(self) -> None:
        """End the child abruptly (tests: the supervisor must restart it)."""
        if self._process is not None:
            self._process.kill()
