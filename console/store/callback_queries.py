"""SQL of the hotline follow-up: the call-back queue, 满意度 counts per unit, a caller's cases."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from console.domain.callbacks import REACHED, SATISFIED, Rework
from console.domain.workflow import OPEN
from console.store.evaluation_queries import Scope
from console.store.models import (Callback, Case, Category, Cell, Community, Department,
                                  HotlineCall, Street)

_QUEUE_COLUMNS = (Callback.id, Callback.version, Callback.case_id, Callback.closed_at,
                  Callback.due_at, Callback.outcome, Callback.note, Callback.done_at,
                  Callback.done_by_name, Callback.rework, Callback.rework_reason,
                  Case.number, Case.version.label("case_version"), Case.status, Case.source,
                  Case.address, Case.reporter_name, Case.reporter_phone,
                  Category.name.label("category"), Department.name.label("department"),
                  Street.name.label("street"))

def _with_names(stmt):
    return (stmt.join(Case, Case.id == Callback.case_id)
            .join(Category, Category.code == Case.category_code)
            .outerjoin(Department, Department.id == Callback.department_id)
            .outerjoin(Cell, Cell.id == Case.cell_id)
            .outerjoin(Community, Community.id == Cell.community_id)
            .outerjoin(Street, Street.id == Community.street_id))

def queue_rows(session: Session, *, done_since: datetime | None = None,
               limit: int = 500) -> list[Any]:
    """Call-backs to make (oldest due first), those waiting for a leader's decision on rework,
    and — with `done_since` — the ones answered since then (newest first)."""
    waiting = or_(Callback.done_at.is_(None), Callback.rework == Rework.REQUESTED.value)
    cond = waiting if done_since is None else or_(waiting, Callback.done_at >= done_since)
    stmt = _with_names(select(*_QUEUE_COLUMNS)).where(cond).order_by(
        Callback.done_at.is_not(None), Callback.due_at, Callback.id).limit(limit)
    return list(session.execute(stmt))

def overdue_count(session: Session, now: datetime) -> int:
    """Call-backs not made whose time has passed (the ix_callbacks_open index)."""
    return session.scalar(select(func.count()).select_from(Callback).where(
        Callback.done_at.is_(None), Callback.due_at < now)) or 0

def overdue_callbacks(session: Session, now: datetime) -> list[Any]:
    """(call-back id, case id, case number, category name, due) of every call-back not made
    whose time has passed, oldest due first (the alert engine's 回访超期)."""
    return list(session.execute(
        select(Callback.id, Callback.case_id, Case.number, Category.name, Callback.due_at)
        .join(Case, Case.id == Callback.case_id)
        .join(Category, Category.code == Case.category_code)
        .where(Callback.done_at.is_(None), Callback.due_at < now)
        .order_by(Callback.due_at, Callback.id)))

def next_due(session: Session, now: datetime) -> datetime | None:
    """The earliest due time, not yet passed, of a call-back not made."""
    return session.scalar(select(func.min(Callback.due_at)).where(
        Callback.done_at.is_(None), Callback.due_at >= now))

def _scoped(stmt, scope: Scope | None):
    if scope is None:
        return stmt
    conds = []
    if scope.streets:
        conds.append(Community.street_id.in_(scope.streets))
    if scope.communities:
        conds.append(Cell.community_id.in_(scope.communities))
    if scope.cells:
        conds.append(Case.cell_id.in_(scope.cells))
    if scope.categories:
        conds.append(Case.category_code.in_(scope.categories))
    if scope.departments:
        conds.append(Callback.department_id.in_(scope.departments))
    return stmt.where(*conds) if conds else stmt

def satisfaction_counts(session: Session, start: datetime, upto: datetime,
                        scope: Scope | None = None) -> list[dict[str, Any]]:
    """Call-backs answered in [start, upto): per (department, community, street) the citizens
    reached (`callbacks_reached`) and those satisfied or basically satisfied
    (`callbacks_satisfied`). A few rows per unit; the levels are sums of them."""
    satisfied = func.coalesce(func.sum(case(
        (Callback.outcome.in_([o.value for o in SATISFIED]), 1), else_=0)), 0)
    reached = func.coalesce(func.sum(case(
        (Callback.outcome.in_([o.value for o in REACHED]), 1), else_=0)), 0)
    stmt = (select(Callback.department_id, Cell.community_id, Community.street_id,
                   satisfied.label("callbacks_satisfied"), reached.label("callbacks_reached"))
            .join(Case, Case.id == Callback.case_id)
            .outerjoin(Cell, Cell.id == Case.cell_id)
            .outerjoin(Community, Community.id == Cell.community_id)
            .where(Callback.done_at >= start, Callback.done_at < upto)
            .group_by(Callback.department_id, Cell.community_id, Community.street_id))
    return [dict(r._mapping) for r in session.execute(_scoped(stmt, scope))]

def caller_cases(session: Session, phone: str, limit: int) -> list[Any]:
    """The cases a number reported or called about again, newest first, with its repeat calls."""
    linked = select(HotlineCall.case_id).where(HotlineCall.phone == phone)
    calls = (select(HotlineCall.case_id, func.count().label("calls"),
                    func.max(HotlineCall.at).label("last_call"))
             .where(HotlineCall.phone == phone).group_by(HotlineCall.case_id).subquery())
    stmt = (select(Case.id, Case.number, Case.version, Case.status, Case.address,
                   Case.description, Case.reported_at, Case.reporter_phone,
                   Category.name.label("category"),
                   func.coalesce(calls.c.calls, 0).label("calls"), calls.c.last_call)
            .join(Category, Category.code == Case.category_code)
            .outerjoin(calls, calls.c.case_id == Case.id)
            .where(or_(Case.reporter_phone == phone, Case.id.in_(linked)))
            .order_by(Case.reported_at.desc(), Case.id.desc()).limit(limit))
    return list(session.execute(stmt))

def caller_totals(session: Session, phone: str) -> tuple[int, int, datetime | None]:
    """(calls, open cases, last call) of a number over all time: its reports and repeat calls."""
    reports, last_report = session.execute(
        select(func.count(), func.max(Case.reported_at)).where(Case.reporter_phone == phone)).one()
    repeats, last_repeat = session.execute(
        select(func.count(), func.max(HotlineCall.at)).where(HotlineCall.phone == phone)).one()
    linked = select(HotlineCall.case_id).where(HotlineCall.phone == phone)
    open_cases = session.scalar(select(func.count()).select_from(Case).where(
        or_(Case.reporter_phone == phone, Case.id.in_(linked)),
        Case.status.in_([s.value for s in OPEN]))) or 0
    last = max((t for t in (last_report, last_repeat) if t is not None), default=None)
    return int(reports) + int(repeats), int(open_cases), last


#: The counts 满意度 is made of (services/evaluation.py PARTS).
SATISFACTION_PARTS = {"callbacks_satisfied": SATISFIED, "callbacks_reached": REACHED}


def callback_cases(session: Session, level: str, unit_id: int, count: str, start: datetime,
                   upto: datetime, scope: Scope | None = None, limit: int = 5000
                   ) -> list[dict[str, Any]]:
    """The cases behind a 满意度 count of one unit, as evaluation_queries.cases_of lists them."""
    unit = {"department": Callback.department_id, "community": Cell.community_id,
            "street": Community.street_id}[level]
    stmt = (select(Case.id, Case.number, Case.category_code, Case.status, Case.reported_at,
                   Case.deadline, Case.handled_at, Case.closed_at, Case.address)
            .join(Callback, Callback.case_id == Case.id)
            .outerjoin(Cell, Cell.id == Case.cell_id)
            .outerjoin(Community, Community.id == Cell.community_id)
            .where(unit == unit_id, Callback.done_at >= start, Callback.done_at < upto,
                   Callback.outcome.in_([o.value for o in SATISFACTION_PARTS[count]]))
            .order_by(Case.reported_at.desc(), Case.id.desc()).limit(limit))
    return [dict(r._mapping) for r in session.execute(_scoped(stmt, scope))]
