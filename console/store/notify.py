"""Waking readers when the feed moves: PostgreSQL LISTEN/NOTIFY beside the polling loop.

A write transaction that takes a feed sequence also queues `NOTIFY console_feed, '<seq>'`
(`announce`); PostgreSQL delivers it at commit, and never for a transaction that rolls back.
The payload is the sequence alone: what changed is read from the feed, in one snapshot, as
before, so a missed or merged notification costs at most one poll interval, never a change.

A `FeedListener` holds one dedicated connection per seat, outside the engine's pool (a LISTEN
lives as long as its connection). It is waited on by the reading worker in its own thread
with `select` and a timeout, so polling stays the fallback: a dropped listener connection
only slows the seat down to its poll interval until it reconnects. SQLite has no listener;
`FeedListener.open` returns None there and the worker polls.
"""
from __future__ import annotations

import logging
import os
import select
import socket
import threading
import time

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "console_feed"
#: libpq settings that make a cut network fail fast instead of hanging a worker for the kernel's
#: minutes: a connect gives up after 5 s, an idle connection is probed after 10 s, unacknowledged
#: data fails the connection after 10 s. A URL's own values win (store/database.py); the
#: listener connects with them too.
PG_CONNECT_DEFAULTS = {"connect_timeout": "5", "keepalives": "1", "keepalives_idle": "10",
                       "keepalives_interval": "3", "keepalives_count": "3",
                       "tcp_user_timeout": "10000"}
#: After a lost listener connection, try again at most this often (polling covers the gap).
RECONNECT_EVERY_S = 5.0


def application_name() -> str:
    """How this process's connections show in pg_stat_activity: one name per seat (host and
    process), the listener's with a suffix; CITY_CONSOLE_APPLICATION_NAME names it instead."""
    name = os.environ.get("CITY_CONSOLE_APPLICATION_NAME")
    return (name or f"city-console:{socket.gethostname()}:{os.getpid()}")[:50]


def announce(session: Session, seq: int) -> None:
    """Queue the notification of `seq` in the session's transaction (PostgreSQL only)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :seq)"),
                        {"channel": CHANNEL, "seq": str(seq)})


class FeedListener:
    """One LISTEN connection; `wait(timeout)` returns the newest announced sequence or None."""

    def __init__(self, engine: Engine, application_name: str) -> None:
        self._engine = engine
        self._application_name = application_name
        self._conn = None
        self._retry_at = 0.0
        # The worker's stop must interrupt a select: a byte on this pipe does.
        self._pipe_lock = threading.Lock()   # no write to a pipe closed (and its number reused)
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)

    @classmethod
    def open(cls, engine: Engine, role: str = "listener") -> FeedListener | None:
        """A listener for a PostgreSQL engine, None for others (they poll)."""
        if engine.dialect.name != "postgresql":
            return None
        base = application_name()
        listener = cls(engine, f"{base}:{role}"[:63])
        listener._connect()
        return listener

    @property
    def connected(self) -> bool:
        return self._conn is not None

    def _connect(self) -> None:
        if self._conn is not None or time.monotonic() < self._retry_at:
            return
        try:
            cargs, cparams = self._engine.dialect.create_connect_args(self._engine.url)
            cparams = {**PG_CONNECT_DEFAULTS, **cparams,
                       "application_name": self._application_name}
            conn = self._engine.dialect.loaded_dbapi.connect(*cargs, **cparams)
            conn.autocommit = True   # a LISTEN inside an open transaction hears nothing
            with conn.cursor() as cur:
                cur.execute(f"LISTEN {CHANNEL}")
            self._conn = conn
        except Exception as exc:   # noqa: BLE001 — the worker polls until the server is back
            log.info("feed listener not connected: %s", exc)
            self._retry_at = time.monotonic() + RECONNECT_EVERY_S

    def wait(self, timeout: float) -> int | None:
        """Block up to `timeout` seconds (worker thread) for a notification; the newest
        sequence announced, or None on a timeout, an interrupt or a lost connection."""
        self._connect()
        seq = self._take() if self._conn is not None else None
        if seq is not None:
            return seq
        if self._conn is None:      # not connected, or _take found the connection broken
            select.select([self._wake_r], [], [], timeout)
            self._drain_pipe()
            return None
        try:
            ready, _, _ = select.select([self._conn, self._wake_r], [], [], timeout)
        except (OSError, ValueError):   # the connection's socket went away under us
            self._drop()
            return None
        self._drain_pipe()
        return self._take() if self._conn in ready else None

    def _take(self) -> int | None:
        try:
            self._conn.poll()
        except Exception as exc:   # noqa: BLE001 — a broken connection: poll until reconnected
            log.info("feed listener lost: %s", exc)
            self._drop()
            return None
        newest = None
        while self._conn.notifies:
            note = self._conn.notifies.pop(0)
            if note.channel == CHANNEL and note.payload.isdigit():
                newest = max(newest or 0, int(note.payload))
        return newest

    def interrupt(self) -> None:
        """End a `wait` now (any thread)."""
        with self._pipe_lock:
            if self._wake_w < 0:
                return
            try:
                os.write(self._wake_w, b"x")
            except BlockingIOError:
                pass   # the pipe is full: a wake is already pending

    def _drain_pipe(self) -> None:
        try:
            while os.read(self._wake_r, 512):
                pass
        except BlockingIOError:
            pass

    def _drop(self) -> None:
        try:
            self._conn.close()
        except Exception:   # already broken: closing is all that is left
            log.debug("closing a broken listener connection", exc_info=True)
        self._conn = None
        self._retry_at = time.monotonic() + RECONNECT_EVERY_S

    def close(self) -> None:
        if self._conn is not None:
            self._drop()
        with self._pipe_lock:
            os.close(self._wake_r)
            os.close(self._wake_w)
            self._wake_r = self._wake_w = -1

