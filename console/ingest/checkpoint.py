"""SQLite's WAL checkpoints off the request and write paths of `serve`.

By default the connection whose commit finds the WAL over 1,000 pages copies it back into the
database file and syncs it, inside that commit's call. At thousands of fixes a second the WAL
passes that mark several times a second (each fix lands on index pages of its own officer and
device), and whichever commit crosses it waits: the writer's next batch, or a citizen's Open311
report, which then takes a hundred milliseconds instead of ten. Here serve's connections never
checkpoint; one thread of the writer process does, on its own connection, every CHECKPOINT_S.
A PASSIVE checkpoint takes no lock a writer or reader waits on, as the automatic one.
"""
from __future__ import annotations

import logging
import sqlite3
import threading

from sqlalchemy import event

from console.store.database import SQLITE_BUSY_TIMEOUT_MS, Database, sqlite_path

log = logging.getLogger(__name__)

CHECKPOINT_S = 0.5


def no_automatic_checkpoints(db: Database) -> None:
    """This database's connections leave checkpoints to `Checkpointer` (SQLite only)."""
    if not db.is_sqlite:
        return

    def off(dbapi_con, _record) -> None:
        dbapi_con.execute("PRAGMA wal_autocheckpoint=0")
    event.listen(db.engine, "connect", off)
    db.engine.dispose()      # connections opened before (the checks, migrations) go


class Checkpointer:
    """A thread running PASSIVE checkpoints on the database file of `url` (None: not SQLite)."""

    def __init__(self, url: str, every: float = CHECKPOINT_S) -> None:
        self.path = sqlite_path(url)
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.path is None:
            return
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        con = sqlite3.connect(str(self.path), timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
                              isolation_level=None, check_same_thread=False)
        try:
            con.execute("PRAGMA wal_autocheckpoint=0")
            while not self._stop.wait(self.every):
                self.checkpoint(con)
            self.checkpoint(con)     # the last batch's pages, before the process exits
        finally:
            con.close()

    @staticmethod
    def checkpoint(con: sqlite3.Connection) -> None:
        try:
            con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as exc:       # busy or gone: the next round tries again
            log.warning("checkpoint failed: %s", exc)
