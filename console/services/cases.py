"""Case use cases: report, and every workflow action. One transaction each (the caller's).

Each function checks role and state through the domain workflow, writes the case with an
optimistic-lock update, appends the case event and records the change in the feed — all in
the caller's transaction, so either everything lands or nothing does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.domain import joint as joint_rules
from console.domain import workflow
from console.domain.centre_clock import stage_key
from console.domain.changes import ChangeKind
from console.domain.errors import DomainError, NotFound, StaleVersion
from console.domain.limits import check_count, check_text
from console.domain.permissions import Permission
from console.domain.roles import Role
from console.domain.work_calendar import TimeUnit
from console.domain.workflow import Action, CaseState, Status
from console.services import callback_intake, campaigns
from console.services.actor import Actor, authorize
from console.services.settings import centre_clock, verification_sources, work_calendar
from console.store import cases as case_store
from console.store import feed, joint_queries
from console.store.models import (
    Case,
    CaseDepartment,
    Category,
    Department,
    PatrolOfficer,
)

SOURCES = ("patrol", "hotline", "video", "leader", "public", "sensor")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{5,6}|\d{7,8})$")


@dataclass(frozen=True)
class CaseChange:
    """What an action changed: enough for the caller to refresh without another query."""

    case_id: int
    number: str
    status: str
    version: int
    ticket: feed.Ticket = field(repr=False, compare=False)
    #: True when report() found the case its form had filed before (nothing was written now).
    replayed: bool = field(default=False, compare=False)

    @property
    def seq(self) -> int | None:
        """The feed sequence of the change, once its transaction has committed."""
        return self.ticket.seq


def now() -> datetime:
    """Local wall-clock time at second resolution (what every timestamp in the store uses)."""
    return datetime.now().replace(microsecond=0)


def _state_of(case: Case) -> CaseState:
    return CaseState(
        status=Status(case.status), category_code=case.category_code,
        department_id=case.department_id, deadline=case.deadline,
        dispatched_at=case.dispatched_at, handled_at=case.handled_at, closed_at=case.closed_at,
        requested_deadline=case.requested_deadline, check_patrol_id=case.check_patrol_id,
        verify_patrol_id=case.verify_patrol_id, rework_count=case.rework_count, extension_count=case.extension_count,
        return_count=case.return_count, version=case.version)


def _columns_of(state: CaseState) -> dict[str, Any]:
    return dict(status=state.status.value, category_code=state.category_code,
                department_id=state.department_id, deadline=state.deadline,
                dispatched_at=state.dispatched_at, handled_at=state.handled_at,
                closed_at=state.closed_at, requested_deadline=state.requested_deadline,
                check_patrol_id=state.check_patrol_id, verify_patrol_id=state.verify_patrol_id,
                rework_count=state.rework_count,
                extension_count=state.extension_count, return_count=state.return_count,
                version=state.version)


def validate_phone(phone: str | None) -> str | None:
    """A normalised phone number, None if empty; DomainError('bad_phone') if malformed."""
    phone = (check_text("reporter_phone", phone, optional=True) or "").replace(" ", "")
    if not phone:
        return None
    if not _PHONE.match(phone):
        raise DomainError("bad_phone", phone=phone)
    return phone


def category(session: Session, code: str) -> Category:
    """An active category by code; DomainError if unknown or retired."""
    code = check_text("category_code", code)
    cat = case_store.category_by_code(session, code)
    if cat is None or not cat.active:
        raise DomainError("unknown_category", code=code)
    return cat


def report(session: Session, actor: Actor, *, category_code: str, source: str,
           lon: float | None = None, lat: float | None = None, cell_code: str | None = None,
           address: str = "", description: str = "", urgent: bool | None = None,
           reporter_name: str | None = None, reporter_phone: str | None = None,
           reporter_patrol_id: int | None = None, photos: list[str] | None = None,
           external_id: str | None = None, client_key: str | None = None,
           at: datetime | None = None) -> CaseChange:
    """上报: a new case in state `reported`, located by point or by cell code.

    `client_key`: the seat's form's own key. Saving the same form again — after the connection
    dropped during the commit, so the seat never heard whether it was saved — returns the case
    it filed instead of filing a second one; changed since, it is refused (`form_already_saved`)."""
    at = at or now()
    actor = authorize(session, actor, Permission.REPORT)
    client_key = check_text("client_key", client_key, optional=True)
    if client_key is not None:
        earlier = case_store.case_by_client_key(session, client_key)
        if earlier is not None:
            return _saved_before(earlier, category_code, source, address, description,
                                 reporter_name, reporter_phone, lon, lat, urgent)
    if source not in SOURCES:
        raise DomainError("unknown_source", source=source)
    cat = category(session, category_code)
    phone = validate_phone(reporter_phone)
    address = check_text("address", address if address is not None else "")
    description = check_text("description", description if description is not None else "")
    reporter_name = check_text("reporter_name", reporter_name, optional=True)
    external_id = check_text("external_id", external_id, optional=True)
    photos = [check_text("photo", p) for p in check_count("photos", photos)]
    if reporter_patrol_id is not None and session.get(PatrolOfficer, reporter_patrol_id) is None:
        raise NotFound("patrol", reporter_patrol_id)
    if external_id is not None and case_store.case_by_external_id(session, external_id) is not None:
        raise DomainError("duplicate_report", external_id=external_id)
    cell = None
    if lon is not None and lat is not None:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise DomainError("bad_coordinates", lon=lon, lat=lat)
        cell = case_store.cell_at(session, lon, lat)
        if cell is None:
            raise DomainError("location_outside_city", lon=round(lon, 6), lat=round(lat, 6))
    elif cell_code:
        cell_code = check_text("cell_code", cell_code)
        cell = case_store.cell_by_code(session, cell_code)
        if cell is None:
            raise DomainError("unknown_cell", code=cell_code)
        if cell.retired_at is not None:
            raise DomainError("cell_retired", code=cell_code)
        lon, lat = cell.centroid_lon, cell.centroid_lat
    else:
        raise DomainError("location_required")
    case = Case(source=source, category_code=cat.code, cell_id=cell.id, lon=lon,
                lat=lat, address=address, description=description,
                photos=photos, urgent=cat.urgent if urgent is None else urgent,
                status=Status.REPORTED.value, reported_at=at, reporter_name=reporter_name,
                reporter_phone=phone, reporter_patrol_id=reporter_patrol_id,
                external_id=external_id, client_key=client_key, version=1, updated_at=at,
                **stage_columns(session, Status.REPORTED, needs_verification(session, source), at))
    earlier = _insert_report(session, case)
    if earlier is not None:
        return _saved_before(earlier, category_code, source, address, description, reporter_name,
                             reporter_phone, lon, lat, urgent)
    case_store.append_event(session, case_id=case.id, at=at, actor_id=actor.user_id,
                            actor_name=actor.name, actor_role=actor.role.value,
                            action=Action.REPORT.value, from_status=None,
                            to_status=Status.REPORTED.value, note=None,
                            data={"category_code": cat.code, "source": source})
    campaigns.case_reported(session, case.id, cell.id, cat.code, at)
    ticket = feed.record(session, ChangeKind.CASE, case.id, Action.REPORT, at,
                         {"status": case.status, "cell_id": cell.id, "urgent": case.urgent,
                          "category": cat.code})
    return CaseChange(case.id, case.number, case.status, case.version, ticket)


def _saved_before(case: Case, category_code: str, source: str, address: str | None,
                  description: str | None, reporter_name: str | None,
                  reporter_phone: str | None, lon: float | None, lat: float | None,
                  urgent: bool | None) -> CaseChange:
    """The case a form filed before, when the form is saved again unchanged (its place and
    urgency too, where the form gave them)."""
    asked = (category_code, source, (address or "").strip(), (description or "").strip(),
             (reporter_name or "").strip() or None, validate_phone(reporter_phone))
    filed = (case.category_code, case.source, case.address, case.description,
             case.reporter_name, case.reporter_phone)
    moved = lon is not None and lat is not None and (lon, lat) != (case.lon, case.lat)
    if asked != filed or moved or urgent is not None and bool(urgent) != bool(case.urgent):
        raise DomainError("form_already_saved", number=case.number)
    return CaseChange(case.id, case.number, case.status, case.version, feed.Ticket(),
                      replayed=True)


def _insert_report(session: Session, case: Case) -> Case | None:
    """Number and insert a new case; the same external id filed meanwhile by another seat or
    intake is the `duplicate_report` refusal. The checks before are only the fast path: between
    them and this insert another transaction may commit the same id, and only the unique index
    knows. The number is taken inside the savepoint, so a refused insert leaves no gap."""
    try:
        with session.begin_nested():
            case.number = case_store.next_case_number(session, case.reported_at.date())
            session.add(case)
            session.flush()
    except IntegrityError:
        if (case.external_id is not None
                and case_store.case_by_external_id(session, case.external_id) is not None):
            raise DomainError("duplicate_report", external_id=case.external_id) from None
        if case.client_key is not None:
            # The same form saved twice at once (a retry racing an attempt whose answer was
            # lost): the unique index waited for the first to commit; this one returns its case.
            earlier = case_store.case_by_client_key(session, case.client_key)
            if earlier is not None:
                return earlier
        raise
    return None


def needs_verification(session: Session, source: str) -> bool:
    """Whether a report from `source` is verified on site (核实) before 立案."""
    return source in verification_sources(session)


def stage_columns(session: Session, status: Status, needs: bool, at: datetime) -> dict[str, Any]:
    """The centre's clock of the stage a case enters at `at` (all None where none runs)."""
    clock = centre_clock(session).start(stage_key(status, needs), at)
    if clock is None:
        return {"stage_key": None, "stage_at": None, "stage_warn_at": None, "stage_due": None}
    return {"stage_key": clock.key, "stage_at": clock.at, "stage_warn_at": clock.warn_at,
            "stage_due": clock.due}


def act(session: Session, actor: Actor, case_id: int, expected_version: int, action: Action | str,
        *, at: datetime | None = None, evidence: dict[str, Any] | None = None,
        joint: bool = False, **params: Any) -> CaseChange:
    """Perform one workflow action on a case the caller saw at `expected_version`.

    `evidence`: what a service adds to the event's data (an officer's photos and device).
    `joint`: called by services/joint_cases.py, which has checked the department's own part."""
    at = at or now()
    action = workflow.parse_action(action)
    actor = authorize(session, actor, Permission(action.value))
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    if case.version != expected_version:
        raise StaleVersion(case.number, expected_version, case.version)
    before = _state_of(case)
    if actor.role is Role.DEPARTMENT and not joint and (
            case.department_id is None or actor.department_id != case.department_id):
        # A department acts only on what was dispatched to it: before a dispatch (or after a
        # return) the case is nobody's, and its notes are not theirs to write.
        raise DomainError("not_your_department", number=case.number)
    if action in PART_ACTIONS and not joint and joint_in_force(session, case):
        raise DomainError("joint_case_parts", number=case.number)   # each part acts on its own
    if action in (Action.DISPATCH, Action.RETURN):
        _check_ruling(session, case, action, actor, params.get("department_id"))
    if action is Action.REGISTER and params.get("category_code"):
        category(session, params["category_code"])
    if action is Action.DISPATCH and params.get("department_id") is not None:
        department = session.get(Department, params["department_id"])
        if department is None:
            raise NotFound("department", params["department_id"])
        if not department.active:
            raise DomainError("department_retired", name=department.name)
    patrol_id = params.get("patrol_id")
    if (action in (Action.REQUEST_CHECK, Action.REQUEST_VERIFY) and patrol_id is not None
            and session.get(PatrolOfficer, patrol_id) is None):
        raise NotFound("patrol", patrol_id)
    needs = needs_verification(session, case.source)
    after, data = workflow.perform(before, action, actor.role, at=at, needs_verification=needs,
                                   **params)
    values = _columns_of(after)
    values["updated_at"] = at
    if action is Action.REGISTER:
        values["registered_at"] = at
    if after.status is not before.status or action is Action.REQUEST_VERIFY:
        # A stage of the centre's own ends: the event says whether within its limit (the
        # posts' evaluation counts these), and the next stage's clock starts.
        if case.stage_key is not None and case.stage_due is not None:
            data["centre_stage"] = {"key": case.stage_key, "on_time": at <= case.stage_due}
        values.update(stage_columns(session, after.status, needs, at))
    if action is Action.REQUEST_VERIFY:
        values.update(verify_requested_at=at, verify_due=values["stage_due"], verified_at=None)
    if action in (Action.CONFIRM, Action.REFUTE):
        values["verified_at"] = at
        data["verified"] = action is Action.CONFIRM
    if evidence:
        data.update(evidence)
    if not case_store.update_versioned(session, case.id, expected_version, values):
        session.refresh(case)
        raise StaleVersion(case.number, expected_version, case.version)
    if action is Action.REGISTER and after.category_code != before.category_code:
        campaigns.case_reported(session, case.id, case.cell_id, after.category_code, at,
                                reclassified=True)
    note = data.get("reason") or data.get("note")
    case_store.append_event(session, case_id=case.id, at=at, actor_id=actor.user_id,
                            actor_name=actor.name, actor_role=actor.role.value,
                            action=action.value, from_status=before.status.value,
                            to_status=after.status.value, note=note, data=data)
    if action is Action.CLOSE:
        callback_intake.case_closed(session, case, at)    # 回访 of a citizen's case
    if not joint and (action is Action.DISPATCH or (before.status is Status.DISPATCHED
                                                    and after.status is not Status.DISPATCHED)):
        # The dispatch the parts belong to ends (挂账, 作废) or a new one starts: the parts
        # leave with it, or they would keep the case joint — and in the old departments'
        # queues — under a dispatch that is no longer theirs. A joint dispatch makes new ones.
        withdraw_parts(session, case.id)
    ticket = feed.record(session, ChangeKind.CASE, case.id, action, at,
                         {"status": after.status.value, "from": before.status.value,
                          "cell_id": case.cell_id, "department_id": after.department_id})
    session.expire(case)
    return CaseChange(case.id, case.number, after.status.value, after.version, ticket)


#: What a joint case's departments do part by part (services/joint_cases.py), not on the case
#: (refused as `joint_case_parts`; the queue does not offer them on a joint case either).
PART_ACTIONS = frozenset({Action.MARK_HANDLED, Action.RETURN, Action.REQUEST_EXTENSION,
                           Action.APPROVE_EXTENSION, Action.DENY_EXTENSION, Action.REWORK})


def joint_in_force(session: Session, case: Case) -> bool:
    """Whether the case's current dispatch is a joint one: its department leads a part still on
    the case. Parts of an earlier dispatch (to a lead that is no longer the case's department)
    do not count."""
    if case.department_id is None:
        return False
    return bool(session.scalar(select(exists().where(
        CaseDepartment.case_id == case.id,
        CaseDepartment.department_id == case.department_id,
        CaseDepartment.role == joint_rules.PartRole.LEAD.value,
        CaseDepartment.state.in_([s.value for s in joint_rules.ON_CASE])))))


def withdraw_parts(session: Session, case_id: int, *, keep: int | None = None) -> None:
    """Every part still on the case leaves it (`keep`: a department whose part stays as it is)."""
    for row in joint_queries.parts_of(session, case_id):
        if row.department_id == keep:
            continue
        part = joint_rules.Part(row.department_id, joint_rules.PartRole(row.role),
                                joint_rules.PartState(row.state), version=row.version)
        gone = joint_rules.withdraw(part)
        if gone is not part:
            session.execute(update(CaseDepartment).where(CaseDepartment.id == row.id).values(
                state=gone.state.value, requested_deadline=gone.requested_deadline,
                version=gone.version).execution_options(synchronize_session=False))


def _check_ruling(session: Session, case: Case, action: Action, actor: Actor,
                  department_id: int | None) -> None:
    """A leader's ruling on a disputed case binds (执法调处): the dispatch goes to the department
    ruled the owner, and that department cannot return it as not theirs again."""
    ruling = joint_queries.ruling_of(session, case.id)
    if ruling is None:
        return
    if action is Action.DISPATCH and department_id not in (None, ruling.department_id):
        owner = session.get(Department, ruling.department_id)
        raise DomainError("dispute_ruled_owner", number=case.number, department=owner.name)
    if action is Action.RETURN and case.department_id == ruling.department_id:
        raise DomainError("ruled_owner_cannot_return")


def default_deadline(session: Session, category_code: str, start: datetime) -> datetime:
    """The deadline a category's time limit gives from `start` in the city's work calendar."""
    cat = category(session, category_code)
    return work_calendar(session).deadline(start, cat.time_limit, TimeUnit(cat.time_unit))


# --- the named use cases: thin, so the UI, simulator and intake read like the workflow ---

def register(session, actor, case_id, version, *, category_code=None, note=None, at=None):
    """立案, optionally correcting the category."""
    return act(session, actor, case_id, version, Action.REGISTER, at=at,
               category_code=category_code, note=note)


def reject(session, actor, case_id, version, *, reason, at=None):
    """不予立案."""
    return act(session, actor, case_id, version, Action.REJECT, at=at, reason=reason)


def dispatch(session, actor, case_id, version, *, department_id=None, deadline=None, note=None,
             at=None):
    """派遣 to a department (default: the category's) with a deadline (default: its time limit)."""
    at = at or now()
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    if department_id is None:
        ruling = joint_queries.ruling_of(session, case_id)
        department_id = (ruling.department_id if ruling is not None
                         else category(session, case.category_code).department_id)
    if deadline is None:
        deadline = default_deadline(session, case.category_code, at)
    return act(session, actor, case_id, version, Action.DISPATCH, at=at,
               department_id=department_id, deadline=deadline, note=note)


def return_case(session, actor, case_id, version, *, reason, at=None):
    """回退: the department says the case is not theirs; it goes back for re-dispatch."""
    return act(session, actor, case_id, version, Action.RETURN, at=at, reason=reason)


def request_extension(session, actor, case_id, version, *, deadline, reason, at=None):
    """申请延期 to a later deadline."""
    return act(session, actor, case_id, version, Action.REQUEST_EXTENSION, at=at,
               deadline=deadline, reason=reason)


def approve_extension(session, actor, case_id, version, *, note=None, at=None):
    """批准延期."""
    return act(session, actor, case_id, version, Action.APPROVE_EXTENSION, at=at, note=note)


def deny_extension(session, actor, case_id, version, *, reason, at=None):
    """驳回延期."""
    return act(session, actor, case_id, version, Action.DENY_EXTENSION, at=at, reason=reason)


def mark_handled(session, actor, case_id, version, *, note=None, at=None):
    """处置完成 / 反馈."""
    return act(session, actor, case_id, version, Action.MARK_HANDLED, at=at, note=note)


def request_check(session, actor, case_id, version, *, patrol_id, note=None, at=None):
    """核查: ask a patrol officer to check the result."""
    return act(session, actor, case_id, version, Action.REQUEST_CHECK, at=at,
               patrol_id=patrol_id, note=note)


def close(session, actor, case_id, version, *, note=None, at=None):
    """结案."""
    return act(session, actor, case_id, version, Action.CLOSE, at=at, note=note)


def rework(session, actor, case_id, version, *, reason, deadline=None, at=None):
    """返工: back to the same department with a fresh deadline."""
    at = at or now()
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    if deadline is None:
        deadline = default_deadline(session, case.category_code, at)
    return act(session, actor, case_id, version, Action.REWORK, at=at, reason=reason,
               deadline=deadline)


def park(session, actor, case_id, version, *, reason, at=None):
    """挂账."""
    return act(session, actor, case_id, version, Action.PARK, at=at, reason=reason)


def resume(session, actor, case_id, version, *, note=None, at=None):
    """Take a parked case back into the workflow."""
    return act(session, actor, case_id, version, Action.RESUME, at=at, note=note)


def cancel(session, actor, case_id, version, *, reason, at=None):
    """作废."""
    return act(session, actor, case_id, version, Action.CANCEL, at=at, reason=reason)


def add_note(session, actor, case_id, version, *, note, at=None):
    """A note on the case's timeline; changes nothing else."""
    return act(session, actor, case_id, version, Action.ADD_NOTE, at=at, note=note)


def request_verify(session, actor, case_id, version, *, patrol_id, note=None, at=None):
    """核实派出: ask a patrol officer to verify a report on site before 立案."""
    return act(session, actor, case_id, version, Action.REQUEST_VERIFY, at=at,
               patrol_id=patrol_id, note=note)


def confirm(session, actor, case_id, version, *, note=None, at=None, evidence=None):
    """核实属实: the report is confirmed on site; it is ready for 立案."""
    return act(session, actor, case_id, version, Action.CONFIRM, at=at, note=note,
               evidence=evidence)


def refute(session, actor, case_id, version, *, reason, at=None, evidence=None):
    """核实不属实: not confirmed on site; the case is cancelled (作废) with the reason."""
    return act(session, actor, case_id, version, Action.REFUTE, at=at, reason=reason,
               evidence=evidence)
