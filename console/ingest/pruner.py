"""The background task of `serve` that keeps position history and the change feed bounded.

Position history is kept `positions_keep_days` (a shared setting); feed rows `feed_keep_days`.
Both go in chunks of CHUNK_ROWS rows, one short transaction each, with a breath between them,
so neither the intake's writer nor a seat's reads ever wait on the pruner for long.

Feed rows are kept for a fixed window rather than until every seat has read them: seats poll
about once a second, so a week is far more than any running seat needs; a record of each seat's
last read would let one seat that never comes back hold the whole feed forever (and seats would
have to write to read). A seat whose position in the feed is older than the window — asleep for
a week — must reload in full; a seat starting up always does.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from console.services.settings import get_setting
from console.store import retention
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
    """One pass: (position rows, feed rows) deleted. `between` runs after every chunk (the
    pause; tests use it to interleave writes)."""
    stopped = stop.is_set if stop is not None else (lambda: False)
    with db.session() as s:
        keep_positions = float(get_setting(s, "positions_keep_days"))
        keep_feed = float(get_setting(s, "feed_keep_days"))
        devices = retention.device_ids(s)
    positions = feed_rows = 0
    before = now - timedelta(days=keep_positions)
    for start in range(0, len(devices), DEVICE_GROUP):
        group = devices[start:start + DEVICE_GROUP]
        while not stopped():
            n = in_transaction(db, lambda s, g=group: retention.prune_positions(s, g, before, chunk))
            positions += n
            if between:
                between()
            if n < chunk:
                break
    before = now - timedelta(days=keep_feed)
    while not stopped():
        n = in_transaction(db, lambda s: retention.prune_feed(s, before, chunk))
        feed_rows += n
        if between:
            between()
        if n == 0:
            break
    return positions, feed_rows


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
