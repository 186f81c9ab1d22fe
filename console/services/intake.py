"""Field intake of positions: a batch from many devices, written per fix, never refused whole.

`console.services.positions.record_positions` refuses a whole batch for one unknown device,
which suits one phone's own upload; the intake server batches fixes from thousands of phones,
where one unregistered (or just disabled) device must not cost everyone else their fixes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.store import feed
from console.store import positions as position_store
from console.store.models import Device


@dataclass(frozen=True, slots=True)
class IntakeFix:
    """One accepted fix, already validated by the protocol layer (units as stored: m/s, %)."""

    device: str
    at: datetime
    lat: float
    lon: float
    speed: float | None = None
    heading: float | None = None
    altitude: float | None = None
    accuracy: float | None = None
    battery: float | None = None
    # hdop, charge, valid and the protocol's unknown parameters: no column holds them yet.
    extras: dict[str, Any] | None = None


@dataclass
class IntakeResult:
    written: int = 0
    ticket: feed.Ticket | None = None   # tells the feed sequence once committed
    #: device unique id → its newest refused fix (unknown or disabled devices)
    refused: dict[str, IntakeFix] = field(default_factory=dict)


def write_fixes(session: Session, fixes: list[IntakeFix]) -> IntakeResult:
    """Store the fixes of known, active devices in the caller's transaction (one feed sequence)."""
    result = IntakeResult()
    if not fixes:
        return result
    devices = position_store.devices_by_unique_id(session, {f.device for f in fixes})
    rows = []
    for fix in fixes:
        known = devices.get(fix.device)
        if known is None or not known[2]:
            old = result.refused.get(fix.device)
            if old is None or old.at <= fix.at:
                result.refused[fix.device] = fix
            continue
        device_id, officer_id, _ = known
        rows.append(dict(device_id=device_id, patrol_officer_id=officer_id, at=fix.at,
                         lat=fix.lat, lon=fix.lon, speed=fix.speed, heading=fix.heading,
                         altitude=fix.altitude, accuracy=fix.accuracy, battery=fix.battery))
    if rows:
        # Like record_positions: one sequence for the whole batch and no feed row per fix;
        # seats find the moved markers in latest_positions by that sequence.
        result.ticket = feed.at_commit(
            session, lambda seq: position_store.store_fixes(session, rows, seq))
    result.written = len(rows)
    return result


def active_devices(session: Session) -> set[str]:
    """Unique ids of the devices whose fixes are accepted now."""
    return set(session.scalars(select(Device.unique_id).where(Device.active.is_(True))))
