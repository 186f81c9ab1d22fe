"""Position storage: history rows and the latest fix per device, in one batch.

The intake writes tens of thousands of fixes a second, so this module skips the ORM: history
rows go to the driver in one executemany (SQLite) or COPY (PostgreSQL), see
console/store/bulk.py, and `latest_positions` gets one upsert per device per batch, of that
device's newest fix, also as the driver's own statement.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from console.store.bulk import insert_tuples, text_times
from console.store.models import Device, LatestPosition, Position
from console.store.upsert import insert_for


class FixRow(NamedTuple):
    """One history row, in the column order of FIX_COLUMNS."""

    device_id: int
    patrol_officer_id: int | None
    at: datetime
    lat: float
    lon: float
    speed: float | None
    heading: float | None
    altitude: float | None
    accuracy: float | None
    battery: float | None
    attributes: dict[str, Any] | None


FIX_COLUMNS = FixRow._fields
_LATEST = ("device_id", "patrol_officer_id", "at", "lat", "lon", "speed", "heading", "accuracy",
           "battery")
#: rows per multi-row upsert on PostgreSQL
UPSERT_PAGE = 1000
# The same upsert as _upsert() below, spelled for execute_values.
_PG_UPSERT = (
    f"INSERT INTO latest_positions ({', '.join(_LATEST)}, seq) VALUES %s "
    f"ON CONFLICT (device_id) DO UPDATE SET "
    f"{', '.join(f'{c} = excluded.{c}' for c in _LATEST[1:] + ('seq',))} "
    f"WHERE latest_positions.at <= excluded.at")


# The same upsert again, spelled for SQLite's driver (times as the text LocalDateTime stores,
# so `at <= excluded.at` compares alike).
_SQLITE_UPSERT = (
    f"INSERT INTO latest_positions ({', '.join(_LATEST)}, seq) "
    f"VALUES ({', '.join('?' * (len(_LATEST) + 1))}) "
    f"ON CONFLICT (device_id) DO UPDATE SET "
    f"{', '.join(f'{c} = excluded.{c}' for c in _LATEST[1:] + ('seq',))} "
    f"WHERE latest_positions.at <= excluded.at")


class Previous(NamedTuple):
    at: datetime
    lat: float
    lon: float


class KnownDevice(NamedTuple):
    """A device as the intake needs it: who carries it, whether it is on, its newest fix."""

    device_id: int
    patrol_officer_id: int | None
    active: bool
    latest: Previous | None


_KNOWN_SELECT = (
    "SELECT d.unique_id, d.id, d.patrol_officer_id, d.active, l.at, l.lat, l.lon "
    "FROM devices d LEFT JOIN latest_positions l ON l.device_id = d.id WHERE d.unique_id ")
#: SQLite: the ids as one JSON parameter (no limit on how many; one statement to prepare).
_KNOWN_SQLITE = _KNOWN_SELECT + "IN (SELECT value FROM json_each(?))"
_KNOWN_PG = _KNOWN_SELECT + "= ANY(%s)"


def known_devices(session: Session, unique_ids: set[str]) -> dict[str, KnownDevice]:
    """unique_id → the device and its newest stored fix, for the devices that exist: one query
    on the driver (a Core IN of a thousand ids costs more to compile than to run)."""
    if not unique_ids:
        return {}
    con = session.connection()
    ids = list(unique_ids)
    if con.dialect.name == "sqlite":
        rows = con.exec_driver_sql(_KNOWN_SQLITE, (json.dumps(ids),)).fetchall()
        parse = datetime.fromisoformat     # the text LocalDateTime stores
        return {r[0]: KnownDevice(r[1], r[2], bool(r[3]),
                                  None if r[4] is None else Previous(parse(r[4]), r[5], r[6]))
                for r in rows}
    if con.dialect.name == "postgresql":
        rows = con.exec_driver_sql(_KNOWN_PG, (ids,)).fetchall()
        return {r[0]: KnownDevice(r[1], r[2], r[3],
                                  None if r[4] is None else Previous(r[4], r[5], r[6]))
                for r in rows}
    devices = devices_by_unique_id(session, unique_ids)
    latest = latest_of(session, {d[0] for d in devices.values()})
    return {u: KnownDevice(d[0], d[1], d[2], latest.get(d[0])) for u, d in devices.items()}


def devices_by_unique_id(session: Session, unique_ids: set[str]) -> dict[str, tuple[int, int | None, bool]]:
    """unique_id → (device id, patrol officer id, active) for the devices that exist."""
    rows = session.execute(select(Device.unique_id, Device.id, Device.patrol_officer_id,
                                  Device.active).where(Device.unique_id.in_(unique_ids)))
    return {r.unique_id: (r.id, r.patrol_officer_id, r.active) for r in rows}


def latest_of(session: Session, device_ids: set[int]) -> dict[int, Previous]:
    """device id → its newest stored fix (for the speed check)."""
    rows = session.execute(select(LatestPosition.device_id, LatestPosition.at, LatestPosition.lat,
                                  LatestPosition.lon).where(LatestPosition.device_id.in_(device_ids)))
    return {r.device_id: Previous(r.at, r.lat, r.lon) for r in rows}


def store_fixes(session: Session, rows: list[FixRow], seq: int) -> None:
    """Append history rows and move each device's latest fix forward (never backward)."""
    if not rows:
        return
    con = session.connection()
    insert_tuples(con, Position.__table__, FIX_COLUMNS, rows)
    newest: dict[int, FixRow] = {}
    for row in rows:
        old = newest.get(row.device_id)
        if old is None or old.at <= row.at:
            newest[row.device_id] = row
    if con.dialect.name == "postgresql" and con.dialect.driver == "psycopg2":
        # Pages of a multi-row VALUES built by the driver: an executemany would be a round
        # trip per device and SQLAlchemy's multi-row values costs more to compile than to run.
        from psycopg2.extras import execute_values
        cursor = con.connection.dbapi_connection.cursor()
        try:
            execute_values(cursor, _PG_UPSERT, [tuple(getattr(r, k) for k in _LATEST) + (seq,)
                                                for r in newest.values()], page_size=UPSERT_PAGE)
        finally:
            cursor.close()
        return
    if con.dialect.name == "sqlite":
        stamp = text_times()
        con.exec_driver_sql(_SQLITE_UPSERT, [(r.device_id, r.patrol_officer_id, stamp(r.at),
                                              r.lat, r.lon, r.speed, r.heading, r.accuracy,
                                              r.battery, seq) for r in newest.values()])
        return
    session.execute(_upsert(session), [{k: getattr(r, k) for k in _LATEST} | {"seq": seq}
                                       for r in newest.values()])


def _upsert(session: Session):
    stmt = insert_for(session, LatestPosition)
    return stmt.on_conflict_do_update(
        index_elements=[LatestPosition.device_id],
        set_={c: getattr(stmt.excluded, c) for c in _LATEST[1:] + ("seq",)},
        # A phone that was offline sends its buffer late: old fixes go to history only.
        where=LatestPosition.at <= stmt.excluded.at)


def mark_suspect(session: Session, suspects: dict[int, float], at: datetime) -> None:
    """Flag devices that jumped at an impossible speed (device id → the speed in km/h)."""
    table = Device.__table__
    session.connection().execute(
        update(table).where(table.c.id == bindparam("device"))
        .values(suspect_at=bindparam("at"), suspect_kmh=bindparam("kmh")),
        [{"device": d, "at": at, "kmh": kmh} for d, kmh in suspects.items()])
