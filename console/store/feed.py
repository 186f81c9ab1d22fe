"""The change feed: every write transaction takes one sequence number and records what changed.

Readers ask "what changed since N" with one indexed query per table. The sequence comes from a
one-row counter. A writer takes it last, just before commit (the `before_commit` hook below),
once per transaction: `record` only queues rows until then. So the counter is the last lock
any transaction takes and no two transactions can wait on each other through it (a writer
holding it waits for nothing but its own commit). Its row lock (PostgreSQL) or the database
write lock (SQLite) is held to commit, so sequences commit in order: a reader whose snapshot
holds N holds every sequence below N.

Feed rows are pruned once every running seat has read them (store/feed_readers.py) and at the
latest after `feed_keep_days` (store/retention.py). The pruner records the
newest sequence it deleted in a second counter row (PRUNED_ROW), in the transaction that
deletes it; a reader whose last sequence is below that mark has missed rows for good, and
`changes_since` says so (`FeedBatch.resync`) instead of handing it the rows that are left.
(The oldest kept row cannot tell: transactions that only move positions take a sequence and
leave no feed row, so a gap below the oldest row is usual.)

A read (`changes_since`) runs in one snapshot of the database (SQLite: an explicit read
transaction; PostgreSQL: REPEATABLE READ), so the feed rows and the latest
positions it returns are exactly the committed sequence up to the counter it read.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction

from console.domain.changes import ChangeAction, ChangeKind, is_action
from console.domain.joint import DisputeAction, PartAction
from console.domain.workflow import Action
from console.store.models import ChangeFeed, FeedCounter, LatestPosition
from console.store.notify import announce

_PENDING = "console.feed_pending"
_COMMITTING = "console.feed_committing"
_SNAPSHOT = "console.feed_snapshot"
#: A reader takes at most this many feed rows at once; the rest come on the next poll.
MAX_ROWS_PER_READ = 20_000
_PG_SNAPSHOT = {"isolation_level": "REPEATABLE READ"}
#: The feed_counter row that holds the newest pruned sequence (row 1 is the counter itself).
PRUNED_ROW = 2
_FEED_ROWS = select(ChangeFeed.seq, ChangeFeed.at, ChangeFeed.entity, ChangeFeed.entity_id,
                    ChangeFeed.action, ChangeFeed.payload)
_POSITIONS = select(LatestPosition.device_id, LatestPosition.patrol_officer_id, LatestPosition.at,
                    LatestPosition.lat, LatestPosition.lon, LatestPosition.speed,
                    LatestPosition.heading, LatestPosition.battery)


def ensure_counter(session: Session) -> None:
    """Create the counter row on a new database."""
    if session.get(FeedCounter, 1) is None:
        session.add(FeedCounter(id=1, value=0))
        session.flush()


class Ticket:
    """The sequence a transaction's changes got: None until (and unless) it commits."""

    __slots__ = ("seq",)

    def __init__(self) -> None:
        self.seq: int | None = None

    def __repr__(self) -> str:
        return f"Ticket({self.seq})"


@dataclass
class _Pending:
    """What a transaction will write when it takes its sequence; each entry remembers the
    savepoint it was made in (None: the transaction itself), so a rolled-back savepoint drops it."""

    ticket: Ticket = field(default_factory=Ticket)
    rows: list[tuple[SessionTransaction | None, dict[str, Any]]] = field(default_factory=list)
    writers: list[tuple[SessionTransaction | None, Callable[[int], None]]] = field(default_factory=list)


def _pending(session: Session) -> _Pending:
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = _Pending()
    return pending


def _checked(kind: ChangeKind, action: str) -> None:
    if not isinstance(kind, ChangeKind):
        raise ValueError(f"feed kind must be a ChangeKind, not {kind!r}")
    if (not isinstance(action, (ChangeAction, Action, PartAction, DisputeAction))
            or not is_action(kind, action)):
        raise ValueError(f"{action!r} is not an action of {kind.value!r} changes")


def record(session: Session, kind: ChangeKind, entity_id: int | None, action: ChangeAction | Action,
           at: datetime, payload: dict[str, Any] | None = None) -> Ticket:
    """Queue one change for the feed in the caller's transaction; written with its sequence at
    commit. The ticket tells the sequence once the transaction has committed."""
    _checked(kind, action)
    pending = _pending(session)
    pending.rows.append((session.get_nested_transaction(), {
        "at": at, "entity": kind.value, "entity_id": entity_id, "action": action.value,
        "payload": payload or {}}))
    return pending.ticket


def record_many(session: Session, kind: ChangeKind, at: datetime,
                changes: Iterable[tuple[int | None, ChangeAction | Action, dict[str, Any]]]) -> Ticket:
    """Queue many changes of one kind (entity id, action, payload) at once: one executemany at
    commit (a first alert pass on a big city opens thousands)."""
    pending = _pending(session)
    savepoint = session.get_nested_transaction()
    for entity_id, action, payload in changes:
        _checked(kind, action)
        pending.rows.append((savepoint, {"at": at, "entity": kind.value, "entity_id": entity_id,
                                         "action": action.value, "payload": payload or {}}))
    return pending.ticket


def at_commit(session: Session, write: Callable[[int], None]) -> Ticket:
    """Run `write(seq)` when this transaction takes its sequence, for rows that carry it (the
    latest positions): they are written after every other change of the transaction."""
    pending = _pending(session)
    pending.writers.append((session.get_nested_transaction(), write))
    return pending.ticket


@event.listens_for(Session, "before_commit")
def _take_seq(session: Session) -> None:
    if session.in_nested_transaction():
        return   # a savepoint's release: its rows wait for the transaction's own commit
    pending: _Pending | None = session.info.pop(_PENDING, None)
    if pending is None or not (pending.rows or pending.writers):
        return
    session.flush()   # every other row lock first: the counter must be the last one taken
    seq = session.execute(
        update(FeedCounter).where(FeedCounter.id == 1)
        .values(value=FeedCounter.value + 1).returning(FeedCounter.value)).scalar_one()
    if pending.rows:
        session.execute(insert(ChangeFeed), [row | {"seq": seq} for _, row in pending.rows])
    for _, write in pending.writers:
        write(seq)
    announce(session, seq)   # PostgreSQL wakes the listening seats at commit (store/notify.py)
    pending.ticket.seq = seq   # provisional: cleared again if the commit fails
    session.info[_COMMITTING] = pending


@event.listens_for(Session, "after_soft_rollback")
def _drop_savepoint(session: Session, previous: SessionTransaction) -> None:
    pending: _Pending | None = session.info.get(_PENDING)
    if pending is None or not previous.nested:
        return

    def inside(tx: SessionTransaction | None) -> bool:
        while tx is not None:
            if tx is previous:
                return True
            tx = tx.parent
        return False
    pending.rows = [e for e in pending.rows if not inside(e[0])]
    pending.writers = [e for e in pending.writers if not inside(e[0])]


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_COMMITTING, None)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_SNAPSHOT, None)
        failed = session.info.pop(_COMMITTING, None)
        if failed is not None:
            failed.ticket.seq = None   # the commit failed after the sequence was taken


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
    #: The rows after `since` were pruned: the reader must read everything again (`rows` is
    #: empty, `positions` holds every latest position up to `seq`).
    resync: bool = False

    @property
    def empty(self) -> bool:
        return not self.rows and not self.positions and not self.resync


def current_seq(session: Session) -> int:
    """The newest committed sequence (a new reader starts here)."""
    return session.execute(select(FeedCounter.value).where(FeedCounter.id == 1)).scalar() or 0


def pruned_seq(session: Session) -> int:
    """The newest sequence whose feed rows have been pruned (0: none ever)."""
    return session.execute(select(FeedCounter.value).where(FeedCounter.id == PRUNED_ROW)
                           ).scalar() or 0


def mark_pruned(session: Session, seq: int) -> None:
    """Record that feed rows up to `seq` are gone, in the pruning transaction itself."""
    row = session.get(FeedCounter, PRUNED_ROW)
    if row is None:
        session.add(FeedCounter(id=PRUNED_ROW, value=seq))
    elif row.value < seq:
        row.value = seq
    session.flush()


class FeedReadError(RuntimeError):
    """A feed read was asked for inside a transaction that cannot give it one snapshot."""


def begin_snapshot(session: Session) -> None:
    """Make the rest of `session`'s transaction read one snapshot of the database.

    SQLite (WAL) reads each plain SELECT in its own implicit transaction, so an explicit BEGIN
    holds one read snapshot from the next statement on (inside a write transaction the
    snapshot is already one). PostgreSQL needs REPEATABLE READ from the transaction's start:
    call this before anything else runs in the session.
    """
    if session.info.get(_SNAPSHOT):
        return
    if session.get_bind().dialect.name == "sqlite":
        conn = session.connection()
        if not conn.connection.dbapi_connection.in_transaction:
            conn.exec_driver_sql("BEGIN")
    else:
        with warnings.catch_warnings():
            # A connection the session already holds ignores the options: checked just below.
            warnings.simplefilter("ignore")
            conn = session.connection(execution_options=_PG_SNAPSHOT)
        if conn.get_execution_options().get("isolation_level") not in ("REPEATABLE READ",
                                                                        "SERIALIZABLE"):
            raise FeedReadError("a feed read must start its session's transaction")
    session.info[_SNAPSHOT] = True


def changes_since(session: Session, since: int, *, with_positions: bool = True) -> FeedBatch:
    """Everything committed after `since`, in sequence order: exactly the committed sequence
    from `since` up to `batch.seq`, never a sequence twice, never one skipped."""
    begin_snapshot(session)
    newest = current_seq(session)
    if newest <= since:
        return FeedBatch(since=since, seq=since)
    if pruned_seq(session) > since:
        return _resync(session, since, newest, with_positions)
    rows = session.execute(_FEED_ROWS.where(ChangeFeed.seq > since, ChangeFeed.seq <= newest)
                           .order_by(ChangeFeed.seq, ChangeFeed.id)
                           .limit(MAX_ROWS_PER_READ + 1)).all()
    upper = newest
    if len(rows) > MAX_ROWS_PER_READ:
        last = rows[-1].seq
        if rows[0].seq == last:
            # One transaction larger than a read: it comes whole, never split.
            upper = last
            rows = session.execute(_FEED_ROWS.where(ChangeFeed.seq == last)
                                   .order_by(ChangeFeed.id)).all()
        else:
            # Stop before the last (possibly partial) transaction; it comes next time.
            upper = last - 1
            rows = [r for r in rows if r.seq <= upper]
    batch = FeedBatch(since=since, seq=upper, rows=[FeedRow(*r) for r in rows])
    if with_positions:
        q = _POSITIONS.where(LatestPosition.seq > since, LatestPosition.seq <= upper)
        batch.positions = [PositionRow(*r) for r in session.execute(q)]
    return batch


def _resync(session: Session, since: int, newest: int, with_positions: bool) -> FeedBatch:
    batch = FeedBatch(since=since, seq=newest, resync=True)
    if with_positions:
        batch.positions = [PositionRow(*r) for r in session.execute(
            _POSITIONS.where(LatestPosition.seq <= newest))]
    return batch


def max_feed_id(session: Session) -> int:
    """The number of feed rows ever written (for status displays and benchmarks)."""
    return session.execute(select(func.max(ChangeFeed.id))).scalar() or 0
