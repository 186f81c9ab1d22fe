"""Joint enforcement (联合执法): one case, a lead department (主办) and assisting ones (协办).

Each department's part has its own small state machine, deadline and reply; the case is
handled when the lead has handled its part and every assisting department still on the case
has replied. A part returned as not-ours (回退) drops out: it no longer holds the case up.
Pure: the service (console/services/joint_cases.py) stores the parts and drives the case.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from console.domain.errors import DomainError
from console.domain.limits import check_text
from console.domain.roles import Role


class PartRole(StrEnum):
    LEAD = "lead"        # 主办
    ASSIST = "assist"    # 协办


class PartState(StrEnum):
    DISPATCHED = "dispatched"   # 已派遣: not yet taken up
    HANDLING = "handling"       # 处置中
    HANDLED = "handled"         # 主办: 处置完成
    REPLIED = "replied"         # 协办: 已回复
    RETURNED = "returned"       # 回退: not ours
    WITHDRAWN = "withdrawn"     # the whole case went back for re-dispatch (the lead returned it)


#: Parts that still hold the case up.
LIVE: frozenset[PartState] = frozenset({PartState.DISPATCHED, PartState.HANDLING})
#: Parts that are still on the case (a department's work may yet be sent back for rework).
ON_CASE: frozenset[PartState] = LIVE | {PartState.HANDLED, PartState.REPLIED}


class PartAction(StrEnum):
    ACCEPT = "part_accept"                       # 签收: the department takes its part up
    REPLY = "part_reply"                         # 主办 处置完成 / 协办 回复
    RETURN = "part_return"                       # 回退: not ours
    REQUEST_EXTENSION = "part_request_extension"
    APPROVE_EXTENSION = "part_approve_extension"
    DENY_EXTENSION = "part_deny_extension"
    REWORK = "part_rework"                       # 返工: the desk sends the part back


class DisputeAction(StrEnum):
    RULE = "dispute_rule"        # 执法调处: the duty leader rules who owns a disputed case


_DEPARTMENT = frozenset({Role.DEPARTMENT})
_COMMAND = frozenset({Role.LEADER, Role.ADMIN})
_DESK = frozenset({Role.DISPATCHER, Role.LEADER, Role.ADMIN})
S = PartState
#: action → (states it may start in, roles that may take it).
RULES: dict[PartAction, tuple[frozenset[PartState], frozenset[Role]]] = {
    PartAction.ACCEPT: (frozenset({S.DISPATCHED}), _DEPARTMENT),
    PartAction.REPLY: (LIVE, _DEPARTMENT),
    PartAction.RETURN: (LIVE, _DEPARTMENT),
    PartAction.REQUEST_EXTENSION: (LIVE, _DEPARTMENT),
    PartAction.APPROVE_EXTENSION: (LIVE, _COMMAND),
    PartAction.DENY_EXTENSION: (LIVE, _COMMAND),
    PartAction.REWORK: (frozenset({S.HANDLED, S.REPLIED}), _DESK),
}


@dataclass(frozen=True)
class Part:
    """One department's part of a joint case."""

    department_id: int
    role: PartRole
    state: PartState = PartState.DISPATCHED
    deadline: datetime | None = None
    requested_deadline: datetime | None = None
    reply: str | None = None
    replied_at: datetime | None = None
    returns: int = 0
    rework_count: int = 0
    extension_count: int = 0
    version: int = 1


def allowed(part: Part, role: Role) -> list[PartAction]:
    """The actions `role` may take on `part` now, in order."""
    out = []
    for action, (sources, roles) in RULES.items():
        if part.state not in sources or role not in roles:
            continue
        pending = part.requested_deadline is not None
        if action in (PartAction.APPROVE_EXTENSION, PartAction.DENY_EXTENSION) and not pending:
            continue
        if action is PartAction.REQUEST_EXTENSION and pending:
            continue
        out.append(action)
    return out


def perform(part: Part, action: PartAction | str, role: Role | str, *, at: datetime,
            reply: str | None = None, reason: str | None = None,
            deadline: datetime | None = None, may_return: bool = True
            ) -> tuple[Part, dict[str, Any]]:
    """Check `action` by `role` on `part`; the new part and the event data to record.

    `may_return`: False once the duty leader has ruled that this department owns the case."""
    try:
        action = PartAction(action)
    except ValueError:
        raise DomainError("unknown_action", action=str(action)[:64]) from None
    role = Role(role)
    sources, roles = RULES[action]
    if part.state not in sources:
        raise DomainError("part_action_not_allowed", action=action.value, state=part.state.value)
    if role not in roles:
        raise DomainError("role_not_allowed", action=action.value, role=role.value)
    reply = check_text("note", reply, optional=True)
    reason = check_text("reason", reason, optional=True)
    data: dict[str, Any] = {"department_id": part.department_id, "part_role": part.role.value}
    if action is PartAction.REPLY:
        if not reply:
            raise DomainError("reply_required")
        data["reply"] = reply
    if action in (PartAction.RETURN, PartAction.REQUEST_EXTENSION, PartAction.DENY_EXTENSION,
                  PartAction.REWORK):
        if not reason:
            raise DomainError("reason_required", action=action.value)
        data["reason"] = reason
    if action is PartAction.RETURN and not may_return:
        raise DomainError("ruled_owner_cannot_return")
    if action in (PartAction.REQUEST_EXTENSION, PartAction.REWORK):
        if deadline is None:
            raise DomainError("deadline_required", action=action.value)
        if deadline <= at:
            raise DomainError("deadline_in_past", deadline=deadline.isoformat(timespec="minutes"))
        if (action is PartAction.REQUEST_EXTENSION and part.deadline is not None
                and deadline <= part.deadline):
            raise DomainError("extension_not_later",
                              deadline=part.deadline.isoformat(timespec="minutes"))
        data["deadline"] = deadline.isoformat()
    if action in (PartAction.APPROVE_EXTENSION, PartAction.DENY_EXTENSION) and \
            part.requested_deadline is None:
        raise DomainError("extension_not_requested")
    if action is PartAction.REQUEST_EXTENSION and part.requested_deadline is not None:
        # One request awaits the leader's decision: a second would replace it unseen.
        raise DomainError("extension_already_requested")
    return apply(part, action, data, at), data


def apply(part: Part, action: PartAction | str, data: dict[str, Any], at: datetime) -> Part:
    """Replay one recorded part event (no checks: it was checked when recorded)."""
    action = PartAction(action)
    deadline = datetime.fromisoformat(data["deadline"]) if "deadline" in data else None
    v = part.version + 1
    match action:
        case PartAction.ACCEPT:
            return replace(part, state=S.HANDLING, version=v)
        case PartAction.REPLY:
            done = S.HANDLED if part.role is PartRole.LEAD else S.REPLIED
            return replace(part, state=done, reply=data["reply"], replied_at=at,
                           requested_deadline=None, version=v)
        case PartAction.RETURN:
            return replace(part, state=S.RETURNED, returns=part.returns + 1,
                           requested_deadline=None, version=v)
        case PartAction.REQUEST_EXTENSION:
            return replace(part, requested_deadline=deadline, version=v)
        case PartAction.APPROVE_EXTENSION:
            return replace(part, deadline=part.requested_deadline, requested_deadline=None,
                           extension_count=part.extension_count + 1, version=v)
        case PartAction.DENY_EXTENSION:
            return replace(part, requested_deadline=None, version=v)
        case PartAction.REWORK:
            return replace(part, state=S.HANDLING, deadline=deadline, reply=None,
                           replied_at=None, rework_count=part.rework_count + 1, version=v)
    raise AssertionError(action)


def withdraw(part: Part) -> Part:
    """The lead returned the case: every part still on it leaves with it."""
    if part.state in ON_CASE:
        return replace(part, state=S.WITHDRAWN, requested_deadline=None, version=part.version + 1)
    return part


def case_handled(parts: Iterable[Part]) -> bool:
    """Whether the case is handled: the lead handled, every assisting department on it replied."""
    parts = list(parts)
    leads = [p for p in parts if p.role is PartRole.LEAD]
    if len(leads) != 1 or leads[0].state is not S.HANDLED:
        return False
    return all(p.state is S.REPLIED for p in parts
               if p.role is PartRole.ASSIST and p.state in ON_CASE)


def new_parts(lead_id: int, assist_ids: Iterable[int], deadline: datetime,
              assist_deadline: datetime | None = None) -> list[Part]:
    """The parts of a joint dispatch; DomainError if a department is named twice."""
    assists = list(assist_ids)
    if lead_id in assists or len(set(assists)) != len(assists):
        raise DomainError("department_named_twice")
    return [Part(lead_id, PartRole.LEAD, deadline=deadline)] + [
        Part(d, PartRole.ASSIST, deadline=assist_deadline or deadline) for d in assists]
