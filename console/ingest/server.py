"""`city-console serve`: the headless intake process (uvicorn + the batch writer).

Fit for a service manager: logs go to standard output; SIGTERM (or SIGINT) stops accepting,
lets uvicorn finish the requests in progress, then the writer writes every fix it accepted
before the process exits 0.
"""
from __future__ import annotations

import logging
import signal
import threading
import time

from console import paths
from console.ingest.app import create_app
from console.ingest.backup_task import DailyBackup
from console.ingest.checkpoint import Checkpointer, no_automatic_checkpoints
from console.ingest.directory import DeviceDirectory
from console.ingest.pruner import run_pruner
from console.ingest.stdout_log import log_to_stdout
from console.ingest.writer import DEFAULT_CAPACITY, WINDOW_S, BatchWriter
from console.ingest.writer_process import ProcessWriter
from console.store.database import Database

log = logging.getLogger("console.ingest")

STATS_EVERY_S = 10.0


def _stats(writer: BatchWriter, stop: threading.Event) -> None:
    last = (0, 0)
    while not stop.wait(STATS_EVERY_S):
        now = (writer.accepted, writer.written)
        if now != last:
            log.info("accepted %d written %d (%.0f/s) queue %d", now[0], now[1],
                     (now[1] - last[1]) / STATS_EVERY_S, writer.depth)
            last = now


def _ignore(signum, frame) -> None:
    log.info("signal %d: already stopping", signum)


def serve(db: Database, *, host: str, port: int, capacity: int = DEFAULT_CAPACITY,
          window: float = WINDOW_S, writer_process: bool = True, prune: bool = True,
          open311_port: int | None = None, data_dir=None) -> int:
    """Run until SIGTERM/SIGINT; returns the exit code (1 if accepted fixes were lost).

    `writer_process`: write in a child process (the default: the HTTP side keeps this
    process's interpreter lock to itself); else in a thread of this one."""
    import uvicorn

    log_to_stdout()
    directory = DeviceDirectory()
    url = db.engine.url.render_as_string(hide_password=False)
    # Checkpoints by a thread of the writer's process (or of this one), never inside the
    # commit of a batch or of a citizen's report: see console/ingest/checkpoint.py.
    no_automatic_checkpoints(db)
    checkpointer = None
    if writer_process:
        writer = ProcessWriter(db, url, directory, capacity=capacity, window=window)
    else:
        writer = BatchWriter(db, directory, capacity=capacity, window=window)
        checkpointer = Checkpointer(url)
        checkpointer.start()
    app, sockets = create_app(writer, directory,
                              field_data_dir=data_dir or paths.data_dir()), None
    if open311_port:
        from console.ingest.open311_serve import mounted
        app, sockets = mounted(app, db, host=host, port=port, open311_port=open311_port,
                               data_dir=data_dir)
    writer.start()
    stop_stats = threading.Event()
    stats = threading.Thread(target=_stats, args=(writer, stop_stats), name="ingest-stats",
                             daemon=True)
    stats.start()
    daily_backup = DailyBackup(db, paths.data_dir())
    daily_backup.start()
    if prune:
        threading.Thread(target=run_pruner, args=(db, stop_stats), name="ingest-pruner",
                         daemon=True).start()
    config = uvicorn.Config(app, host=host, port=port,
                            log_config=None, access_log=False, server_header=False,
                            timeout_graceful_shutdown=10, backlog=4096)
    server = uvicorn.Server(config)
    # uvicorn re-raises the signal it caught once it has shut down, under the handler that was
    # installed before it started: with the default one the process would die right there,
    # before the writer flushes. Ours lets `finally` write what was accepted, then exit 0.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _ignore)
    log.info("OsmAnd intake on http://%s:%d/ writing to %s (%d devices known)",
             host, port, db.url, directory.known_count)
    try:
        server.run(sockets=sockets)
    finally:
        started = time.monotonic()
        stop_stats.set()
        lost = writer.stop()   # what was accepted is written first
        if checkpointer is not None:
            checkpointer.stop()
        daily_backup.stop()
        log.info("stopped: accepted %d, written %d, lost %d (final flush %.2f s)",
                 writer.accepted, writer.written, lost, time.monotonic() - started)
    if not server.started:
        return 1
    return 1 if lost else 0
