"""Position history by day on PostgreSQL: one partition per day, created ahead, dropped whole.

`positions` is partitioned by RANGE on `at` (migration 0024), one partition per local day named
positions_YYYYMMDD, plus the DEFAULT partition positions_default. A fix for a day that has no
partition yet (a phone whose clock is off, a late buffer from before the first partition, a
`serve` whose maintenance has not run) lands in the default partition, so no fix is ever
refused for want of a partition; the maintenance moves such rows into their own day when it
creates it, or deletes them once they are older than the retention.

The DDL runs in SECURITY DEFINER functions of migration 0024 (`serve` connects as the seat
role, which may create and drop no table). A new day is made as a plain table, filled from the
default partition and ATTACHed: ATTACH takes only SHARE UPDATE EXCLUSIVE on `positions`, so the
intake's inserts and the seats' reads go on (CREATE TABLE .. PARTITION OF would lock the whole
table). Dropping a day does take an ACCESS EXCLUSIVE lock on `positions` for a moment; every
DDL here runs under a short lock_timeout, so it gives up (and the next pass retries) instead of
queueing every reader behind a long read.

SQLite keeps one plain table; nothing here runs there.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

DEFAULT = "positions_default"
#: days created ahead of today, so the intake never writes into the default partition
AHEAD_DAYS = 3
#: how long a DDL statement may wait for its lock before this pass gives up on it
LOCK_TIMEOUT = "2s"
_DAY = re.compile(r"^positions_(\d{8})$")


def partition_name(day: date) -> str:
    return f"positions_{day:%Y%m%d}"


def is_position_partition(name: str | None) -> bool:
    """A partition of positions (schema comparisons leave them out: they are not models)."""
    return name is not None and (name == DEFAULT or _DAY.match(name) is not None)


def is_partitioned(session: Session) -> bool:
    con = session.connection()
    if con.dialect.name != "postgresql":
        return False
    return bool(con.execute(text(
        "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.relname = 'positions' AND c.relnamespace = current_schema()::regnamespace"))
        .scalar())


def days(session: Session) -> dict[date, str]:
    """The day partitions that exist: day → table name."""
    rows = session.execute(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'positions'::regclass")).scalars()
    found = {}
    for name in rows:
        match = _DAY.match(name)
        if match:
            found[datetime.strptime(match.group(1), "%Y%m%d").date()] = name
    return found


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time())
    return start, start + timedelta(days=1)


def _short_locks(session: Session) -> None:
    session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))


def add_day(session: Session, day: date) -> int:
    """Create the partition of `day` (if missing), moving that day's rows out of the default
    partition into it; returns how many rows moved. One transaction: the caller's."""
    _short_locks(session)
    return session.execute(text("SELECT console_position_day_add(:d)"), {"d": day}).scalar_one()


def days_in_default(session: Session) -> list[date]:
    """The days the default partition holds rows of (it is small: only strays land there)."""
    return list(session.execute(text("SELECT console_position_stray_days()")).scalars())


def days_to_add(session: Session, today: date, before: datetime) -> list[date]:
    """Days that need a partition: yesterday to AHEAD_DAYS ahead, and every day retention
    keeps that the default partition holds rows of. (Strays from further ahead — a phone's
    clock years off — stay in the default partition until their day comes near, so a broken
    clock cannot make thousands of tables.)"""
    last = today + timedelta(days=AHEAD_DAYS)
    wanted = {today + timedelta(days=n) for n in range(-1, AHEAD_DAYS + 1)}
    wanted |= {d for d in days_in_default(session) if d <= last}
    have = days(session)
    return sorted(d for d in wanted if d not in have and _bounds(d)[1] > before)


def droppable(session: Session, before: datetime) -> list[date]:
    """Day partitions wholly older than `before`."""
    return sorted(d for d in days(session) if _bounds(d)[1] <= before)


def drop_day(session: Session, day: date) -> int:
    """Drop one day's partition; returns the planner's estimate of its rows (counting them
    would read the whole day). The function refuses a day within positions_keep_days."""
    _short_locks(session)
    return session.execute(text("SELECT console_position_day_drop(:d)"), {"d": day}).scalar_one()


def prune_default(session: Session, before: datetime, limit: int) -> int:
    """Delete at most `limit` rows older than `before` from the default partition."""
    return session.execute(text("SELECT console_position_strays_prune(:before, :limit)"),
                           {"before": before, "limit": limit}).scalar_one()
