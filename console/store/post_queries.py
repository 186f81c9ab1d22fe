"""SQL of the posts' evaluation (岗位评价): who at the desk did each dispatch, and whether the
department sent it back as not theirs (回退) — the reference's 准确派遣率 per dispatcher.

Posts are people, and a case's columns keep only its latest dispatch, so this reads the events:
the dispatches and returns of the cases reported within LOOKBACK before the period (the
reported_at index bounds the scan, as the other evaluation counts do; the events come through
their case index). A dispatch in [start, upto) is correct unless the case's next dispatch-or-
return event, before `upto`, is a return.
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


def dispatches(session: Session, start: datetime, upto: datetime, scope: Scope | None = None
               ) -> list[tuple[int, int, bool]]:
    """(actor user id, case id, returned) for every dispatch in [start, upto)."""
    rows = session.execute(
        select(CaseEvent.case_id, CaseEvent.action, CaseEvent.actor_id, CaseEvent.at)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(Case.reported_at >= start - LOOKBACK, Case.reported_at < upto,
               CaseEvent.action.in_(("dispatch", "return")), *scoped(scope))
        .order_by(CaseEvent.case_id, CaseEvent.id)).all()
    out = []
    for i, (case_id, action, actor_id, at) in enumerate(rows):
        if action != "dispatch" or actor_id is None or not start <= at < upto:
            continue
        nxt = rows[i + 1] if i + 1 < len(rows) and rows[i + 1][0] == case_id else None
        out.append((actor_id, case_id, nxt is not None and nxt[1] == "return" and nxt[3] < upto))
    return out


def dispatcher_counts(session: Session, start: datetime, upto: datetime,
                      scope: Scope | None = None) -> dict[int, dict[str, int]]:
    """Per desk user: dispatched, and dispatched_correctly (not returned)."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"dispatched": 0,
                                                          "dispatched_correctly": 0})
    for actor_id, _, returned in dispatches(session, start, upto, scope):
        out[actor_id]["dispatched"] += 1
        out[actor_id]["dispatched_correctly"] += not returned
    return dict(out)


def dispatcher_cases(session: Session, user_id: int, count: str, start: datetime,
                     upto: datetime, scope: Scope | None = None) -> list[dict[str, Any]]:
    """The cases behind one dispatcher's count (dispatched or dispatched_correctly)."""
    ids = {case_id for actor_id, case_id, returned in dispatches(session, start, upto, scope)
           if actor_id == user_id and (count == "dispatched" or not returned)}
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
