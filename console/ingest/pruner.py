"""The background task of `serve` that keeps position history and the change feed bounded.

Position history is kept `positions_keep_days` (a shared setting). On SQLite it goes in chunks
of CHUNK_ROWS rows, one short transaction each, with a breath between them, so neither the
intake's writer nor a seat's reads ever wait on the pruner for long. On PostgreSQL it is
partitioned by day (store/position_days.py): each pass creates the next days' partitions,
moves strays out of the default partition, and drops whole days older than the window.

Feed rows go once every running seat has read them (store/feed_readers.py: seats say how far
they have read every half minute; a seat seen lately holds the feed back, however far behind),
and after `feed_keep_days` whoever still holds them: a seat whose position in the feed is older
than that — asleep for a week — reloads in full; a seat starting up always does.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from console.services.settings import get_setting
from console.store import feed_readers, position_days, retention
from console.store.database import Database
from console.store.retry import in_transaction

log = logging.getLogger(__name__)

CHUNK_ROWS = 5000
DEVICE_GROUP = 200      # devices per position chunk: the IN list stays short
FIRST_RUN_S = 60.0
EVERY_S = 3600.0
PAUSE_S = 0.05          # between chunks: the writer's next batch goes first


def prune_once(db: Database, now: datetime, *, chunk: int = CHUNK_ROWS,
               stop: threading.Event | None = None,
               between: Callable[[], None] | None = None) -> tuple[int, int]:
    """One pass: (position rows, feed rows) deleted (position rows of dropped days as the
    planner estimates them). `between` runs after every chunk (the pause; tests use it to
    interleave writes)."""
    stopped = stop.is_set if stop is not None else (lambda: False)
    with db.session() as s:
        keep_positions = float(get_setting(s, "positions_keep_days"))
        keep_feed = float(get_setting(s, "feed_keep_days"))
        by_day = position_days.is_partitioned(s)
        devices = [] if by_day else retention.device_ids(s)
    before = now - timedelta(days=keep_positions)
    positions = _by_day(db, now, before, chunk, stopped, between) if by_day else 0
    for start in range(0, len(devices), DEVICE_GROUP):
        group = devices[start:start + DEVICE_GROUP]
        while not stopped():
            n = in_transaction(db, lambda s, g=group: retention.prune_positions(s, g, before, chunk))
            positions += n
            if between:
                between()
            if n < chunk:
                break
    feed_rows = 0
    before = now - timedelta(days=keep_feed)
    for prune in (lambda s: retention.prune_feed(s, before, chunk),        # the upper bound
                  lambda s: retention.prune_feed_read(s, now, chunk)):     # what every seat has
        while not stopped():
            n = in_transaction(db, prune)
            feed_rows += n
            if between:
                between()
            if n == 0:
                break
    in_transaction(db, lambda s: feed_readers.forget(s, before))
    return positions, feed_rows


def _by_day(db: Database, now: datetime, before: datetime, chunk: int,
            stopped: Callable[[], bool], between: Callable[[], None] | None) -> int:
    """PostgreSQL: the coming days' partitions, strays moved out of the default partition,
    whole days older than `before` dropped; returns the rows that went (estimated)."""
    with db.session() as s:
        adding = position_days.days_to_add(s, now.date(), before)
        dropping = position_days.droppable(s, before)
    removed = 0
    # (step, day, whether its rows count as removed: those moved into a new day stay)
    for step, day, removes in ([(position_days.add_day, d, False) for d in adding]
                               + [(position_days.drop_day, d, True) for d in dropping]):
        if stopped():
            return removed
        try:
            n = in_transaction(db, lambda s, f=step, d=day: f(s, d))
            removed += n if removes else 0
        except DBAPIError as exc:    # a lock not had within LOCK_TIMEOUT (or refused): next pass
            log.warning("partition maintenance deferred: %s", str(exc).splitlines()[0])
        if between:
            between()
    while not stopped():
        n = in_transaction(db, lambda s: position_days.prune_default(s, before, chunk))
        removed += n
        if between:
            between()
        if n < chunk:
            break
    return removed


def run_pruner(db: Database, stop: threading.Event, *, first: float = FIRST_RUN_S,
               every: float = EVERY_S) -> None:
    """The thread's body: a pass soon after start, then every `every` seconds, until `stop`."""
    wait = first
    while not stop.wait(wait):
        wait = every
        try:
            positions, feed_rows = prune_once(db, datetime.now(), stop=stop,
                                              between=lambda: stop.wait(PAUSE_S))
        except SQLAlchemyError as exc:
            log.warning("pruning failed, next try in %.0f s: %s", every, str(exc).splitlines()[0])
            continue
        if positions or feed_rows:
            log.info("pruned %d positions and %d feed rows", positions, feed_rows)
