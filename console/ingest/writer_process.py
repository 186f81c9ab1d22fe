"""The batch writer in a process of its own, so writing and answering requests do not share one
interpreter lock.

The request side (the event loop) gathers accepted fixes in a short local buffer and sends it
as one message (a list of IntakeFix tuples: one pickling per chunk, not per fix) every CHUNK fixes
or CHUNK_S seconds. The child runs a BatchWriter on what arrives. The queue stays bounded: the
request side knows how many fixes it sent and the child publishes how many it wrote, so a fix
is refused (503) once `capacity` are sent and not yet written.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import queue as queue_module
import threading
import time

from sqlalchemy.exc import SQLAlchemyError

from console.domain.errors import DomainError
from console.ingest.directory import DeviceDirectory
from console.ingest.writer import (
    DEFAULT_CAPACITY,
    MAX_BATCH,
    REFRESH_S,
    WINDOW_S,
    BatchWriter,
)
from console.services.intake import IntakeFix, active_devices
from console.store.database import Database

log = logging.getLogger(__name__)

CHUNK = 512
CHUNK_S = 0.005
STATS_S = 0.02          # how often the child publishes its counts
STOP_TIMEOUT_S = 60.0


def _child(url: str, inbox, ready, written, refused, last_write, window: float,
           max_batch: int) -> None:
    """The writer process: BatchWriter over its own connection, fed from `inbox`."""
    from console.ingest.checkpoint import Checkpointer, no_automatic_checkpoints
    from console.ingest.stdout_log import log_to_stdout
    from console.store.database import open_database
    log_to_stdout()
    db = open_database(url, upgrade=False)
    no_automatic_checkpoints(db)
    checkpointer = Checkpointer(url)
    checkpointer.start()
    writer = BatchWriter(db, DeviceDirectory(), capacity=10**9, window=window,
                         max_batch=max_batch)
    writer.start()
    ready.set()

    def publish() -> None:
        written.value = writer.written
        refused.value = writer.refused_late
        if writer.last_write is not None:
            last_write.value = time.time() - (time.monotonic() - writer.last_write)
    parent = multiprocessing.parent_process()
    try:
        while True:
            try:
                chunk = inbox.get(timeout=STATS_S)
            except queue_module.Empty:
                publish()
                # A serve killed outright never sends the end: write what came and leave, rather
                # than wait for ever holding the database (orphans were found after test runs).
                if parent is not None and not parent.is_alive():
                    log.error("serve is gone: the writer process writes what it has and stops")
                    break
                continue
            if chunk is None:
                break
            writer.offer_many(chunk)
            publish()
    finally:
        lost = writer.stop(timeout=STOP_TIMEOUT_S - 5)
        publish()
        checkpointer.stop()
        db.dispose()
        if lost:
            log.error("writer process stopped with %d fixes unwritten", lost)


class ProcessWriter:
    """BatchWriter's face for the app (offer, depth, counts, stop), writing in a child process."""

    def __init__(self, db: Database, url: str, directory: DeviceDirectory, *,
                 capacity: int = DEFAULT_CAPACITY, window: float = WINDOW_S,
                 max_batch: int = MAX_BATCH) -> None:
        self.db = db                     # this process's own: health checks, the device set
        self.directory = directory
        self.capacity = capacity
        ctx = multiprocessing.get_context("spawn")   # no fork of a process holding threads
        self._inbox = ctx.Queue()
        self._written = ctx.RawValue("q", 0)
        self._refused = ctx.RawValue("q", 0)   # device disabled between answer and write
        self._last_write = ctx.RawValue("d", 0.0)
        self._ready = ctx.Event()
        self._process = ctx.Process(target=_child, name="ingest-writer", daemon=False,
                                    args=(url, self._inbox, self._ready, self._written,
                                          self._refused, self._last_write, window, max_batch))
        self._buffer: list[IntakeFix] = []
        self._flush_scheduled = False
        self._sent = 0
        self._stopping = threading.Event()
        self.accepted = 0
        self._refresher: threading.Thread | None = None

    # --- the request side (event loop thread) ----------------------------------------------

    def offer(self, fix: IntakeFix) -> bool:
        if self._stopping.is_set() or self.depth >= self.capacity:
            return False
        self._buffer.append(fix)
        self.accepted += 1
        if len(self._buffer) >= CHUNK:
            self.flush()
        elif not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_later(CHUNK_S, self.flush)
        return True

    def flush(self) -> None:
        self._flush_scheduled = False
        if self._buffer:
            chunk, self._buffer = self._buffer, []
            self._sent += len(chunk)
            self._inbox.put(chunk)

    @property
    def written(self) -> int:
        return self._written.value

    @property
    def depth(self) -> int:
        return self._sent + len(self._buffer) - self._written.value - self._refused.value

    def last_write_age(self) -> float | None:
        last = self._last_write.value
        return None if not last else max(0.0, time.time() - last)

    # --- lifecycle --------------------------------------------------------------------------

    def refresh_devices(self) -> None:
        with self.db.session() as s:
            self.directory.replace(active_devices(s))

    def _refresh_loop(self) -> None:
        while not self._stopping.wait(REFRESH_S):
            try:
                self.refresh_devices()
            except (SQLAlchemyError, DomainError) as exc:   # a timeout too: try next round
                log.warning("cannot refresh devices: %s", str(exc).splitlines()[0])

    def start(self) -> None:
        self.refresh_devices()
        self._process.start()
        # Answer no phone before the writer can write: wait for it (or its death).
        while not self._ready.wait(0.1):
            if not self._process.is_alive():
                raise RuntimeError(f"the writer process exited ({self._process.exitcode})")
        self._refresher = threading.Thread(target=self._refresh_loop, name="ingest-devices",
                                           daemon=True)
        self._refresher.start()

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> int:
        """Send what is buffered, let the child write everything and exit; fixes lost."""
        self._stopping.set()
        self.flush()
        self._inbox.put(None)
        self._process.join(timeout)
        if self._process.is_alive():
            log.error("writer process did not stop in %.0f s: killed", timeout)
            self._process.kill()
            self._process.join()
        self._inbox.close()
        return max(0, self.depth)
