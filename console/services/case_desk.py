"""What a dispatcher needs to act on one case: its detail and timeline, proposals, the action.

Reads return plain frozen dataclasses; `perform` and `bulk_perform` go through the case
services, so every rule (role, state, optimistic lock) is checked exactly once, there.
"""
from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.errors import DomainError, NotFound
from console.domain.patrol_state import distance_m, on_shift
from console.domain.privacy import phone_for, text_for
from console.domain.work_calendar import TimeUnit
from console.domain.workflow import Action, parse_action
from console.services import cases, joint_cases
from console.services.actor import Actor
from console.services.phone_view import role_now
from console.services.settings import work_calendar
from console.store.models import (
    Campaign,
    Case,
    CaseCampaign,
    CaseEvent,
    Category,
    Cell,
    Community,
    Department,
    District,
    LatestPosition,
    PatrolOfficer,
    Shift,
    Street,
    WorkGridCell,
)

#: A patrol officer whose phone was heard within this long counts as reachable.
ON_DUTY_FIX_AGE = timedelta(minutes=10)


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the case's history, with the names its data refers to."""

    at: datetime
    actor_name: str
    actor_role: str
    action: str
    from_status: str | None
    to_status: str
    note: str
    department_name: str = ""
    patrol_name: str = ""
    category: str = ""
    deadline: datetime | None = None
    photos: tuple[str, ...] = ()        # an answer's photos from the field app (城管通)
    check_result: str = ""              # a 核查 answered from the field app: handled | not_handled


@dataclass(frozen=True)
class CaseDetail:
    """Every field of a case, the names behind its ids, and its full timeline."""

    id: int
    number: str
    version: int
    status: str
    source: str
    category_code: str
    category_name: str
    major_name: str
    time_limit: float
    time_unit: str
    urgent: bool
    cell_code: str
    community: str
    street: str
    district: str
    lon: float | None
    lat: float | None
    address: str
    description: str
    photos: list[str]
    reporter_name: str
    reporter_phone: str
    reporter_patrol: str
    department_id: int | None
    department_name: str
    reported_at: datetime
    registered_at: datetime | None
    dispatched_at: datetime | None
    handled_at: datetime | None
    closed_at: datetime | None
    deadline: datetime | None
    requested_deadline: datetime | None
    check_patrol: str
    rework_count: int
    extension_count: int
    return_count: int
    supervision_level: int
    duplicate_of: str
    duplicates: list[str]
    external_id: str
    campaigns: list[str]
    timeline: list[TimelineEntry]
    parts: tuple[joint_cases.PartView, ...] = ()   # a joint case's departments, the lead first

    @property
    def extension_pending(self) -> bool:
        return self.requested_deadline is not None


def _names(session: Session, model, ids: Iterable[int | None], column) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(model.id, column).where(model.id.in_(wanted))).all())


def _field_answer(data: dict) -> dict:
    """A 核查 answered from the phone (services/field_tasks): its result and photos."""
    answer = data.get("check")
    if not isinstance(answer, dict):
        return {}
    photos = tuple(p for p in answer.get("photos") or () if isinstance(p, str))
    return {"photos": photos, "check_result": str(answer.get("result") or "")}


def case_detail(session: Session, case_id: int, viewer: Actor | None = None) -> CaseDetail:
    """The whole case as the detail pane shows it to `viewer` (a caller's number in full only
    to the roles that call citizens; none: masked); NotFound if it does not exist."""
    role = role_now(session, viewer)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    cat = session.scalars(select(Category).where(Category.code == case.category_code)).first()
    region = session.execute(
        select(Cell.code, Community.name, Street.name, District.name)
        .join(Community, Community.id == Cell.community_id)
        .join(Street, Street.id == Community.street_id)
        .join(District, District.id == Street.district_id).where(Cell.id == case.cell_id)
    ).first() or ("", "", "", "")
    events = list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                  .order_by(CaseEvent.id)))
    departments = _names(session, Department, [case.department_id] + [
        e.data.get("department_id") for e in events], Department.name)
    patrols = _names(session, PatrolOfficer, [case.check_patrol_id, case.reporter_patrol_id] + [
        e.data.get("patrol_id") for e in events], PatrolOfficer.name)
    categories = dict(session.execute(select(Category.code, Category.name)).all())
    known = (case.reporter_phone,)        # the caller's own number, however a note wrote it
    timeline = [TimelineEntry(
        at=e.at, actor_name=e.actor_name, actor_role=e.actor_role, action=e.action,
        from_status=e.from_status, to_status=e.to_status, note=text_for(role, e.note, known),
        department_name=departments.get(e.data.get("department_id"), ""),
        patrol_name=patrols.get(e.data.get("patrol_id"), ""),
        category=(f"{e.data['category_code']} {categories.get(e.data['category_code'], '')}"
                  if e.action == Action.REGISTER and "category_code" in e.data else ""),
        deadline=datetime.fromisoformat(e.data["deadline"]) if "deadline" in e.data else None,
        **_field_answer(e.data))
        for e in events]
    duplicate_of = (session.scalar(select(Case.number).where(Case.id == case.duplicate_of_id))
                    if case.duplicate_of_id else None)
    duplicates = list(session.scalars(select(Case.number).where(Case.duplicate_of_id == case.id)
                                      .order_by(Case.id)))
    campaigns = list(session.scalars(select(Campaign.name).join(
        CaseCampaign, CaseCampaign.campaign_id == Campaign.id).where(
        CaseCampaign.case_id == case.id)))
    return CaseDetail(
        id=case.id, number=case.number, version=case.version, status=case.status,
        source=case.source, category_code=case.category_code,
        category_name=cat.name if cat else case.category_code,
        major_name=cat.major_name if cat else "", time_limit=cat.time_limit if cat else 0.0,
        time_unit=cat.time_unit if cat else TimeUnit.WORK_HOURS.value, urgent=bool(case.urgent),
        cell_code=region[0] or "", community=region[1] or "", street=region[2] or "",
        district=region[3] or "", lon=case.lon, lat=case.lat, address=case.address or "",
        description=text_for(role, case.description, known), photos=list(case.photos or []),
        reporter_name=case.reporter_name or "",
        reporter_phone=phone_for(role, case.reporter_phone),
        reporter_patrol=patrols.get(case.reporter_patrol_id, ""),
        department_id=case.department_id,
        department_name=departments.get(case.department_id, ""),
        reported_at=case.reported_at, registered_at=case.registered_at,
        dispatched_at=case.dispatched_at, handled_at=case.handled_at, closed_at=case.closed_at,
        deadline=case.deadline, requested_deadline=case.requested_deadline,
        check_patrol=patrols.get(case.check_patrol_id, ""), rework_count=case.rework_count,
        extension_count=case.extension_count, return_count=case.return_count,
        supervision_level=case.supervision_level, duplicate_of=duplicate_of or "",
        duplicates=duplicates, external_id=case.external_id or "", campaigns=campaigns,
        timeline=timeline, parts=tuple(joint_cases.parts(session, case.id, viewer)))


# --- proposals for the action dialogs -------------------------------------------------------

@dataclass(frozen=True)
class DeadlineProposal:
    """The department and deadline a dispatch (or rework, or extension) would get by default."""

    department_id: int | None
    deadline: datetime
    time_limit: float
    time_unit: str


def deadline_proposal(session: Session, case_id: int, *, start: datetime | None = None,
                      from_deadline: bool = False) -> DeadlineProposal:
    """The category's department and its time limit counted from `start` (or from the current
    deadline, for an extension) in the city's work calendar."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    cat = cases.category(session, case.category_code)
    start = start or cases.now()
    if from_deadline and case.deadline is not None:
        start = max(start, case.deadline)
    deadline = work_calendar(session).deadline(start, cat.time_limit, TimeUnit(cat.time_unit))
    return DeadlineProposal(cat.department_id, deadline, cat.time_limit, cat.time_unit)


def deadline_for(session: Session, category_code: str, start: datetime) -> datetime:
    """The deadline of a category counted from `start` (for a deadline the user re-bases)."""
    return cases.default_deadline(session, category_code, start)


@dataclass(frozen=True)
class PatrolSuggestion:
    """A patrol officer who could check a case, and how far away they were last heard."""

    id: int
    code: str
    name: str
    phone: str
    on_duty: bool           # on shift and heard within ON_DUTY_FIX_AGE
    responsible: bool       # the case's cell is in the officer's work grid
    distance_m: float | None
    last_fix_at: datetime | None


def nearest_patrols(session: Session, case_id: int, *, now: datetime | None = None,
                    limit: int = 12) -> list[PatrolSuggestion]:
    """Patrol officers to check a case: on duty and nearest first, by their latest positions."""
    now = now or cases.now()
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    officers = session.execute(select(PatrolOfficer.id, PatrolOfficer.code, PatrolOfficer.name,
                                      PatrolOfficer.phone, PatrolOfficer.work_grid_id)
                               .where(PatrolOfficer.active.is_(True))).all()
    fixes: dict[int, tuple[datetime, float, float]] = {}
    for officer_id, at, lon, lat in session.execute(select(
            LatestPosition.patrol_officer_id, LatestPosition.at, LatestPosition.lon,
            LatestPosition.lat).where(LatestPosition.patrol_officer_id.is_not(None))):
        if officer_id not in fixes or at > fixes[officer_id][0]:   # several devices: newest
            fixes[officer_id] = (at, lon, lat)
    shifts: dict[int, list[tuple[str, str, str]]] = {}
    for officer_id, weekdays, start, end in session.execute(
            select(Shift.patrol_officer_id, Shift.weekdays, Shift.start, Shift.end)):
        shifts.setdefault(officer_id, []).append((weekdays, start, end))
    grids = set(session.scalars(select(WorkGridCell.work_grid_id).where(
        WorkGridCell.cell_id == case.cell_id))) if case.cell_id else set()
    out = []
    for officer_id, code, name, phone, grid_id in officers:
        fix = fixes.get(officer_id)
        distance = (distance_m(case.lon, case.lat, fix[1], fix[2])
                    if fix is not None and case.lon is not None and case.lat is not None else None)
        heard = fix is not None and now - fix[0] <= ON_DUTY_FIX_AGE
        out.append(PatrolSuggestion(officer_id, code, name, phone or "",
                                    heard and on_shift(shifts.get(officer_id, []), now) is not None,
                                    grid_id in grids, distance, fix[0] if fix else None))
    out.sort(key=lambda p: (not p.on_duty, p.distance_m is None, p.distance_m or 0.0,
                            not p.responsible, p.code))
    return out[:limit]


# --- acting ---------------------------------------------------------------------------------

_USE_CASES: dict[Action, Callable[..., cases.CaseChange]] = {
    Action.REGISTER: cases.register, Action.REJECT: cases.reject,
    Action.DISPATCH: joint_cases.dispatch, Action.RETURN: cases.return_case,   # + assisting
    Action.REQUEST_EXTENSION: cases.request_extension,
    Action.APPROVE_EXTENSION: cases.approve_extension,
    Action.DENY_EXTENSION: cases.deny_extension, Action.MARK_HANDLED: cases.mark_handled,
    Action.REQUEST_CHECK: cases.request_check, Action.CLOSE: cases.close,
    Action.REWORK: cases.rework, Action.PARK: cases.park, Action.RESUME: cases.resume,
    Action.CANCEL: cases.cancel, Action.ADD_NOTE: cases.add_note,
    Action.REQUEST_VERIFY: cases.request_verify, Action.CONFIRM: cases.confirm,
    Action.REFUTE: cases.refute,
}


def perform(session: Session, actor: Actor, case_id: int, version: int, action: str,
            params: dict[str, Any]) -> cases.CaseChange:
    """One workflow action by name; `params` may hold more than the action takes."""
    fn = _USE_CASES.get(parse_action(action))
    if fn is None:   # a real action without a use case of its own (the report)
        raise DomainError("unknown_action", action=str(action))
    accepted = inspect.signature(fn).parameters
    return fn(session, actor, case_id, version,
              **{k: v for k, v in params.items() if k in accepted})


log = logging.getLogger(__name__)


def case_versions(session: Session, case_ids: Iterable[int]) -> dict[int, int]:
    """The current version of each case (those that still exist)."""
    ids = list(case_ids)
    if not ids:
        return {}
    return dict(session.execute(select(Case.id, Case.version).where(Case.id.in_(ids))).all())


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did: the changes made and, per refused case, why."""

    done: list[cases.CaseChange]
    # (case number, the refusal: a DomainError, or the unexpected error that stopped that case)
    refused: list[tuple[str, Exception]]


def bulk_perform(transaction: Callable[[], AbstractContextManager[Session]], actor: Actor,
                 items: list[tuple[int, str, int]], action: str,
                 params: dict[str, Any]) -> BulkResult:
    """The same action on several cases (id, number, version), each in its own transaction:
    one refusal (changed by someone else, wrong state) leaves the others done.

    Any failure of one case (a refusal, or e.g. a locked database) is recorded against that
    case and the others go on: what was already committed is always returned."""
    done: list[cases.CaseChange] = []
    refused: list[tuple[str, Exception]] = []
    for case_id, number, version in items:
        try:
            with transaction() as session:
                done.append(perform(session, actor, case_id, version, action, params))
        except DomainError as exc:
            refused.append((number, exc))
        except Exception as exc:   # the cases done before must still be reported
            log.exception("bulk %s: case %s failed", action, number)
            refused.append((number, exc))
    return BulkResult(done, refused)
