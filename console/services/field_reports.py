"""An officer's report from the phone (上报), the categories to pick from, and their day so far.

A report is `cases.report` as the officer (source `patrol`, the officer as reporter): it lands in
待受理 like every other. Each carries the phone's idempotency key; the key and what it made are
kept (field_receipts, unique per officer), so an upload retried after a lost answer finds the
case it already made instead of making a second one.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError
from console.domain.patrol_state import distance_m, on_shift
from console.domain.workflow import Status
from console.services import cases, field_figures, field_messages
from console.services.field_sessions import FieldOfficer, FieldRefused
from console.services.trail import audited
from console.store import cases as case_store
from console.store.models import (
    Alert,
    Case,
    Category,
    Cell,
    Community,
    Device,
    FieldReceipt,
    Shift,
    Street,
)

SOURCE = "patrol"
_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
#: A report made offline may arrive this much later and still keep the time it was made.
MAX_QUEUED = timedelta(hours=48)


class Raced(Exception):
    """Another request with the same key committed first: read its receipt and answer that."""


@dataclass(frozen=True)
class CategoryRow:
    code: str
    kind: str                   # 部件 | 事件
    major: str                  # 大类
    name: str                   # 小类
    urgent: bool


@dataclass(frozen=True)
class PhotoFacts:
    """What a photo says about itself (its EXIF), where it says anything."""

    name: str                           # photos/<sha256>.<ext>
    taken_at: datetime | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass
class FieldReport:
    key: str
    category_code: object
    lat: object
    lon: object
    description: object = ""
    address: object = ""
    accuracy: object = None
    made_at: datetime | None = None     # on the phone, when the officer pressed 上报
    photos: list[PhotoFacts] = field(default_factory=list)


def check_key(key: object) -> str:
    if not isinstance(key, str) or not _KEY.match(key):
        raise FieldRefused(400, "bad_key", "幂等键无效（8–64 位字母、数字、- 或 _）")
    return key


#: receipt kind → the endpoint that made it: a key is reused if asked of the other one.
ENDPOINTS = {"report": "report", "check": "answer", "verify": "answer"}


def content_digest(endpoint: str, content: dict[str, Any]) -> str:
    """SHA-256 over what a request asks (photos by their names, which are their bytes'
    SHA-256): the same key with another content is a different request, not a retry."""
    text = json.dumps({"endpoint": endpoint, **content}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_digest(sub: FieldReport) -> str:
    return content_digest("report", {
        "category": str(sub.category_code or ""), "text": str(sub.description or ""),
        "address": str(sub.address or ""), "lat": str(sub.lat), "lon": str(sub.lon),
        "made_at": sub.made_at.isoformat() if sub.made_at else None,
        "photos": [p.name for p in sub.photos]})


def receipt(session: Session, user_id: int, key: str, endpoint: str | None = None,
            digest: str | None = None) -> dict[str, Any] | None:
    """What this key already did for this officer (with `replayed`), None if nothing yet.

    Asked of another endpoint, or with another content than the receipt's (where both are
    known), the key is being reused for a different request: refused, never replayed."""
    row = session.scalars(select(FieldReceipt).where(FieldReceipt.user_id == user_id,
                                                     FieldReceipt.key == key)).first()
    if row is None:
        return None
    if endpoint is not None and ENDPOINTS.get(row.kind, row.kind) != endpoint \
            or digest is not None and row.digest is not None and row.digest != digest:
        raise DomainError("idempotency_key_reused", key=key)
    return {**row.result, "replayed": True}


def keep_receipt(session: Session, user_id: int, key: str, kind: str, case_id: int,
                 result: dict[str, Any], at: datetime, digest: str | None = None) -> None:
    """Remember the key with its result; Raced if another request took the key meanwhile."""
    try:
        with session.begin_nested():
            session.add(FieldReceipt(user_id=user_id, key=key, kind=kind, case_id=case_id,
                                     result=result, at=at, digest=digest))
            session.flush()
    except IntegrityError:
        raise Raced from None


def categories(session: Session, officer: FieldOfficer | None = None) -> list[CategoryRow]:
    """Every active 小类 by kind and 大类 (what the officer picks from)."""
    names = {"component": "部件", "event": "事件"}
    return [CategoryRow(c.code, names.get(c.kind, c.kind), c.major_name, c.name, bool(c.urgent))
            for c in session.scalars(select(Category).where(Category.active.is_(True))
                                     .order_by(Category.kind, Category.major_code, Category.code))]


def _number(name: str, value: object, low: float, high: float) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FieldRefused(400, "bad_" + name, f"{name}: 不是数字") from None
    if not low <= number <= high:
        raise FieldRefused(400, "bad_" + name, f"{name}: 超出范围")
    return number


def made_at(claimed: datetime | None, now: datetime) -> datetime:
    """When the report was made: the phone's word for it, within the last MAX_QUEUED."""
    if claimed is None or claimed > now + timedelta(minutes=5) or claimed < now - MAX_QUEUED:
        return now
    return min(claimed, now)


#: A photo taken this much before the report was made is an old photo.
OLD_PHOTO = timedelta(hours=2)
#: A photo taken this far from where the report says is a photo from elsewhere.
FAR_PHOTO_M = 500.0


def photo_flags(photos: list[PhotoFacts], lat: float, lon: float, made: datetime) -> list[str]:
    """What the receiver should know about the photos' own time and place (EXIF)."""
    flags = []
    for i, p in enumerate(photos, start=1):
        if p.taken_at is not None:
            if p.taken_at < made - OLD_PHOTO:
                hours = (made - p.taken_at).total_seconds() / 3600
                age = f"{hours / 24:.0f} 天" if hours >= 48 else f"{hours:.0f} 小时"
                flags.append(f"照片{i}拍摄于 {p.taken_at:%Y-%m-%d %H:%M}，早于上报 {age}")
            elif p.taken_at > made + timedelta(minutes=30):
                flags.append(f"照片{i}拍摄时间 {p.taken_at:%Y-%m-%d %H:%M} 晚于上报时间")
        if p.lat is not None and p.lon is not None:
            metres = distance_m(lon, lat, p.lon, p.lat)
            if metres > FAR_PHOTO_M:
                far = f"{metres / 1000:.1f} 公里" if metres >= 1000 else f"{metres:.0f} 米"
                flags.append(f"照片{i}拍摄地点距上报位置 {far}")
    return flags


def report(session: Session, officer: FieldOfficer, sub: FieldReport, at: datetime
           ) -> dict[str, Any]:
    """上报 as the officer; the same key again gives the first answer (`replayed`)."""
    key = check_key(sub.key)
    digest = report_digest(sub)
    done = receipt(session, officer.actor.user_id, key, "report", digest)
    if done is not None:
        return done
    lat = _number("lat", sub.lat, -90, 90)
    lon = _number("lon", sub.lon, -180, 180)
    flags = photo_flags(sub.photos, lat, lon, made_at(sub.made_at, at))
    lines = [str(sub.description or "").strip()]
    if flags:
        lines.append("【照片核验】" + "；".join(flags))
    change = cases.report(
        session, officer.actor, category_code=sub.category_code, source=SOURCE, lon=lon,
        lat=lat, address=sub.address if sub.address is not None else "",
        description="\n".join(x for x in lines if x),
        reporter_name=officer.actor.name, reporter_patrol_id=officer.officer_id,
        photos=[p.name for p in sub.photos], at=at)
    cell_code = session.scalar(select(Cell.code).join(Case, Case.cell_id == Cell.id)
                               .where(Case.id == change.case_id))
    result = {"case_number": change.number, "status": change.status, "cell_code": cell_code,
              "photos": len(sub.photos), "flags": list(flags)}
    keep_receipt(session, officer.actor.user_id, key, "report", change.case_id, result, at,
                 digest)
    audited(session, officer.actor, ChangeKind.CASE, change.case_id, ChangeAction.ADDED, at,
            {"field": "report", "device": officer.device, "session": officer.session_id,
             "key": key, "photos": [p.name for p in sub.photos], "flags": list(flags),
             "made_at": made_at(sub.made_at, at).isoformat(timespec="seconds"),
             "accuracy_m": _accuracy(sub.accuracy)})
    return {**result, "replayed": False}


def _accuracy(value: object) -> float | None:
    try:
        return None if value in (None, "") else round(float(value), 1)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def where(session: Session, lat: object, lon: object) -> dict[str, Any]:
    """The unit cell at a point, for the officer to confirm before reporting."""
    lat_, lon_ = _number("lat", lat, -90, 90), _number("lon", lon, -180, 180)
    cell = case_store.cell_at(session, lon_, lat_)
    if cell is None:
        return {"inside": False, "cell_code": None, "cell": None, "street": None,
                "community": None}
    # The place's names, so the officer confirms where they are, not only a cell code.
    names = session.execute(
        select(Community.name, Street.name).join(Street, Street.id == Community.street_id)
        .where(Community.id == cell.community_id)).first() or (None, None)
    return {"inside": True, "cell_code": cell.code, "cell": cell_geojson(cell.ring),
            "community": names[0], "street": names[1]}


def cell_geojson(ring: object) -> dict[str, Any] | None:
    """A cell's outline for the page's small map (GeoJSON, [lon, lat] as stored)."""
    if not isinstance(ring, list) or len(ring) < 3:
        return None
    return {"type": "Polygon", "coordinates": [ring]}


def shift(session: Session, officer: FieldOfficer, at: datetime) -> dict[str, Any]:
    """On duty or not, the console's open warnings about them, their reports today."""
    shifts = [(s.weekdays, s.start, s.end) for s in session.scalars(
        select(Shift).where(Shift.patrol_officer_id == officer.officer_id))]
    window = on_shift(shifts, at)
    warnings = [k for (k,) in session.execute(
        select(Alert.kind).where(Alert.subject_type == "patrol",
                                 Alert.subject_id == officer.officer_id,
                                 Alert.resolved_at.is_(None)).order_by(Alert.raised_at))]
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    mine = (Case.reporter_patrol_id == officer.officer_id, Case.reported_at >= midnight,
            Case.reported_at <= at)
    today = session.scalar(select(func.count()).select_from(Case).where(*mine)) or 0
    registered = session.scalar(select(func.count()).select_from(Case).where(
        *mine, Case.status.not_in([Status.REPORTED.value, Status.REJECTED.value,
                                   Status.CANCELLED.value]))) or 0
    recent = [{"number": n, "category": name, "status": s, "at": r.isoformat(timespec="minutes")}
              for n, name, s, r in session.execute(
                  select(Case.number, Category.name, Case.status, Case.reported_at)
                  .join(Category, Category.code == Case.category_code)
                  .where(*mine).order_by(Case.reported_at.desc()).limit(20))]
    return {"officer": officer.actor.name, "officer_code": officer.officer_code,
            "device": officer.device, "position_device": position_device(session, officer), "on_duty": window is not None,
            "shift_end": window[1].isoformat(timespec="minutes") if window else None,
            "warnings": warnings, "reports_today": today, "registered_today": registered,
            "recent": recent, "figures": field_figures.figures(session, officer, at),
            "session_expires": officer.expires_at.isoformat(timespec="minutes")}


def position_device(session: Session, officer: FieldOfficer) -> str | None:
    """The id the page reports positions under (OsmAnd's `id`): the device the centre
    registered to this officer; None if none, and the page says so rather than inventing one."""
    return session.scalar(select(Device.unique_id).where(
        Device.patrol_officer_id == officer.officer_id, Device.active.is_(True))
        .order_by(Device.id).limit(1))


#: Refusals that are conflicts with what the server already has (HTTP 409).
CONFLICTS = frozenset({"stale_version", "idempotency_key_reused"})


def refusal_of(exc: DomainError) -> FieldRefused:
    """A service's refusal as the phone shows it: the console's own sentence."""
    if exc.code in CONFLICTS:
        return FieldRefused(409, exc.code, field_messages.sentence(exc))
    return FieldRefused(400, exc.code, field_messages.sentence(exc))
