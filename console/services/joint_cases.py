"""Joint enforcement (联合执法): a dispatch to a lead department (主办) and assisting ones
(协办), and each department's work on its own part.

The case keeps its ordinary workflow with the lead as its department; the parts live beside it
(case_departments) with their own machine (console/domain/joint.py). A part action that moves
the whole case — the lead returning it, the lead's extension, the last reply that completes
the case, a rework after handling — goes through `cases.act` in the same transaction, so the
part's event and the case's event land together in the case's hash-chained trail.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from console.domain import joint
from console.domain.changes import ChangeKind
from console.domain.errors import DomainError, NotFound, StaleVersion
from console.domain.joint import Part, PartAction, PartRole, PartState
from console.domain.limits import check_count
from console.domain.permissions import Permission
from console.domain.privacy import text_for
from console.domain.roles import Role
from console.domain.workflow import Action, Status
from console.services import cases
from console.services.actor import Actor, authorize
from console.services.cases import CaseChange
from console.services.phone_view import role_now
from console.store import cases as case_store
from console.store import feed, joint_queries
from console.store.models import Case, CaseDepartment, Department, DisputeRuling

#: The permission table's row each part action answers to (no new rows: a department that may
#: mark a case handled may reply on its part, and so on).
PERMISSION = {
    PartAction.ACCEPT: Permission.MARK_HANDLED,
    PartAction.REPLY: Permission.MARK_HANDLED,
    PartAction.RETURN: Permission.RETURN,
    PartAction.REQUEST_EXTENSION: Permission.REQUEST_EXTENSION,
    PartAction.APPROVE_EXTENSION: Permission.APPROVE_EXTENSION,
    PartAction.DENY_EXTENSION: Permission.DENY_EXTENSION,
    PartAction.REWORK: Permission.REWORK,
}
#: The lead's part actions that are the case's own workflow action too.
LEAD_CASE_ACTION = {
    PartAction.RETURN: Action.RETURN,
    PartAction.REQUEST_EXTENSION: Action.REQUEST_EXTENSION,
    PartAction.APPROVE_EXTENSION: Action.APPROVE_EXTENSION,
    PartAction.DENY_EXTENSION: Action.DENY_EXTENSION,
}


#: The case statuses a part action may be taken in: the parts work while the case is dispatched;
#: a part is sent back for rework also once the case is handled or being checked (the whole case
#: goes back with it).
CASE_STATUSES: dict[PartAction, frozenset[Status]] = {
    **{a: frozenset({Status.DISPATCHED}) for a in PartAction},
    PartAction.REWORK: frozenset({Status.DISPATCHED, Status.HANDLED, Status.CHECKING}),
}


@dataclass(frozen=True)
class PartView:
    """One department's part as the detail pane and the queues show it (plain data)."""

    department_id: int
    department_name: str
    role: str
    state: str
    deadline: datetime | None
    requested_deadline: datetime | None
    reply: str | None
    replied_at: datetime | None
    returns: int
    rework_count: int
    extension_count: int
    version: int
    may_return: bool = True    # False for the department the duty leader ruled the owner


def in_force(parts: Iterable[PartView], department_id: int | None) -> bool:
    """Whether the case's current dispatch is the joint one `parts` belong to: the case's
    department leads a part still on the case (cases.joint_in_force, over the parts a detail
    already holds)."""
    return department_id is not None and any(
        p.role == PartRole.LEAD and p.department_id == department_id
        and PartState(p.state) in joint.ON_CASE for p in parts)


def offered(part: PartView, viewer: Actor | None, *, case_status: str,
            joint_in_force: bool) -> list[PartAction]:
    """The part actions `viewer` (the signed-in user) may take on `part` now: exactly those
    `act_part` accepts (short of a change meanwhile), so a seat gets no button it would refuse."""
    if viewer is None or not joint_in_force:
        return []
    if viewer.role is Role.DEPARTMENT and viewer.department_id != part.department_id:
        return []
    domain = Part(part.department_id, PartRole(part.role), PartState(part.state), part.deadline,
                  part.requested_deadline)
    return [a for a in joint.allowed(domain, viewer.role)
            if Status(case_status) in CASE_STATUSES[a]
            and (a is not PartAction.RETURN or part.may_return)]


def parts(session: Session, case_id: int, viewer: Actor | None) -> list[PartView]:
    """Every department's part of a case, the lead first (none for a single-department case);
    a reply quoting a number shows it as `viewer` may see it (None: masked)."""
    rows = joint_queries.parts_of(session, case_id)
    if not rows:
        return []
    role = role_now(session, viewer)
    caller = session.scalar(select(Case.reporter_phone).where(Case.id == case_id))
    names = dict(session.execute(select(Department.id, Department.name)).all())
    ruling = joint_queries.ruling_of(session, case_id)
    owner = ruling.department_id if ruling is not None else None
    return [_view(r, names.get(r.department_id, ""), role, caller, owner) for r in rows]


def _view(row: CaseDepartment, name: str, role: Role | None, caller: str | None,
          owner: int | None) -> PartView:
    return PartView(row.department_id, name, row.role, row.state, row.deadline,
                    row.requested_deadline,
                    None if row.reply is None else text_for(role, row.reply, (caller,)),
                    row.replied_at, row.returns, row.rework_count, row.extension_count,
                    row.version, row.department_id != owner)


def _part(row: CaseDepartment) -> Part:
    return Part(row.department_id, PartRole(row.role), PartState(row.state), row.deadline,
                row.requested_deadline, row.reply, row.replied_at, row.returns,
                row.rework_count, row.extension_count, row.version)


def _values(part: Part) -> dict:
    return {"state": part.state.value, "deadline": part.deadline,
            "requested_deadline": part.requested_deadline, "reply": part.reply,
            "replied_at": part.replied_at, "returns": part.returns,
            "rework_count": part.rework_count, "extension_count": part.extension_count,
            "version": part.version}


def dispatch(session: Session, actor: Actor, case_id: int, version: int, *,
             department_id: int | None = None, assisting: list[int] | tuple[int, ...] = (),
             deadline: datetime | None = None, assist_deadline: datetime | None = None,
             note: str | None = None, at: datetime | None = None) -> CaseChange:
    """派遣: to a lead department and, optionally, assisting ones (each with the lead's deadline
    unless `assist_deadline`). Without assisting departments, exactly the ordinary dispatch."""
    at = at or cases.now()
    if not assisting:   # the ordinary dispatch, exactly
        return cases.dispatch(session, actor, case_id, version, department_id=department_id,
                              deadline=deadline, note=note, at=at)
    authorize(session, actor, Permission.DISPATCH)   # before anything is looked at
    assisting = check_count("assisting", assisting)
    if any(not isinstance(d, int) or isinstance(d, bool) for d in assisting):
        raise DomainError("not_a_list", field="assisting")
    for d in assisting:
        department = session.get(Department, d)
        if department is None:
            raise NotFound("department", d)
        if not department.active:
            raise DomainError("department_retired", name=department.name)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    if department_id is None:
        ruling = joint_queries.ruling_of(session, case_id)
        department_id = (ruling.department_id if ruling is not None
                         else cases.category(session, case.category_code).department_id)
    if deadline is None:
        deadline = cases.default_deadline(session, case.category_code, at)
    joint.new_parts(department_id, assisting, deadline)   # refused before the case moves
    if assist_deadline is not None and assist_deadline <= at:
        raise DomainError("deadline_in_past", deadline=assist_deadline.isoformat(timespec="minutes"))
    change = cases.act(session, actor, case_id, version, Action.DISPATCH, at=at,
                       department_id=department_id, deadline=deadline, note=note,
                       evidence={"assisting": assisting})
    case = session.get(Case, case_id)
    new = joint.new_parts(case.department_id, assisting, case.deadline, assist_deadline)
    old = {r.department_id: r for r in joint_queries.parts_of(session, case_id)}
    for part in new:
        row = old.get(part.department_id)
        if row is None:
            session.add(CaseDepartment(case_id=case_id, department_id=part.department_id,
                                       role=part.role.value, dispatched_at=at,
                                       **_values(part)))
        else:   # dispatched to it before: a fresh part, its earlier returns still counted
            values = _values(part) | {"returns": row.returns, "version": row.version + 1,
                                      "role": part.role.value, "dispatched_at": at}
            session.execute(update(CaseDepartment).where(CaseDepartment.id == row.id)
                            .values(**values))
    session.flush()
    return change


def act_part(session: Session, actor: Actor, case_id: int, department_id: int,
             expected_version: int, action: PartAction | str, *, reply: str | None = None,
             reason: str | None = None, deadline: datetime | None = None,
             at: datetime | None = None) -> CaseChange:
    """One action on one department's part, seen by the caller at `expected_version`; moves the
    case too where the part's action is the case's (see the module's docstring)."""
    at = at or cases.now()
    try:
        action = PartAction(action)
    except ValueError:
        raise DomainError("unknown_action", action=str(action)[:64]) from None
    actor = authorize(session, actor, PERMISSION[action])
    # The case row is locked first by every part action: two departments replying at once
    # then see each other's reply, and exactly one of them completes the case.
    case = session.scalars(select(Case).where(Case.id == case_id).with_for_update()
                           .execution_options(populate_existing=True)).first()
    if case is None:
        raise NotFound("case", case_id)
    if actor.role is Role.DEPARTMENT and actor.department_id != department_id:
        raise DomainError("not_your_part", number=case.number)
    row = session.scalars(select(CaseDepartment).where(
        CaseDepartment.case_id == case_id, CaseDepartment.department_id == department_id)
        .execution_options(populate_existing=True)).first()
    if row is None:
        raise NotFound("case_part", f"{case.number}/{department_id}")
    if row.version != expected_version:
        raise StaleVersion(case.number, expected_version, row.version)
    status = Status(case.status)
    if status not in CASE_STATUSES[action]:
        raise DomainError("action_not_allowed_in_state", action=action.value, status=status.value)
    if not cases.joint_in_force(session, case):
        # A part of an earlier dispatch (the case has since been parked, cancelled or sent
        # elsewhere): its department no longer acts on the case through it.
        raise DomainError("not_your_department", number=case.number)
    ruling = joint_queries.ruling_of(session, case_id)
    before = _part(row)
    after, data = joint.perform(before, action, actor.role, at=at, reply=reply, reason=reason,
                                deadline=deadline,
                                may_return=ruling is None or ruling.department_id != department_id)
    done = session.execute(update(CaseDepartment).where(
        CaseDepartment.id == row.id, CaseDepartment.version == expected_version)
        .values(**_values(after)).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise StaleVersion(case.number, expected_version, expected_version + 1)
    case_store.append_event(session, case_id=case_id, at=at, actor_id=actor.user_id,
                            actor_name=actor.name, actor_role=actor.role.value,
                            action=action.value, from_status=status.value,
                            to_status=status.value, note=data.get("reply") or data.get("reason"),
                            data=data)
    ticket = feed.record(session, ChangeKind.CASE, case_id, action, at,
                         {"status": status.value, "cell_id": case.cell_id,
                          "department_id": department_id, "part_state": after.state.value})
    change = CaseChange(case.id, case.number, status.value, case.version, ticket)
    moved = _move_case(session, actor, case, before, after, action, data, at)
    return moved or change


def _move_case(session: Session, actor: Actor, case: Case, before: Part, after: Part,
               action: PartAction, data: dict, at: datetime) -> CaseChange | None:
    """The case's own transition a part action brings, if any (in the same transaction)."""
    status = Status(case.status)
    note = data.get("reply") or data.get("reason")
    lead = before.role is PartRole.LEAD
    if lead and action in LEAD_CASE_ACTION:
        kwargs = {}
        if action in (PartAction.RETURN, PartAction.REQUEST_EXTENSION, PartAction.DENY_EXTENSION):
            kwargs["reason"] = note
        if action is PartAction.REQUEST_EXTENSION:
            kwargs["deadline"] = after.requested_deadline
        change = cases.act(session, actor, case.id, case.version, LEAD_CASE_ACTION[action],
                           at=at, joint=True, **kwargs)
        if action is PartAction.RETURN:
            # The lead says the case is not theirs: it goes back for re-dispatch, and every
            # other department's part leaves with it (a new dispatch makes new parts).
            cases.withdraw_parts(session, case.id, keep=before.department_id)
        return change
    if action is PartAction.REWORK and status in (Status.HANDLED, Status.CHECKING):
        return cases.act(session, actor, case.id, case.version, Action.REWORK, at=at,
                         joint=True, reason=note, deadline=after.deadline)
    if action in (PartAction.REPLY, PartAction.RETURN) and status is Status.DISPATCHED:
        session.flush()
        rows = joint_queries.parts_of(session, case.id)
        if joint.case_handled(_part(r) for r in rows):
            return cases.act(session, actor, case.id, case.version, Action.MARK_HANDLED,
                             at=at, joint=True, note=note)
    return None


def department_parts(session: Session, department_id: int,
                     viewer: Actor | None) -> list[tuple[int, PartView]]:
    """A department's parts still open, as (case id, part), soonest deadline first: its share
    of joint cases, lead or assisting; replies as `viewer` may see them (None: masked)."""
    rows = session.execute(select(CaseDepartment, Case.reporter_phone, DisputeRuling.department_id)
                           .join(Case, Case.id == CaseDepartment.case_id)
                           .outerjoin(DisputeRuling, DisputeRuling.case_id == Case.id).where(
        CaseDepartment.department_id == department_id,
        CaseDepartment.state.in_([s.value for s in joint.LIVE]))
        .order_by(CaseDepartment.deadline)).all()
    role = role_now(session, viewer)
    department = session.get(Department, department_id)
    name = department.name if department is not None else ""
    return [(r.case_id, _view(r, name, role, caller, owner)) for r, caller, owner in rows]
