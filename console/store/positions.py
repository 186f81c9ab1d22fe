"""Position storage: history rows and the latest fix per device, in one batch."""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from console.store.models import Device, LatestPosition, Position
from console.store.upsert import insert_for


def devices_by_unique_id(session: Session, unique_ids: set[str]) -> dict[str, tuple[int, int | None, bool]]:
    """unique_id → (device id, patrol officer id, active) for the devices that exist."""
    rows = session.execute(select(Device.unique_id, Device.id, Device.patrol_officer_id,
                                  Device.active).where(Device.unique_id.in_(unique_ids)))
    return {r.unique_id: (r.id, r.patrol_officer_id, r.active) for r in rows}


def store_fixes(session: Session, rows: list[dict[str, Any]], seq: int) -> None:
    """Append history rows and move each device's latest fix forward (never backward)."""
    if not rows:
        return
    session.execute(insert(Position), rows)
    stmt = insert_for(session, LatestPosition)
    stmt = stmt.on_conflict_do_update(
        index_elements=[LatestPosition.device_id],
        set_={c: getattr(stmt.excluded, c) for c in
              ("patrol_officer_id", "at", "lat", "lon", "speed", "heading", "accuracy",
               "battery", "seq")},
        # A phone that was offline sends its buffer late: old fixes go to history only.
        where=LatestPosition.at <= stmt.excluded.at)
    latest = [{k: r[k] for k in ("device_id", "patrol_officer_id", "at", "lat", "lon", "speed",
                                 "heading", "accuracy", "battery")} | {"seq": seq} for r in rows]
    session.execute(stmt, latest)
