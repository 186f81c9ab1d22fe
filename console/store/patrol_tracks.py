"""The stored patrol tracks (patrol_track_summaries): what a seat starts from instead of the
half hour of position history. Written by the evaluating seat only (services/alerts.py); read
by it and by the map at start (services/map_patrols.py), so both start from the same tracks.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from console.domain.patrol_state import TrackSummary
from console.store.patrol_queries import positions_after
from console.store.models import PatrolTrackSummary
from console.store.upsert import insert_for

_SUMMARY_COLUMNS = [PatrolTrackSummary.__table__.c[name] for name in TrackSummary._fields]


class Summaries(NamedTuple):
    """The stored track summaries: all valid as of position id `upto`, the last written at
    `written_at` (None: there are none)."""

    upto: int
    written_at: datetime | None
    tracks: dict[int, TrackSummary]


def track_summaries(session: Session) -> Summaries:
    """Every stored summary (10,000 rows at a megacity: read as plain driver tuples)."""
    connection = session.connection()
    upto, written_at = connection.execute(
        select(func.max(PatrolTrackSummary.upto), func.max(PatrolTrackSummary.written_at))).one()
    if upto is None:
        return Summaries(0, None, {})
    result = connection.execute(select(PatrolTrackSummary.patrol_officer_id, *_SUMMARY_COLUMNS))
    rows = result.cursor.fetchall()
    result.close()
    return Summaries(int(upto), written_at, {r[0]: TrackSummary(*r[1:]) for r in rows})


class TrackStart(NamedTuple):
    """Where a seat's tracks start from: the stored summaries and the fixes written after them
    (positions_after's rows, in id order, up to `upto_id`)."""

    summaries: Summaries
    fixes: list[Any]


def track_start(session: Session, now: datetime, window: timedelta, upto_id: int
                ) -> TrackStart | None:
    """The summaries and the fixes after them, or None when there are none to start from:
    none stored, the newest written before `now - window` (the console was off: the history
    replay is as cheap and as right), or beyond the history (a restored backup)."""
    stored = track_summaries(session)
    if (stored.written_at is None or not (now - window <= stored.written_at <= now)
            or stored.upto > upto_id):
        return None
    fixes: list[Any] = []
    after = stored.upto
    while after < upto_id:
        batch = [f for f in positions_after(session, after) if f[0] <= upto_id]
        if not batch:
            break
        fixes += batch
        after = batch[-1][0]
    return TrackStart(stored, fixes)


def write_track_summaries(session: Session, upto: int, at: datetime,
                          tracks: Iterable[tuple[int, TrackSummary]], *,
                          replace_all: bool = False) -> int:
    """Store these summaries as of position id `upto` (all others dropped if `replace_all`:
    a seat that rebuilt its tracks from the history owns no older row). Returns the count."""
    tracks = list(tracks)
    connection = session.connection()
    if replace_all:
        connection.execute(delete(PatrolTrackSummary))
    if not tracks:
        return 0
    if connection.dialect.name == "sqlite":
        # The driver's executemany on plain tuples: a save of 5,000 tracks every 30 s costs a
        # fifth of what the Core statement with its per-row dictionaries does.
        table = PatrolTrackSummary.__table__
        written = table.c.written_at.type.bind_processor(connection.dialect)
        names = ("patrol_officer_id", "upto", "written_at", *TrackSummary._fields)
        sql = (f"INSERT INTO {table.name} ({', '.join(names)}) VALUES "
               f"({', '.join('?' * len(names))})")
        if not replace_all:
            sql += (" ON CONFLICT (patrol_officer_id) DO UPDATE SET "
                    + ", ".join(f"{n} = excluded.{n}" for n in names[1:]))
        stamp = written(at) if written is not None else at
        connection.exec_driver_sql(sql, [(officer, upto, stamp, *s) for officer, s in tracks])
        return len(tracks)
    rows = [{"patrol_officer_id": officer, "upto": upto, "written_at": at, **s._asdict()}
            for officer, s in tracks]
    stmt = insert_for(session, PatrolTrackSummary)
    if not replace_all:
        stmt = stmt.on_conflict_do_update(
            index_elements=[PatrolTrackSummary.patrol_officer_id],
            set_={name: stmt.excluded[name] for name in ("upto", "written_at",
                                                         *TrackSummary._fields)})
    connection.execute(stmt, rows)
    return len(rows)


def mark_track_summaries(session: Session, upto: int, at: datetime) -> None:
    """Every stored summary is current as of position id `upto` (no track changed since)."""
    session.connection().execute(update(PatrolTrackSummary).values(upto=upto, written_at=at))
