"""The device registry: which phone (protocol `id`) reports for which patrol officer."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import NotFound
from console.services.actor import Actor
from console.services.cases import now as wall_clock
from console.services.trail import audited, command_line_actor
from console.store.models import Device, PatrolOfficer

MAX_UNIQUE_ID = 64     # the column's length


@dataclass(frozen=True)
class DeviceInfo:
    unique_id: str
    officer_code: str | None
    officer_name: str | None
    active: bool


def check_unique_id(unique_id: str) -> str:
    """The id as the protocol sends it: 1–64 printable characters, no spaces around.

    ValueError, not a DomainError: only the command line registers devices so far, and a
    DomainError code needs its translated sentence (for the devices page, when it comes)."""
    if not (0 < len(unique_id) <= MAX_UNIQUE_ID) or unique_id != unique_id.strip() \
            or not unique_id.isprintable():
        raise ValueError(f"a device id is 1-{MAX_UNIQUE_ID} printable characters: {unique_id[:80]!r}")
    return unique_id


def add_device(session: Session, unique_id: str, officer_code: str, *,
               actor: Actor | None = None) -> DeviceInfo:
    """Register a device for an officer, or re-enable and re-assign one already known
    (`actor`: who, for the audit trail; none: the command line's account)."""
    check_unique_id(unique_id)
    officer = session.scalars(select(PatrolOfficer).where(PatrolOfficer.code == officer_code)).first()
    if officer is None:
        raise NotFound("patrol_officer", officer_code)
    device = session.scalars(select(Device).where(Device.unique_id == unique_id)).first()
    if device is None:
        device = Device(unique_id=unique_id)
        session.add(device)
    device.patrol_officer_id = officer.id
    device.active = True
    session.flush()
    audited(session, actor or command_line_actor(), ChangeKind.DEVICE, device.id,
            ChangeAction.CHANGED, wall_clock(), {"unique_id": unique_id, "officer": officer.code,
                                                 "active": True})
    return DeviceInfo(unique_id, officer.code, officer.name, True)


def disable_device(session: Session, unique_id: str, *, actor: Actor | None = None) -> None:
    """Stop accepting a device's fixes; its history stays."""
    device = session.scalars(select(Device).where(Device.unique_id == unique_id)).first()
    if device is None:
        raise NotFound("device", unique_id)
    device.active = False
    audited(session, actor or command_line_actor(), ChangeKind.DEVICE, device.id,
            ChangeAction.CHANGED, wall_clock(), {"unique_id": unique_id, "active": False})


def list_devices(session: Session) -> list[DeviceInfo]:
    rows = session.execute(
        select(Device.unique_id, PatrolOfficer.code, PatrolOfficer.name, Device.active)
        .outerjoin(PatrolOfficer, PatrolOfficer.id == Device.patrol_officer_id)
        .order_by(Device.unique_id))
    return [DeviceInfo(*r) for r in rows]
