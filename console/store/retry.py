"""Running a unit of work again when the database picked its transaction as a victim.

PostgreSQL resolves a deadlock by failing one of the transactions (SQLSTATE 40P01) and may fail a
serializable one (40001); in both cases nothing of it was written and running the same work in a
fresh transaction is correct. Services take their locks in one order (the feed counter last,
see store/feed.py), so this is a safety net, not the way conflicts are meant to end.
"""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from console.store.database import Database

log = logging.getLogger(__name__)

T = TypeVar("T")

#: SQLSTATEs after which the whole transaction may simply run again.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
DEFAULT_ATTEMPTS = 3
#: The server went away: admin_shutdown, crash_shutdown, cannot_connect_now (a restart), and
#: class 08 (connection exceptions) by prefix.
_GONE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
#: Reconnect waits: doubled from the first to the last, then the last again and again.
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 5.0


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE behind a database error, if the driver tells it."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "pgcode", None) or getattr(orig, "sqlstate", None)


def is_retryable(exc: BaseException) -> bool:
    """Whether `exc` means "the database chose this transaction as a victim: run it again"."""
    return isinstance(exc, DBAPIError) and sqlstate(exc) in RETRYABLE_SQLSTATES


def is_connection_lost(exc: BaseException) -> bool:
    """Whether `exc` means "the database server cannot be reached": a restart, a cut network, a
    terminated backend — not a refusal of the work. Whether a write in flight was committed is
    then unknown; nothing else about the work was wrong, so it may be offered again."""
    if not isinstance(exc, DBAPIError) or isinstance(exc.orig, sqlite3.Error):
        return False   # SQLite's "locked" is busy, not gone: the file is right here
    if exc.connection_invalidated:
        return True
    code = sqlstate(exc)
    if code is not None:
        return code in _GONE_SQLSTATES or code.startswith("08")
    # libpq reports a failed connect or a closed socket with no SQLSTATE at all; other
    # drivers' errors (SQLite's disk I/O, a test's stand-in) are not a server gone away.
    orig = exc.orig
    return isinstance(exc, OperationalError) and (hasattr(orig, "pgcode")
                                                  or hasattr(orig, "sqlstate"))


def next_backoff(previous: float) -> float:
    """The wait before the next reconnect attempt after waiting `previous` (0: the first)."""
    return min(BACKOFF_MAX_S, max(BACKOFF_FIRST_S, previous * 2))


def in_transaction(db: Database, fn: Callable[[Session], T], *,
                   attempts: int = DEFAULT_ATTEMPTS) -> T:
    """`fn(session)` in its own transaction, committed; run again in a fresh one (up to
    `attempts` times in all) when the database fails it as a deadlock or serialization victim.

    `fn` must do nothing but database work through its session: it may run more than once.
    """
    for attempt in range(1, attempts + 1):
        try:
            with db.transaction() as session:
                return fn(session)
        except DBAPIError as exc:
            if attempt == attempts or not is_retryable(exc):
                raise
            log.info("transaction retried (%s, attempt %d of %d)", sqlstate(exc), attempt, attempts)
    raise AssertionError("unreachable")
