"""The change feed: every write transaction takes one sequence number and records what changed.

Readers ask "what changed since N" with one indexed query per table. The sequence comes from a
one-row counter that each writer increments first; its row lock (PostgreSQL) or the database
write lock (SQLite) is held until commit, so sequences become visible in order and a reader
that has seen N can never later find a row below N.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, insert, select, update
from sqlalchemy.orm import Session

from console.store.models import ChangeFeed, FeedCounter, LatestPosition

_SEQ_KEY = "console.feed_seq"
#: A reader takes at most this many feed rows at once; the rest come on the next poll.
MAX_ROWS_PER_READ = 20_000


def ensure_counter(session: Session) -> None:
    """Create the counter row on a new database."""
    if session.get(FeedCounter, 1) is None:
        session.add(FeedCounter(id=1, value=0))
        session.flush()


def transaction_seq(session: Session) -> int:
    """This transaction's sequence number, taken on first use."""
    seq = session.info.get(_SEQ_KEY)
    if seq is None:
        seq = session.execute(
            update(FeedCounter).where(FeedCounter.id == 1)
            .values(value=FeedCounter.value + 1).returning(FeedCounter.value)).scalar_one()
        session.info[_SEQ_KEY] = seq
    return seq


@event.listens_for(Session, "after_transaction_end")
def _forget_seq(session: Session, transaction) -> None:
    # Only the outermost transaction owns the number; savepoints share it.
    if transaction.parent is None:
        session.info.pop(_SEQ_KEY, None)


def record(session: Session, entity: str, entity_id: int | None, action: str, at: datetime,
           payload: dict[str, Any] | None = None) -> int:
    """Append one change to the feed inside the caller's transaction; returns its sequence."""
    seq = transaction_seq(session)
    session.execute(insert(ChangeFeed).values(seq=seq, at=at, entity=entity, entity_id=entity_id,
                                              action=action, payload=payload or {}))
    return seq


@dataclass(frozen=True)
class FeedRow:
    seq: int
    at: datetime
    entity: str
    entity_id: int | None
    action: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class PositionRow:
    device_id: int
    patrol_officer_id: int | None
    at: datetime
    lat: float
    lon: float
    speed: float | None
    heading: float | None
    battery: float | None


@dataclass
class FeedBatch:
    """What changed after `since`, up to and including `seq`."""

    since: int
    seq: int
    rows: list[FeedRow] = field(default_factory=list)
    positions: list[PositionRow] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows and not self.positions


def current_seq(session: Session) -> int:
    """The newest committed sequence (a new reader starts here)."""
    return session.execute(select(FeedCounter.value).where(FeedCounter.id == 1)).scalar() or 0


def changes_since(session: Session, since: int, *, with_positions: bool = True) -> FeedBatch:
    """Everything committed after `since`, in sequence order."""
    rows = session.execute(
        select(ChangeFeed.seq, ChangeFeed.at, ChangeFeed.entity, ChangeFeed.entity_id,
               ChangeFeed.action, ChangeFeed.payload)
        .where(ChangeFeed.seq > since).order_by(ChangeFeed.id).limit(MAX_ROWS_PER_READ + 1)
    ).all()
    upper = None
    if len(rows) > MAX_ROWS_PER_READ:
        # Never split a transaction: stop before the last (possibly partial) sequence.
        upper = rows[-1].seq - 1
        rows = [r for r in rows if r.seq <= upper]
    batch = FeedBatch(since=since, seq=since, rows=[FeedRow(*r) for r in rows])
    if batch.rows:
        batch.seq = max(r.seq for r in batch.rows)
    if with_positions:
        q = select(LatestPosition.device_id, LatestPosition.patrol_officer_id, LatestPosition.at,
                   LatestPosition.lat, LatestPosition.lon, LatestPosition.speed,
                   LatestPosition.heading, LatestPosition.battery, LatestPosition.seq
                   ).where(LatestPosition.seq > since)
        if upper is not None:
            q = q.where(LatestPosition.seq <= upper)
        for r in session.execute(q):
            batch.positions.append(PositionRow(*r[:8]))
            batch.seq = max(batch.seq, r.seq)
    return batch


def max_feed_id(session: Session) -> int:
    """The number of feed rows ever written (for status displays and benchmarks)."""
    return session.execute(select(func.max(ChangeFeed.id))).scalar() or 0
