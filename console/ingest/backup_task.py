"""The daily backup as a task of `serve`: a thread that looks every few minutes whether
today's backup is due (console/services/backups.py decides and claims it)."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from console.services.backups import run_daily
from console.store.database import Database

log = logging.getLogger("console.ingest.backup")
CHECK_EVERY_S = 300.0


class DailyBackup:
    """Runs `run_daily` at start and then every CHECK_EVERY_S until stopped."""

    def __init__(self, db: Database, folder: Path, *, clock: Callable[[], datetime] = datetime.now,
                 every_s: float = CHECK_EVERY_S) -> None:
        self.db, self.folder, self.clock, self.every_s = db, folder, clock, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="daily-backup", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            try:
                run_daily(self.db, self.clock(), self.folder)
            except Exception:   # a worker reports, it never takes the server down
                log.exception("daily backup check failed")
            if self._stop.wait(self.every_s):
                return
