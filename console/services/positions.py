"""Recording positions from the field (OsmAnd / Traccar Client fixes, or the simulator)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from console.domain.errors import DomainError
from console.store import feed
from console.store import positions as position_store


@dataclass(frozen=True)
class Fix:
    """One position fix as a device reports it."""

    device: str            # the device's unique id (OsmAnd `id`)
    at: datetime
    lat: float
    lon: float
    speed: float | None = None      # m/s
    heading: float | None = None    # degrees
    altitude: float | None = None
    accuracy: float | None = None   # m
    battery: float | None = None    # percent


def _check(fix: Fix) -> None:
    for name in ("lat", "lon"):
        value = getattr(fix, name)
        if value is None or not math.isfinite(value):
            raise DomainError("bad_coordinates", lat=fix.lat, lon=fix.lon)
    if not (-90 <= fix.lat <= 90 and -180 <= fix.lon <= 180):
        raise DomainError("bad_coordinates", lat=fix.lat, lon=fix.lon)
    if fix.battery is not None and not (0 <= fix.battery <= 100):
        raise DomainError("bad_battery", battery=fix.battery)


def record_positions(session: Session, fixes: list[Fix]) -> int:
    """Store a batch of fixes in one transaction; refuses the whole batch on any bad fix."""
    if not fixes:
        return 0
    for fix in fixes:
        _check(fix)
    devices = position_store.devices_by_unique_id(session, {f.device for f in fixes})
    rows = []
    for fix in fixes:
        known = devices.get(fix.device)
        if known is None or not known[2]:
            raise DomainError("unknown_device", device=fix.device)
        device_id, officer_id, _ = known
        rows.append(position_store.FixRow(device_id, officer_id, fix.at, fix.lat, fix.lon,
                                          fix.speed, fix.heading, fix.altitude, fix.accuracy,
                                          fix.battery, None))
    # Positions share the transaction's feed sequence but write no feed row per fix: readers
    # find them in latest_positions by that sequence, so they are written when it is taken,
    # at commit (after the counter: history ids then grow in commit order too).
    feed.at_commit(session, lambda seq: position_store.store_fixes(session, rows, seq))
    return len(rows)


def record_position(session: Session, fix: Fix) -> None:
    """Store one fix."""
    record_positions(session, [fix])
