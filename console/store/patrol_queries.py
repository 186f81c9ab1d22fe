"""What the patrol half of the alert engine reads (services/patrol_alerts.py): the officers
and their shifts, the work grids' cells (their rings decoded only when a fix falls in their
box), the position history as arrays, the fixes written since a history id, and each
phone's latest fix."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from datetime import datetime
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import BigInteger, Integer, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from console.domain.patrol_state import MAX_USEFUL_ACCURACY_M
from console.store.models import (
    Cell,
    Device,
    LatestPosition,
    PatrolOfficer,
    Position,
    Shift,
    WorkGridCell,
)
from console.store.row_reads import chunks, driver_rows


def patrol_officers(session: Session) -> list[Any]:
    """Active officers: id, code, name, work_grid_id."""
    return session.connection().execute(
        select(PatrolOfficer.id, PatrolOfficer.code, PatrolOfficer.name,
               PatrolOfficer.work_grid_id).where(PatrolOfficer.active.is_(True))).all()


def shifts(session: Session) -> dict[int, list[tuple[str, str, str]]]:
    """officer id → [(weekdays, start, end), ...]."""
    out: dict[int, list[tuple[str, str, str]]] = {}
    for r in session.connection().execute(
            select(Shift.patrol_officer_id, Shift.weekdays, Shift.start, Shift.end)):
        out.setdefault(r.patrol_officer_id, []).append((r.weekdays, r.start, r.end))
    return out


def work_grid_rings(session: Session, grid_ids: Collection[int]) -> dict[int, list[Any]]:
    """work grid id → the rings of its cells."""
    out: dict[int, list[Any]] = {}
    connection = session.connection()
    for chunk in chunks(grid_ids):
        rows = connection.execute(
            select(WorkGridCell.work_grid_id, cast(Cell.ring, Text))
            .join(Cell, Cell.id == WorkGridCell.cell_id)
            .where(WorkGridCell.work_grid_id.in_(chunk), Cell.retired_at.is_(None))).all()
        for (grid_id, _), ring in zip(rows, parse_rings(r[1] for r in rows)):
            out.setdefault(grid_id, []).append(ring)
    return out


class GridCells(NamedTuple):
    """A work grid's cells: their bounding boxes, and their rings as stored (JSON text)."""

    boxes: list[tuple[float, float, float, float]]
    rings: list[str]


def work_grid_cells(session: Session, grid_ids: Collection[int]) -> dict[int, GridCells]:
    """work grid id → its cells' boxes and undecoded rings (decode one with parse_ring): a first
    pass decodes only the cells its fixes fall in, not the city's 50,000."""
    out: dict[int, GridCells] = {}
    connection = session.connection()
    for chunk in chunks(grid_ids):
        result = connection.execute(
            select(WorkGridCell.work_grid_id, Cell.min_lon, Cell.min_lat, Cell.max_lon,
                   Cell.max_lat, cast(Cell.ring, Text))
            .join(Cell, Cell.id == WorkGridCell.cell_id)
            .where(WorkGridCell.work_grid_id.in_(chunk), Cell.retired_at.is_(None)))
        rows = result.cursor.fetchall()   # plain tuples: 50,000 rows at a megacity
        result.close()
        for grid_id, x0, y0, x1, y1, ring in rows:
            cells = out.get(grid_id)
            if cells is None:
                cells = out[grid_id] = GridCells([], [])
            cells.boxes.append((x0, y0, x1, y1))
            cells.rings.append(ring)
    return out


def parse_ring(text: str) -> list[Any]:
    """One ring as work_grid_cells reads it (the numbers read with float(), as json reads
    them; anything but plain [lon, lat] pairs goes to the JSON decoder)."""
    numbers = text.replace("[", "").replace("]", "").split(",")
    if len(numbers) % 2 or len(numbers) != 2 * (text.count("[") - 1):
        return json.loads(text)
    try:
        values = iter(list(map(float, numbers)))
    except ValueError:
        return json.loads(text)
    return list(zip(values, values))


def parse_rings(texts: Iterable[str]) -> list[Any]:
    """Decode many rings ("[[lon, lat], ...]") at once; 50,000 of them at start-up.

    The numbers are read with float(), as json reads them, in one pass over all the text;
    anything but plain [lon, lat] pairs falls back to the JSON decoder.
    """
    texts = list(texts)
    counts = [t.count("[") - 1 for t in texts]
    numbers = ",".join(texts).replace("[", "").replace("]", "").split(",")
    try:
        if len(numbers) != 2 * sum(counts):
            raise ValueError("not [lon, lat] pairs")
        values = iter(list(map(float, numbers)))
    except ValueError:
        return json.loads("[" + ",".join(texts) + "]")
    points = list(zip(values, values))
    out, at = [], 0
    for n in counts:
        out.append(points[at:at + n])
        at += n
    return out


# --- positions ----------------------------------------------------------------------------

_FIX_COLUMNS = (Position.id, Position.patrol_officer_id, Position.at, Position.lon, Position.lat,
                Position.accuracy, Position.speed)


def max_position_id(session: Session) -> int:
    return session.scalar(select(func.max(Position.id))) or 0


class History(NamedTuple):
    """Fixes as parallel arrays, sorted by officer, time and id (`at` in microseconds since
    1970-01-01 of the stored naive local time)."""

    officer: np.ndarray
    at_us: np.ndarray
    lon: np.ndarray
    lat: np.ndarray


def _at_us(session: Session) -> Any:
    """Position.at as integer microseconds, computed by the database: a million datetimes
    made in Python would cost more than reading them."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.extract("epoch", Position.at) * 1_000_000, BigInteger)
    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff" (SQLAlchemy writes six digits): whole seconds
    # from unixepoch (a third cheaper than strftime; SQLite 3.38+), microseconds from the text.
    seconds = (func.unixepoch(Position.at) if sqlite3.sqlite_version_info >= (3, 38)
               else cast(func.strftime("%s", Position.at), Integer))
    return seconds * 1_000_000 + cast(func.substr(Position.at, 21, 6), Integer)


def useful_history(session: Session, officer_ids: Collection[int], since: datetime,
                   upto_id: int) -> History:
    """The fixes of `officer_ids` since `since` (up to a history id) whose accuracy is good
    enough to place them (the officer/time index).

    A megacity's half hour is over a million rows: they are read as plain driver tuples
    (no Row objects, no datetimes) straight into arrays.
    """
    connection = session.connection()
    at_us = _at_us(session)
    rows: list[Any] = []
    for chunk in chunks(officer_ids):
        result = connection.execute(
            select(Position.patrol_officer_id, at_us, Position.lon, Position.lat)
            .where(Position.patrol_officer_id.in_(chunk), Position.at >= since,
                   Position.id <= upto_id,
                   or_(Position.accuracy.is_(None), Position.accuracy <= MAX_USEFUL_ACCURACY_M))
            .order_by(Position.patrol_officer_id, Position.at, Position.id))
        rows += result.cursor.fetchall()   # the driver's tuples: no per-row processing needed
        result.close()
    # Ids and microseconds (below 2**53) are exact as doubles: one pass in C for all columns.
    a = np.fromiter(chain.from_iterable(rows), np.float64, 4 * len(rows)).reshape(-1, 4)
    return History(a[:, 0].astype(np.int64), a[:, 1].astype(np.int64), a[:, 2].copy(),
                   a[:, 3].copy())


def positions_after(session: Session, after_id: int, limit: int = 50_000) -> list[tuple]:
    """History rows (id, officer, at, lon, lat, accuracy, speed) written after `after_id`, in
    insertion order (driver tuples: a takeover reads the fixes of every phone since the
    stored tracks, tens of thousands)."""
    return driver_rows(session.connection(),
                        select(*_FIX_COLUMNS).where(Position.id > after_id)
                        .order_by(Position.id).limit(limit), (2,))


def latest_fixes(session: Session, officers: Collection[int] | None = None) -> list[Any]:
    """The newest fix of every device that belongs to an officer (of `officers`; None: all)."""
    q = (select(LatestPosition.patrol_officer_id, LatestPosition.at, LatestPosition.lon,
                LatestPosition.lat, LatestPosition.speed)
         .join(Device, Device.id == LatestPosition.device_id)
         .where(LatestPosition.patrol_officer_id.is_not(None)))
    if officers is None:
        return session.execute(q).all()
    rows: list[Any] = []
    for chunk in chunks(officers):
        rows.extend(session.execute(q.where(LatestPosition.patrol_officer_id.in_(chunk))).all())
    return rows
