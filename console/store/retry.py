"""Running a unit of work again when the database picked its transaction as a victim.

PostgreSQL resolves a deadlock by failing one of the transactions (SQLSTATE 40P01) and may fail a
serializable one (40001); in both cases nothing of it was written and running the same work in a
fresh transaction is correct. Services take their locks in one order (the feed counter last,
see store/feed.py), so this is a safety net, not the way conflicts are meant to end.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from console.store.database import Database

log = logging.getLogger(__name__)

T = TypeVar("T")

#: SQLSTATEs after which the whole transaction may simply run again.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
DEFAULT_ATTEMPTS = 3


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE behind a database error, if the driver tells it."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "pgcode", None) or getattr(orig, "sqlstate", None)


def is_retryable(exc: BaseException) -> bool:
    """Whether `exc` means "the database chose this transaction as a victim: run it again"."""
    return isinstance(exc, DBAPIError) and sqlstate(exc) in RETRYABLE_SQLSTATES


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
