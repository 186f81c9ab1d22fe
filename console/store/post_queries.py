"""SQL of the posts' evaluation (岗位评价) of the desk: what each receiver (受理员), shift leader
(值班长) and dispatcher (派遣员) did, on time and correctly.

Posts are people, and a case's columns keep only its latest step, so this reads the events of
the cases reported within LOOKBACK before the period (the reported_at index bounds the scan, as
the other evaluation counts do; the events come through their case index). Counted per actor,
for events in [start, upto):

- 准确派遣率 (the reference's): a dispatch is correct unless the case's next dispatch-or-return
  event, before `upto`, is a return (回退: the department says it is not theirs).
- 按时受理率, 按时立案率, 按时派遣率: an event that ends one of the centre's own stages records
  `centre_stage = {key, on_time}` (services/cases.py). 受理 ends the verify_send stage (核实派出,
  or a rejection), 立案 the register stage (a registration or a refusal to register), 派遣 the
  dispatch stage. A stage with no limit records nothing and is not counted.
- 准确立案率: a registration is correct unless the case is cancelled (作废) afterwards, before
  `upto` — registered in error.

The reference defines only 准确派遣率 of these; the other four are defined here and in
console/domain/evaluation.py's SUPPLEMENT, where the tooltips read them.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.roles import Role
from console.store.evaluation_queries import LIST_LIMIT, LOOKBACK, Scope, scoped
from console.store.models import Case, CaseEvent, User

#: The roles whose people are evaluated as dispatchers.
DESK_ROLES = (Role.DISPATCHER.value, Role.LEADER.value, Role.ADMIN.value)


#: The per-actor counts: 受理, 立案 and 派遣 decisions (on time or not), registrations (correct or
#: not) and dispatches (correct or not).
DESK_COUNTS = ("accepted", "accepted_on_time", "register_decisions", "registered_on_time",
               "desk_registered", "registered_correctly", "dispatch_decisions",
               "dispatched_on_time", "dispatched", "dispatched_correctly")
#: centre_stage key → the counts an event ending it adds to (all, on time).
_STAGE_COUNTS = {"verify_send": ("accepted", "accepted_on_time"),
                 "register": ("register_decisions", "registered_on_time"),
                 "dispatch": ("dispatch_decisions", "dispatched_on_time")}
_ACTIONS = ("request_verify", "register", "reject", "dispatch", "return", "cancel", "refute")


def desk_events(session: Session, start: datetime, upto: datetime, scope: Scope | None = None
                ) -> list[tuple[int, int, str]]:
    """(actor user id, case id, count) for every count an event in [start, upto) adds to (in
    no particular order)."""
    rows = session.execute(
        select(CaseEvent.case_id, CaseEvent.action, CaseEvent.actor_id, CaseEvent.at,
               CaseEvent.data)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(Case.reported_at >= start - LOOKBACK, Case.reported_at < upto,
               CaseEvent.action.in_(_ACTIONS), *scoped(scope))
        .order_by(CaseEvent.case_id, CaseEvent.id)).all()
    out = []
    end = len(rows)          # where the current case's events end (rows are by case, then id)
    for i in range(len(rows) - 1, -1, -1):
        if i + 1 < len(rows) and rows[i + 1][0] != rows[i][0]:
            end = i + 1
        case_id, action, actor_id, at, data = rows[i]
        if actor_id is None or not start <= at < upto:
            continue
        later = [r for r in rows[i + 1:end] if r[3] < upto]
        stage = (data or {}).get("centre_stage")
        if isinstance(stage, dict) and stage.get("key") in _STAGE_COUNTS:
            every, on_time = _STAGE_COUNTS[stage["key"]]
            out.append((actor_id, case_id, every))
            if stage.get("on_time") is True:
                out.append((actor_id, case_id, on_time))
        if action == "register":
            out.append((actor_id, case_id, "desk_registered"))
            if not any(r[1] == "cancel" for r in later):
                out.append((actor_id, case_id, "registered_correctly"))
        elif action == "dispatch":
            out.append((actor_id, case_id, "dispatched"))
            nxt = next((r for r in later if r[1] in ("dispatch", "return")), None)
            if nxt is None or nxt[1] != "return":
                out.append((actor_id, case_id, "dispatched_correctly"))
    return out


def dispatcher_counts(session: Session, start: datetime, upto: datetime,
                      scope: Scope | None = None) -> dict[int, dict[str, int]]:
    """Per desk user: every count of DESK_COUNTS."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(DESK_COUNTS, 0))
    for actor_id, _, count in desk_events(session, start, upto, scope):
        out[actor_id][count] += 1
    return dict(out)


def dispatcher_cases(session: Session, user_id: int, count: str, start: datetime,
                     upto: datetime, scope: Scope | None = None) -> list[dict[str, Any]]:
    """The cases behind one desk user's count (one of DESK_COUNTS)."""
    ids = {case_id for actor_id, case_id, c in desk_events(session, start, upto, scope)
           if actor_id == user_id and c == count}
    if not ids:
        return []
    stmt = (select(Case.id, Case.number, Case.category_code, Case.status, Case.reported_at,
                   Case.deadline, Case.handled_at, Case.closed_at, Case.address)
            .where(Case.id.in_(sorted(ids)[:LIST_LIMIT]))
            .order_by(Case.reported_at.desc(), Case.id.desc()))
    return [dict(r._mapping) for r in session.execute(stmt)]


def dispatcher_names(session: Session) -> dict[int, str]:
    """Every desk user by id → display name."""
    return dict(session.execute(select(User.id, User.display_name)
                                .where(User.role.in_(DESK_ROLES))).all())
