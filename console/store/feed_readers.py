"""Who reads the change feed and how far: the pruner's lower bound.

Every running seat's feed worker says, every HEARTBEAT_S, the newest sequence it has read (one
upsert of its own row). The pruner may delete feed rows up to the lowest sequence of the readers
seen in the last ACTIVE_S — never past a seat that is running but behind — and keeps at least
ACTIVE_S of rows besides, so a seat that has just started or lost the server for a moment finds
what it missed. A reader not seen for ACTIVE_S no longer holds the feed back: one that comes
back later and finds its rows pruned reloads in full (feed.changes_since says `resync`), as a
seat asleep longer than feed_keep_days always did. feed_keep_days stays the upper bound: rows
older than that go whoever still holds them, so a seat stuck on an old sequence cannot make
the feed grow for ever.

A reader's recorded sequence never runs ahead of what it has read (it says what it had read
before it says it), so a stale row errs on the side of keeping rows.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from console.store.models import FeedReader
from console.store.upsert import insert_for

HEARTBEAT_S = 30.0
#: a reader not seen for this long no longer holds the feed back (several missed heartbeats:
#: a server restart or a short network cut does not let the pruner past a seat)
ACTIVE_S = 600.0


def heartbeat(session: Session, reader: str, name: str, seq: int, at: datetime) -> None:
    """Record that `reader` has read the feed up to `seq` (its sequence only moves forward)."""
    stmt = insert_for(session, FeedReader).values(id=reader, name=name[:64], seq=seq, seen_at=at)
    session.execute(stmt.on_conflict_do_update(
        index_elements=[FeedReader.id],
        set_={"name": stmt.excluded.name, "seen_at": stmt.excluded.seen_at,
              "seq": func.max(FeedReader.seq, stmt.excluded.seq)
              if session.get_bind().dialect.name == "sqlite"
              else func.greatest(FeedReader.seq, stmt.excluded.seq)}))


def leave(session: Session, reader: str) -> None:
    """A reader that stops on purpose lets go of the feed at once."""
    session.execute(delete(FeedReader).where(FeedReader.id == reader))


def lowest_needed(session: Session, now: datetime) -> int | None:
    """The lowest sequence a reader seen in the last ACTIVE_S has read (None: no such reader)."""
    return session.scalar(select(func.min(FeedReader.seq))
                          .where(FeedReader.seen_at >= now - timedelta(seconds=ACTIVE_S)))


def forget(session: Session, before: datetime) -> int:
    """Delete the rows of readers not seen since `before` (long gone)."""
    return session.execute(delete(FeedReader).where(FeedReader.seen_at < before),
                           execution_options={"synchronize_session": False}).rowcount or 0
