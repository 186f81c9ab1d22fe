"""Pruning what is kept for a while only: position history and change-feed rows.

Every function deletes one small chunk in the caller's (short) transaction and says how many
rows went, so the pruner's transactions hold their locks for milliseconds, whatever the size of
the tables, and the intake's writes slip in between them. (On PostgreSQL, position history is
partitioned by day and goes a whole day at a time instead: store/position_days.py.)
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from console.store import feed, feed_readers
from console.store.models import ChangeFeed, Device, Position


def device_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Device.id).order_by(Device.id)))


def prune_positions(session: Session, device_ids: list[int], before: datetime, limit: int) -> int:
    """Delete at most `limit` history rows older than `before` of these devices.

    Through the (device_id, at) index: a chunk reads only the rows it deletes. (An id-ordered
    scan would not do: a phone's late buffer puts old fixes after new ones.)

    The newest row of the table stays, however old: SQLite's positions.id has no AUTOINCREMENT,
    so deleting the highest id would hand it to the next fix, and readers that follow the
    table by id (patrol_queries.positions_after) would skip that fix."""
    newest = select(func.max(Position.id)).scalar_subquery()
    victims = (select(Position.id).where(Position.device_id.in_(device_ids), Position.at < before,
                                         Position.id < newest)
               .limit(limit).scalar_subquery())
    result = session.execute(delete(Position).where(Position.id.in_(victims)),
                             execution_options={"synchronize_session": False})
    return result.rowcount or 0


def prune_feed(session: Session, before: datetime, limit: int, upto_seq: int | None = None) -> int:
    """Delete the oldest feed transactions whose rows are all older than `before` (and whose
    sequence is at most `upto_seq`, when given), at most about `limit` rows (whole
    transactions: a reader never sees one in part).

    Walks the seq index from the oldest row and stops at the first young one, so a table with
    nothing to prune costs one index probe, not a scan."""
    oldest = select(ChangeFeed.seq, ChangeFeed.at).order_by(ChangeFeed.seq).limit(limit)
    if upto_seq is not None:
        oldest = oldest.where(ChangeFeed.seq <= upto_seq)
    head = session.execute(oldest).all()
    last_old = earlier = None       # the newest wholly old seq; the one before the current
    for seq, at in head:
        if seq != last_old:
            earlier = last_old
        if at >= before:
            if seq == last_old:
                last_old = earlier      # part of this transaction is young: keep it whole
            break
        last_old = seq
    if last_old is None:
        return 0
    if len(head) == limit and head[-1].seq == last_old:
        last_old -= 1       # that transaction may go on beyond the chunk: next time, whole
        # One transaction larger than a chunk: delete it alone.
        last_old = max(last_old, head[0].seq)
    result = session.execute(delete(ChangeFeed).where(ChangeFeed.seq <= last_old),
                             execution_options={"synchronize_session": False})
    # A seat that has not read this far must learn its rows are gone (feed.changes_since).
    feed.mark_pruned(session, last_old)
    return result.rowcount or 0


def prune_feed_read(session: Session, now: datetime, limit: int) -> int:
    """Delete feed transactions every running seat has read (feed_readers.lowest_needed) and
    older than feed_readers.ACTIVE_S, at most about `limit` rows. With no seat running, every
    row older than that goes; a seat that starts later starts at the present."""
    lowest = feed_readers.lowest_needed(session, now)
    return prune_feed(session, now - timedelta(seconds=feed_readers.ACTIVE_S), limit,
                      upto_seq=lowest)
