"""门前三包: the register of street-front units, the unit a frontage case suggests, the
dispatcher's confirmation, the warnings and offences recorded against each unit, and the units
that offend again and again (the alert engine and the map read those)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.domain import frontage as geo
from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError, NotFound
from console.domain.limits import check_text
from console.domain.night_window import codes_named
from console.domain.permissions import Permission
from console.domain.privacy import mask_phone, phone_for
from console.domain.workflow import Action
from console.services import cases
from console.services.actor import Actor, authorize
from console.services.phone_view import role_now
from console.services.settings import get_setting
from console.services.trail import audited
from console.store import feed
from console.store.models import Case, Category, FrontageRecord, FrontageUnit


@dataclass(frozen=True)
class UnitValues:
    """What a user, the workbook or the map gives for one unit (checked by `save_unit`)."""

    code: str
    name: str
    kind: str
    address: str
    person: str
    phone: str | None
    stretch: dict[str, Any]            # GeoJSON LineString / Polygon, lon/lat
    letter_signed_on: date | None = None
    active: bool = True


@dataclass(frozen=True)
class UnitView:
    id: int
    code: str
    name: str
    kind: str
    address: str
    person: str
    phone: str | None
    stretch: dict[str, Any]
    letter_signed_on: date | None
    active: bool
    offences: int = 0          # within the repeat period
    warnings: int = 0          # warnings and notices, all time
    version: int = 1           # what an edit of it expects (save_unit)


@dataclass(frozen=True)
class RecordView:
    id: int
    unit_id: int
    kind: str
    case_id: int | None
    case_number: str | None
    at: datetime
    note: str
    actor_name: str


@dataclass(frozen=True)
class Repeat:
    """A unit offending at least N times in D days (回潮), for the alert and the map."""

    unit_id: int
    code: str
    name: str
    count: int
    first_at: datetime
    lon: float
    lat: float
    stretch: dict[str, Any]


def checked(values: UnitValues) -> UnitValues:
    """`values` with every text normalised and the stretch made valid geometry; DomainError
    naming what does not fit."""
    kind = values.kind if values.kind in geo.UNIT_KINDS else None
    if kind is None:
        raise DomainError("bad_frontage_kind", kind=str(values.kind)[:16])
    code = check_text("frontage_code", values.code)
    name = check_text("frontage_name", values.name)
    if not code or not name:
        raise DomainError("frontage_missing", field="code" if not code else "name")
    return UnitValues(code, name, kind, check_text("address", values.address or ""),
                      check_text("person_name", values.person or ""),
                      cases.validate_phone(values.phone),
                      geo.stretch_from_geojson(values.stretch), values.letter_signed_on,
                      bool(values.active))


def save_unit(session: Session, actor: Actor, values: UnitValues, at: datetime,
              unit_id: int | None = None, expected_version: int | None = None) -> int:
    """Add a unit (unit_id None) or change one; its id. Audited, told through the feed.
    `expected_version`: the version the editor read — changed since by another seat, the edit
    is refused (frontage_unit_changed); None (the workbook, which replaces what it names)
    changes it whatever it is."""
    actor = authorize(session, actor, Permission.EDIT_FRONTAGE)
    stored = session.get(FrontageUnit, unit_id) if unit_id is not None else None
    if stored is not None and stored.phone and values.phone == mask_phone(stored.phone):
        values = replace(values, phone=stored.phone)   # the masked number shown, left as it was
    v = checked(values)
    other = session.scalar(select(FrontageUnit.id).where(FrontageUnit.code == v.code))
    if other is not None and other != unit_id:
        raise DomainError("frontage_code_taken", code=v.code)
    if unit_id is None:
        unit = FrontageUnit(code=v.code)
        session.add(unit)
        action = ChangeAction.ADDED
    else:
        unit = session.scalars(select(FrontageUnit).where(FrontageUnit.id == unit_id)
                               .with_for_update()
                               .execution_options(populate_existing=True)).first()
        if unit is None:
            raise NotFound("frontage_unit", unit_id)
        if expected_version is not None and unit.version != expected_version:
            raise DomainError("frontage_unit_changed", name=unit.name)
        unit.version += 1
        action = ChangeAction.CHANGED
    apply_values(unit, v, at)
    session.flush()
    audited(session, actor, ChangeKind.FRONTAGE, unit.id, action, at,
            {"code": v.code, "name": v.name, "active": v.active})
    feed.record(session, ChangeKind.FRONTAGE, unit.id, action, at, {"code": v.code})
    return unit.id


def apply_values(unit: FrontageUnit, v: UnitValues, at: datetime) -> None:
    unit.code, unit.name, unit.kind = v.code, v.name, v.kind
    unit.address, unit.person, unit.phone = v.address, v.person, v.phone
    unit.stretch = v.stretch
    unit.min_lon, unit.min_lat, unit.max_lon, unit.max_lat = geo.bbox(v.stretch)
    unit.letter_signed_on, unit.active, unit.updated_at = v.letter_signed_on, v.active, at


def units(session: Session, now: datetime, viewer: Actor | None) -> list[UnitView]:
    """Every unit (active first, by code) with its offences in the repeat period and warnings;
    the owner's mobile as `viewer` may see it (a citizen's number: masked like a caller's)."""
    role = role_now(session, viewer)
    since = now - timedelta(days=_repeat_days(session))
    offences = dict(session.execute(
        select(FrontageRecord.unit_id, func.count()).where(
            FrontageRecord.kind == "offence", FrontageRecord.at >= since)
        .group_by(FrontageRecord.unit_id)).all())
    warnings = dict(session.execute(
        select(FrontageRecord.unit_id, func.count()).where(FrontageRecord.kind != "offence")
        .group_by(FrontageRecord.unit_id)).all())
    rows = session.scalars(select(FrontageUnit).order_by(FrontageUnit.active.desc(),
                                                         FrontageUnit.code))
    return [UnitView(u.id, u.code, u.name, u.kind, u.address, u.person,
                     phone_for(role, u.phone) or None, u.stretch,
                     u.letter_signed_on, u.active, offences.get(u.id, 0), warnings.get(u.id, 0),
                     u.version)
            for u in rows]


# --- the suggestion --------------------------------------------------------------------------

def frontage_codes(session: Session) -> frozenset[str]:
    """The category codes whose cases name a unit (the setting lists codes or names)."""
    names = dict(session.execute(select(Category.code, Category.name)).all())
    return codes_named(get_setting(session, "frontage_categories"), names)


def _distance(session: Session) -> float:
    value = get_setting(session, "frontage_distance_m")
    return float(value) if isinstance(value, (int, float)) and value > 0 else 30.0


def suggestions(session: Session, category_code: str, lon: float | None,
                lat: float | None) -> list[geo.Suggestion]:
    """The active units answering for the place of a new case of a frontage category, nearest
    first (none for another category or a case without a position)."""
    if lon is None or lat is None or category_code not in frontage_codes(session):
        return []
    limit = _distance(session)
    dlon, dlat = geo.degrees_around(lat, limit)
    rows = session.execute(
        select(FrontageUnit.id, FrontageUnit.code, FrontageUnit.name, FrontageUnit.stretch)
        .where(FrontageUnit.active.is_(True),
               FrontageUnit.min_lon <= lon + dlon, FrontageUnit.max_lon >= lon - dlon,
               FrontageUnit.min_lat <= lat + dlat, FrontageUnit.max_lat >= lat - dlat))
    return geo.suggest((geo.Candidate(*r) for r in rows), lon, lat, limit)


def case_suggestions(session: Session, case_id: int) -> list[geo.Suggestion]:
    """`suggestions` for a stored case (its detail pane)."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    return suggestions(session, case.category_code, case.lon, case.lat)


def confirmed_unit(session: Session, case_id: int) -> tuple[int, str, str] | None:
    """(unit id, code, name) the dispatcher confirmed for the case, if any."""
    row = session.execute(
        select(FrontageUnit.id, FrontageUnit.code, FrontageUnit.name)
        .join(FrontageRecord, FrontageRecord.unit_id == FrontageUnit.id)
        .where(FrontageRecord.case_id == case_id)).first()
    return tuple(row) if row is not None else None


def confirm_responsible(session: Session, actor: Actor, case_id: int, version: int,
                        unit_id: int, at: datetime) -> cases.CaseChange:
    """The dispatcher names the unit that answers for the case: a note on the case's timeline
    (it carries the unit) and an offence of the unit. A later confirmation replaces it."""
    actor = authorize(session, actor, Permission.RECORD_FRONTAGE)
    unit = session.get(FrontageUnit, unit_id)
    if unit is None:
        raise NotFound("frontage_unit", unit_id)
    if not unit.active:
        raise DomainError("frontage_unit_inactive", name=unit.name)
    change = cases.act(session, actor, case_id, version, Action.ADD_NOTE, at=at,
                       note=f"{unit.code} {unit.name}",
                       evidence={"frontage_unit": {"id": unit.id, "code": unit.code,
                                                   "name": unit.name}})
    record = session.scalar(select(FrontageRecord).where(FrontageRecord.case_id == case_id))
    before = record.unit_id if record is not None else None
    if record is None:
        record = FrontageRecord(case_id=case_id, kind="offence", note="")
        session.add(record)
    record.unit_id, record.at = unit.id, at
    record.actor_id, record.actor_name = actor.user_id, actor.name
    session.flush()
    audited(session, actor, ChangeKind.FRONTAGE, unit.id, ChangeAction.CHANGED, at,
            {"case_id": case_id, "offence": record.id, "replaces_unit": before})
    for affected in {unit.id, before} - {None}:
        feed.record(session, ChangeKind.FRONTAGE, affected, ChangeAction.CHANGED, at,
                    {"case_id": case_id})
    return change


def record_warning(session: Session, actor: Actor, unit_id: int, kind: str, note: str,
                   at: datetime) -> int:
    """A 劝导 (warning) or 告知 (notice) given to a unit; the record's id."""
    actor = authorize(session, actor, Permission.RECORD_FRONTAGE)
    if kind not in ("warning", "notice"):
        raise DomainError("bad_frontage_record", kind=str(kind)[:16])
    note = check_text("note", note or "")
    unit = session.get(FrontageUnit, unit_id)
    if unit is None:
        raise NotFound("frontage_unit", unit_id)
    record = FrontageRecord(unit_id=unit.id, kind=kind, case_id=None, at=at, note=note,
                            actor_id=actor.user_id, actor_name=actor.name)
    session.add(record)
    session.flush()
    audited(session, actor, ChangeKind.FRONTAGE, unit.id, ChangeAction.CHANGED, at,
            {"record": record.id, "kind": kind})
    feed.record(session, ChangeKind.FRONTAGE, unit.id, ChangeAction.CHANGED, at, {"kind": kind})
    return record.id


def unit_records(session: Session, unit_id: int) -> list[RecordView]:
    """A unit's warnings, notices and offences, newest first."""
    rows = session.execute(
        select(FrontageRecord, Case.number).outerjoin(Case, Case.id == FrontageRecord.case_id)
        .where(FrontageRecord.unit_id == unit_id)
        .order_by(FrontageRecord.at.desc(), FrontageRecord.id.desc()))
    return [RecordView(r.id, r.unit_id, r.kind, r.case_id, number, r.at, r.note, r.actor_name)
            for r, number in rows]


# --- repeat offenders (回潮) ------------------------------------------------------------------

def _repeat_days(session: Session) -> float:
    value = get_setting(session, "frontage_repeat_days")
    return float(value) if isinstance(value, (int, float)) and value > 0 else 30.0


def repeat_rule(session: Session) -> tuple[int, float]:
    """(offences, days) of the repeat rule."""
    n = get_setting(session, "frontage_repeat_offences")
    return (int(n) if isinstance(n, (int, float)) and n >= 1 else 3), _repeat_days(session)


def repeat_offenders(session: Session, now: datetime) -> list[Repeat]:
    """Active units with at least N offences in the D days up to `now`, by code."""
    n, days = repeat_rule(session)
    found = {unit: (count, first) for unit, count, first in session.execute(
        select(FrontageRecord.unit_id, func.count(), func.min(FrontageRecord.at))
        .where(FrontageRecord.kind == "offence", FrontageRecord.at >= now - timedelta(days=days),
               FrontageRecord.at <= now)
        .group_by(FrontageRecord.unit_id).having(func.count() >= n))}
    if not found:
        return []
    out = []
    for u in session.scalars(select(FrontageUnit).where(FrontageUnit.id.in_(found),
                                                        FrontageUnit.active.is_(True))):
        count, first = found[u.id]
        lon, lat = geo.anchor(u.stretch)
        out.append(Repeat(u.id, u.code, u.name, count, first, lon, lat, u.stretch))
    return sorted(out, key=lambda r: r.code)


# --- the case's side: the detail pane and the new-case form ------------------------------------

@dataclass(frozen=True)
class CaseFrontage:
    """What the detail pane shows of a case: the units suggested, the one confirmed."""

    case_id: int
    version: int
    suggestions: list[geo.Suggestion]
    confirmed: tuple[int, str, str] | None


def case_frontage(session: Session, case_id: int) -> CaseFrontage:
    """The suggestions (nearest first) and the confirmed unit of a case."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    return CaseFrontage(case.id, case.version,
                        suggestions(session, case.category_code, case.lon, case.lat),
                        confirmed_unit(session, case.id))


def report_case(session: Session, actor: Actor, unit_id: int | None,
                **fields: Any) -> cases.CaseChange:
    """cases.report, and the unit the dispatcher chose in the form confirmed in the same
    transaction (both or neither)."""
    change = cases.report(session, actor, **fields)
    if change.replayed:
        # The form was saved before (its answer lost): confirmed then with the same unit, it
        # is that case; with another, the form changed since and is refused like any change.
        record = session.scalar(select(FrontageRecord).where(
            FrontageRecord.case_id == change.case_id))
        if (record.unit_id if record is not None else None) != unit_id:
            raise DomainError("form_already_saved", number=change.number)
        return change
    if unit_id is None:
        return change
    at = fields.get("at") or cases.now()
    return confirm_responsible(session, actor, change.case_id, change.version, unit_id, at)
