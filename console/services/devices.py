"""The device registry: which phone (protocol `id`) reports for which patrol officer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError, NotFound
from console.domain.limits import TEXT_LIMITS, check_text
from console.domain.permissions import Permission
from console.services.actor import Actor, authorize
from console.services.cases import now as wall_clock
from console.services.trail import audited, command_line_actor
from console.store import feed
from console.store.models import Device, LatestPosition, PatrolOfficer

MAX_UNIQUE_ID = TEXT_LIMITS["device_id"].max_length     # the column's length


@dataclass(frozen=True)
class DeviceInfo:
    unique_id: str
    officer_code: str | None
    officer_name: str | None
    active: bool
    #: the newest stored fix (None: never reported)
    last_at: datetime | None = None
    last_lat: float | None = None
    last_lon: float | None = None
    #: last reported from two places at an impossible speed (None: never, or registered since)
    suspect_at: datetime | None = None
    suspect_kmh: float | None = None


def check_unique_id(unique_id: object) -> str:
    """The id as the protocol sends it: 1–64 printable characters, no spaces around, in NFC
    (stored exactly as given); a DomainError naming the reason otherwise."""
    text = check_text("device_id", unique_id)
    if not text:
        raise DomainError("text_required", field="device_id")
    if text != unique_id.strip() or unique_id != unique_id.strip():
        # Phones send the id byte for byte: one stored other than typed would never match.
        bad = next((ch for ch in unique_id if ch.isspace()), unique_id[:1])
        raise DomainError("text_bad_character", field="device_id", character=f"U+{ord(bad):04X}")
    bad = next((ch for ch in text if not ch.isprintable()), None)
    if bad is not None:
        raise DomainError("text_bad_character", field="device_id", character=f"U+{ord(bad):04X}")
    return text


def _allowed(session: Session, actor: Actor | None) -> Actor:
    """The acting user as stored now, if allowed to edit the roster; the command line's account
    when no one signed in acts (the CLI runs with the database's own rights)."""
    if actor is None:
        return command_line_actor()
    return authorize(session, actor, Permission.EDIT_ROSTER)


def add_device(session: Session, unique_id: str, officer_code: str, *,
               actor: Actor | None = None) -> DeviceInfo:
    """Register a device for an officer, or re-enable and re-assign one already known
    (`actor`: a signed-in user, who must be allowed to edit the roster; none: the command
    line's account, i.e. whoever may write the database itself)."""
    actor = _allowed(session, actor)
    unique_id = check_unique_id(unique_id)
    officer_code = check_text("officer_code", officer_code)
    officer = session.scalars(select(PatrolOfficer).where(PatrolOfficer.code == officer_code)).first()
    if officer is None:
        raise NotFound("patrol_officer", officer_code)
    device = session.scalars(select(Device).where(Device.unique_id == unique_id)).first()
    action = ChangeAction.CHANGED
    if device is None:
        device = Device(unique_id=unique_id)
        session.add(device)
        action = ChangeAction.ADDED
    device.patrol_officer_id = officer.id
    device.active = True
    device.suspect_at = device.suspect_kmh = None    # registering it again vouches for it
    session.flush()
    at = wall_clock()
    feed.record(session, ChangeKind.DEVICE, device.id, action, at,
                {"officer_id": officer.id, "active": True})
    audited(session, actor, ChangeKind.DEVICE, device.id,
            action, at, {"unique_id": unique_id, "officer": officer.code, "active": True})
    return DeviceInfo(unique_id, officer.code, officer.name, True)


def disable_device(session: Session, unique_id: str, *, actor: Actor | None = None) -> None:
    """Stop accepting a device's fixes; its history stays (`actor` as for add_device)."""
    actor = _allowed(session, actor)
    unique_id = check_unique_id(unique_id)
    device = session.scalars(select(Device).where(Device.unique_id == unique_id)).first()
    if device is None:
        raise NotFound("device", unique_id)
    device.active = False
    at = wall_clock()
    feed.record(session, ChangeKind.DEVICE, device.id, ChangeAction.CHANGED, at,
                {"officer_id": device.patrol_officer_id, "active": False})
    audited(session, actor, ChangeKind.DEVICE, device.id,
            ChangeAction.CHANGED, at, {"unique_id": unique_id, "active": False})


_INFO = select(Device.unique_id, PatrolOfficer.code, PatrolOfficer.name, Device.active,
               LatestPosition.at, LatestPosition.lat, LatestPosition.lon, Device.suspect_at,
               Device.suspect_kmh
               ).outerjoin(PatrolOfficer, PatrolOfficer.id == Device.patrol_officer_id
               ).outerjoin(LatestPosition, LatestPosition.device_id == Device.id)


def list_devices(session: Session) -> list[DeviceInfo]:
    """Every registered device with its officer, its last fix and whether it is suspect."""
    return [DeviceInfo(*r) for r in session.execute(_INFO.order_by(Device.unique_id))]


def list_suspects(session: Session) -> list[DeviceInfo]:
    """Devices that reported from two places at an impossible speed, the latest first."""
    return [DeviceInfo(*r) for r in session.execute(
        _INFO.where(Device.suspect_at.is_not(None)).order_by(Device.suspect_at.desc()))]


def officer_choices(session: Session) -> list[tuple[str, str]]:
    """(code, name) of the active patrol officers, for registering a device to one."""
    return [(r.code, r.name) for r in session.execute(
        select(PatrolOfficer.code, PatrolOfficer.name).where(PatrolOfficer.active.is_(True))
        .order_by(PatrolOfficer.code))]
