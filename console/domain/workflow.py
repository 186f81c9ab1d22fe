"""The 数字城管 case workflow as an explicit state machine.

`perform` checks an action against the case's state and the actor's role and returns the
new state with the data to record; `apply` replays a recorded event without checks. Both
share one code path, so the append-only events always replay to the stored case.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from console.domain.errors import DomainError
from console.domain.limits import check_text
from console.domain.permissions import roles_with
from console.domain.roles import Role


class Status(StrEnum):
    REPORTED = "reported"        # 上报 — 待受理
    VERIFYING = "verifying"      # 核实中 — 待核实: a patrol officer is verifying it on site
    VERIFIED = "verified"        # 核实属实 — ready for 立案
    REGISTERED = "registered"    # 立案 — 待派遣
    REJECTED = "rejected"        # 不予立案
    DISPATCHED = "dispatched"    # 派遣 — 处置中
    HANDLED = "handled"          # 处置完成/反馈 — 待核查
    CHECKING = "checking"        # 核查中
    CLOSED = "closed"            # 结案
    PARKED = "parked"            # 挂账
    CANCELLED = "cancelled"      # 作废


TERMINAL: frozenset[Status] = frozenset({Status.REJECTED, Status.CLOSED, Status.CANCELLED})
OPEN: frozenset[Status] = frozenset(Status) - TERMINAL
#: States in which a deadline runs against a department.
RUNNING: frozenset[Status] = frozenset({Status.DISPATCHED})


class Action(StrEnum):
    REPORT = "report"
    REQUEST_VERIFY = "request_verify"        # 核实派出: to a patrol officer, on site
    CONFIRM = "confirm"                      # 核实属实
    REFUTE = "refute"                        # 核实不属实 → 作废
    REGISTER = "register"
    REJECT = "reject"
    DISPATCH = "dispatch"
    RETURN = "return"                        # 回退: the department says it is not theirs
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    DENY_EXTENSION = "deny_extension"
    MARK_HANDLED = "mark_handled"
    REQUEST_CHECK = "request_check"
    CLOSE = "close"
    REWORK = "rework"                        # 返工
    REOPEN = "reopen"                        # 回访不满意: a closed case back to rework (leader)
    PARK = "park"                            # 挂账
    RESUME = "resume"
    CANCEL = "cancel"                        # 作废
    ADD_NOTE = "add_note"


@dataclass(frozen=True)
class Transition:
    """One action: where it may start, where it leads (None = stays), who may do it, what it needs."""

    action: Action
    sources: frozenset[Status]
    target: Status | None
    roles: frozenset[Role]
    needs: frozenset[str] = frozenset()


def _t(action: Action, sources: set[Status], target: Status | None, *needs: str) -> Transition:
    # Who may: the one permission table, whose workflow rows carry the actions' names.
    return Transition(action, frozenset(sources), target, roles_with(action.value),
                      frozenset(needs))


S = Status
TRANSITIONS: dict[Action, Transition] = {t.action: t for t in (
    _t(Action.REQUEST_VERIFY, {S.REPORTED, S.VERIFYING}, S.VERIFYING, "patrol"),
    _t(Action.CONFIRM, {S.VERIFYING}, S.VERIFIED),
    _t(Action.REFUTE, {S.VERIFYING}, S.CANCELLED, "reason"),
    _t(Action.REGISTER, {S.REPORTED, S.VERIFIED}, S.REGISTERED),
    _t(Action.REJECT, {S.REPORTED, S.VERIFIED}, S.REJECTED, "reason"),
    _t(Action.DISPATCH, {S.REGISTERED}, S.DISPATCHED, "department", "deadline"),
    _t(Action.RETURN, {S.DISPATCHED}, S.REGISTERED, "reason"),
    _t(Action.REQUEST_EXTENSION, {S.DISPATCHED}, None, "reason", "deadline"),
    _t(Action.APPROVE_EXTENSION, {S.DISPATCHED}, None),
    _t(Action.DENY_EXTENSION, {S.DISPATCHED}, None, "reason"),
    _t(Action.MARK_HANDLED, {S.DISPATCHED}, S.HANDLED),
    _t(Action.REQUEST_CHECK, {S.HANDLED}, S.CHECKING, "patrol"),
    _t(Action.CLOSE, {S.CHECKING}, S.CLOSED),
    _t(Action.REWORK, {S.HANDLED, S.CHECKING}, S.DISPATCHED, "reason", "deadline"),
    _t(Action.REOPEN, {S.CLOSED}, S.DISPATCHED, "reason", "deadline"),
    _t(Action.PARK, {S.REGISTERED, S.DISPATCHED}, S.PARKED, "reason"),
    _t(Action.RESUME, {S.PARKED}, S.REGISTERED),
    _t(Action.CANCEL, {S.REPORTED, S.VERIFYING, S.VERIFIED, S.REGISTERED, S.DISPATCHED, S.PARKED},
       S.CANCELLED, "reason"),
    _t(Action.ADD_NOTE, set(Status), None, "note"),
)}
#: Who may put a new case into the system.
REPORTER_ROLES: frozenset[Role] = roles_with(Action.REPORT.value)


@dataclass(frozen=True)
class CaseState:
    """The workflow-relevant part of a case; what the events replay to."""

    status: Status = Status.REPORTED
    category_code: str = ""
    department_id: int | None = None
    deadline: datetime | None = None
    dispatched_at: datetime | None = None
    handled_at: datetime | None = None
    closed_at: datetime | None = None
    requested_deadline: datetime | None = None   # an extension waiting for approval
    check_patrol_id: int | None = None
    verify_patrol_id: int | None = None
    rework_count: int = 0
    extension_count: int = 0
    return_count: int = 0
    version: int = 1


def allowed_actions(status: Status, role: Role, *, extension_pending: bool = False) -> list[Action]:
    """The actions `role` may take on a case in `status`, in workflow order."""
    out = []
    for action, t in TRANSITIONS.items():
        if status in t.sources and role in t.roles:
            if action in (Action.APPROVE_EXTENSION, Action.DENY_EXTENSION) and not extension_pending:
                continue
            if action is Action.REQUEST_EXTENSION and extension_pending:
                continue
            out.append(action)
    return out


def parse_action(action: Action | str) -> Action:
    """The action named `action`; DomainError('unknown_action') for a name that is none."""
    if isinstance(action, Action):
        return action
    try:
        return Action(action)
    except ValueError:
        raise DomainError("unknown_action", action=str(action)[:64]) from None


def perform(state: CaseState, action: Action | str, role: Role | str, *, at: datetime,
            reason: str | None = None, note: str | None = None, department_id: int | None = None,
            deadline: datetime | None = None, patrol_id: int | None = None,
            category_code: str | None = None, needs_verification: bool = False,
            ) -> tuple[CaseState, dict[str, Any]]:
    """Check `action` by `role` on `state`; return the new state and the event data to record.

    `needs_verification`: the case came from a source whose reports are verified on site
    before 立案 (a shared setting the service reads); such a case is registered only once
    verified (any report may be sent for verification)."""
    action = parse_action(action)
    role = role if isinstance(role, Role) else Role(role)
    t = TRANSITIONS.get(action)
    if t is None:
        raise DomainError("unknown_action", action=str(action))
    if state.status not in t.sources:
        raise DomainError("action_not_allowed_in_state", action=action.value,
                          status=state.status.value)
    if role not in t.roles:
        raise DomainError("role_not_allowed", action=action.value, role=role.value)
    if action is Action.REGISTER and state.status is Status.REPORTED and needs_verification:
        raise DomainError("verification_required")
    # The trail is append-only: what is refused here can never be taken out again.
    reason = check_text("reason", reason, optional=True)
    note = check_text("note", note, optional=True)
    if "reason" in t.needs and not reason:
        raise DomainError("reason_required", action=action.value)
    if "note" in t.needs and not note:
        raise DomainError("note_required")
    if "department" in t.needs and department_id is None and state.department_id is None:
        raise DomainError("department_required")
    if "patrol" in t.needs and patrol_id is None:
        raise DomainError("patrol_required")
    if "deadline" in t.needs:
        if deadline is None:
            raise DomainError("deadline_required", action=action.value)
        if deadline <= at:
            raise DomainError("deadline_in_past", deadline=deadline.isoformat(timespec="minutes"))
    if action is Action.REQUEST_EXTENSION:
        if state.requested_deadline is not None:
            raise DomainError("extension_already_requested")
        if state.deadline is not None and deadline is not None and deadline <= state.deadline:
            raise DomainError("extension_not_later",
                              deadline=state.deadline.isoformat(timespec="minutes"))
    if action in (Action.APPROVE_EXTENSION, Action.DENY_EXTENSION) and state.requested_deadline is None:
        raise DomainError("extension_not_requested")

    data: dict[str, Any] = {}
    if reason:
        data["reason"] = reason
    if note:
        data["note"] = note
    if action is Action.REGISTER and category_code and category_code != state.category_code:
        data["category_code"] = category_code
    if action is Action.DISPATCH:
        data["department_id"] = department_id if department_id is not None else state.department_id
    if deadline is not None and "deadline" in t.needs:
        data["deadline"] = deadline.isoformat()
    if action in (Action.REQUEST_CHECK, Action.REQUEST_VERIFY):
        data["patrol_id"] = patrol_id
    return apply(state, action, data, at), data


def apply(state: CaseState, action: Action | str, data: dict[str, Any], at: datetime) -> CaseState:
    """Replay one recorded event onto `state` (no checks: it was checked when recorded)."""
    action = action if isinstance(action, Action) else Action(action)
    t = TRANSITIONS.get(action)
    changes: dict[str, Any] = {"version": state.version + 1}
    if t is not None and t.target is not None:
        changes["status"] = t.target
    deadline = datetime.fromisoformat(data["deadline"]) if "deadline" in data else None
    match action:
        case Action.REGISTER:
            if "category_code" in data:
                changes["category_code"] = data["category_code"]
        case Action.DISPATCH:
            changes.update(department_id=data["department_id"], deadline=deadline,
                           dispatched_at=at, requested_deadline=None)
        case Action.RETURN:
            changes.update(department_id=None, deadline=None, dispatched_at=None,
                           requested_deadline=None, return_count=state.return_count + 1)
        case Action.REQUEST_EXTENSION:
            changes["requested_deadline"] = deadline
        case Action.APPROVE_EXTENSION:
            changes.update(deadline=state.requested_deadline, requested_deadline=None,
                           extension_count=state.extension_count + 1)
        case Action.DENY_EXTENSION:
            changes["requested_deadline"] = None
        case Action.MARK_HANDLED:
            changes.update(handled_at=at, requested_deadline=None)
        case Action.REQUEST_CHECK:
            changes["check_patrol_id"] = data["patrol_id"]
        case Action.REQUEST_VERIFY:
            changes["verify_patrol_id"] = data["patrol_id"]
        case Action.CLOSE:
            changes["closed_at"] = at
        case Action.REWORK:
            changes.update(deadline=deadline, dispatched_at=at, handled_at=None,
                           check_patrol_id=None, rework_count=state.rework_count + 1)
        case Action.REOPEN:
            changes.update(deadline=deadline, dispatched_at=at, handled_at=None, closed_at=None,
                           check_patrol_id=None, rework_count=state.rework_count + 1)
        case Action.PARK | Action.CANCEL:   # a pending extension dies with the dispatch
            changes["requested_deadline"] = None
    return _replace(state, changes)


def _replace(state: CaseState, changes: dict[str, Any]) -> CaseState:
    # dataclasses.replace re-runs __init__ through field introspection; this is called for
    # every event of months of generated history, so copy the instance dict directly.
    new = object.__new__(CaseState)
    new.__dict__.update(state.__dict__)
    new.__dict__.update(changes)
    return new


def replay(category_code: str, events: list[tuple[str, dict[str, Any], datetime]]) -> CaseState:
    """Rebuild a case's state from its events (the first must be the report)."""
    state = CaseState(category_code=category_code, version=0)
    for action, data, at in events:
        if action == Action.REPORT:
            state = replace(state, status=Status.REPORTED, version=state.version + 1,
                            category_code=data.get("category_code", category_code))
        elif action in _ACTION_NAMES:
            state = apply(state, action, data, at)
        # Other events are a joint case's department parts (console/domain/joint.py): the
        # trail keeps them, the case's own state does not change with them.
    return state


_ACTION_NAMES = frozenset(a.value for a in Action)
