"""Field intake of positions: a batch from many devices, written per fix, never refused whole.

`console.services.positions.record_positions` refuses a whole batch for one unknown device,
which suits one phone's own upload; the intake server batches fixes from thousands of phones,
where one unregistered (or just disabled) device must not cost everyone else their fixes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.services.settings import get_setting
from console.store import feed
from console.store import positions as position_store
from console.store.models import Device
from console.store.positions import FixRow


class IntakeFix(NamedTuple):
    """One accepted fix, already validated by the protocol layer (units as stored: m/s, %).
    A tuple: built per request at 20,000 a second, and pickled in chunks to the writer."""

    device: str
    at: datetime
    lat: float
    lon: float
    speed: float | None = None
    heading: float | None = None
    altitude: float | None = None
    accuracy: float | None = None
    battery: float | None = None
    # hdop, charge, valid and the protocol's unknown parameters (positions.attributes).
    extras: dict[str, Any] | None = None


@dataclass
class IntakeResult:
    written: int = 0
    ticket: feed.Ticket | None = None   # tells the feed sequence once committed
    #: device unique id → its newest refused fix (unknown or disabled devices)
    refused: dict[str, IntakeFix] = field(default_factory=dict)
    #: device id → the highest impossible speed (km/h) it jumped at in this batch
    suspects: dict[int, float] = field(default_factory=dict)


#: A jump shorter than this is GPS noise however short the time between the fixes.
MIN_JUMP_M = 1000.0
_EARTH_M = 6_371_000.0
#: Both coordinates closer than this (degrees): under MIN_JUMP_M apart wherever on Earth
#: (a degree of latitude is ~111.3 km, of longitude at most that; √2 × 0.0063° × 111.3 km < 1 km).
_NEAR_DEG = 0.0063


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * _EARTH_M * math.asin(min(1.0, math.sqrt(a)))


def impossible_kmh(prev_at: datetime, prev_lat: float, prev_lon: float, fix: IntakeFix,
                   limit_kmh: float) -> float | None:
    """The speed from the previous fix to this one if it is impossible, else None."""
    metres = distance_m(prev_lat, prev_lon, fix.lat, fix.lon)
    if metres < MIN_JUMP_M:
        return None
    # Same second (or a clock step backwards) counts as one second: still a jump of ≥ 1 km.
    seconds = max((fix.at - prev_at).total_seconds(), 1.0)
    kmh = metres / seconds * 3.6
    return round(kmh, 1) if kmh > limit_kmh else None


def _check_speeds(rows: list[FixRow], latest: dict[int, position_store.Previous],
                  limit_kmh: float) -> dict[int, float]:
    """Mark the rows that jumped from the device's previous fix (`latest`: the stored newest
    fix by device id) at more than `limit_kmh` (in place: `attributes["implausible_kmh"]`);
    device id → its highest such speed."""
    by_device: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        by_device.setdefault(row.device_id, []).append(i)
    suspects: dict[int, float] = {}
    for device_id, indexes in by_device.items():
        if len(indexes) > 1:
            indexes.sort(key=lambda i: rows[i].at)
        prev = latest.get(device_id)
        if prev is not None and prev.at > rows[indexes[0]].at:
            prev = None     # a late buffer: compared within itself only
        for i in indexes:
            row = rows[i]
            # Most fixes are a few metres from the last: no trigonometry for them.
            if prev is not None and (abs(row.lat - prev.lat) > _NEAR_DEG
                                     or abs(row.lon - prev.lon) > _NEAR_DEG):
                kmh = impossible_kmh(prev.at, prev.lat, prev.lon, row, limit_kmh)  # type: ignore[arg-type]
                if kmh is not None:
                    rows[i] = row._replace(attributes=(row.attributes or {}) | {"implausible_kmh": kmh})
                    suspects[device_id] = max(kmh, suspects.get(device_id, 0.0))
            prev = row
    return suspects


def write_fixes(session: Session, fixes: list[IntakeFix], *, max_kmh: float | None = None) -> IntakeResult:
    """Store the fixes of known, active devices in the caller's transaction (one feed sequence).

    A fix that is an impossible jump from its device's previous one (`max_kmh`, default the
    shared setting) is stored marked, and its device flagged as suspect."""
    result = IntakeResult()
    if not fixes:
        return result
    # The devices and their newest fixes in one query, read before any write of this
    # transaction, so the speed check compares with what was committed before the batch.
    devices = position_store.known_devices(session, {f.device for f in fixes})
    rows: list[FixRow] = []
    latest: dict[int, position_store.Previous] = {}
    for fix in fixes:
        known = devices.get(fix.device)
        if known is None or not known.active:
            old = result.refused.get(fix.device)
            if old is None or old.at <= fix.at:
                result.refused[fix.device] = fix
            continue
        if known.latest is not None:
            latest[known.device_id] = known.latest
        rows.append(FixRow(known.device_id, known.patrol_officer_id, fix.at, fix.lat, fix.lon,
                           fix.speed, fix.heading, fix.altitude, fix.accuracy, fix.battery,
                           fix.extras))
    if rows:
        limit = get_setting(session, "positions_max_speed_kmh") if max_kmh is None else max_kmh
        result.suspects = _check_speeds(rows, latest, float(limit))
        if result.suspects:
            flagged_at = datetime.now()
            position_store.mark_suspect(session, result.suspects, flagged_at)
            # Other seats' device lists and maps show the flag: tell them.
            feed.record_many(session, ChangeKind.DEVICE, flagged_at, [
                (device_id, ChangeAction.CHANGED, {"suspect_kmh": kmh})
                for device_id, kmh in result.suspects.items()])
        # Like record_positions: one sequence for the whole batch and no feed row per fix;
        # seats find the moved markers in latest_positions by that sequence.
        result.ticket = feed.at_commit(
            session, lambda seq: position_store.store_fixes(session, rows, seq))
    result.written = len(rows)
    return result


def active_devices(session: Session) -> set[str]:
    """Unique ids of the devices whose fixes are accepted now."""
    return set(session.scalars(select(Device.unique_id).where(Device.active.is_(True))))
