"""SQL of a joint operation's after-action summary (联合执法行动): the cases reported in its
scope and window, and the departments' parts of those that were dispatched jointly."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from console.domain.workflow import Status
from console.store.evaluation_queries import Scope, scoped
from console.store.models import Case, CaseDepartment, Department

#: Reports that never became cases (不予立案, 作废) were not found by the operation.
_NOT_FOUND = (Status.REJECTED.value, Status.CANCELLED.value)


def _found(scope: Scope, start: datetime, upto: datetime):
    return and_(Case.reported_at >= start, Case.reported_at <= upto,
                Case.status.not_in(_NOT_FOUND), *scoped(scope))


def found_cases(session: Session, scope: Scope, start: datetime, upto: datetime) -> list[tuple]:
    """(id, source, department id, dispatched, handled, closed, deadline) of the cases
    reported in the scope during [start, upto]."""
    return [tuple(r) for r in session.execute(
        select(Case.id, Case.source, Case.department_id, Case.dispatched_at, Case.handled_at,
               Case.closed_at, Case.deadline).where(_found(scope, start, upto)))]


def parts_of_found(session: Session, scope: Scope, start: datetime,
                   upto: datetime) -> list[tuple]:
    """(case id, department id, role, state, dispatched, deadline, replied) of every
    department's part of those cases dispatched jointly (主办 and 协办)."""
    return [tuple(r) for r in session.execute(
        select(CaseDepartment.case_id, CaseDepartment.department_id, CaseDepartment.role,
               CaseDepartment.state, CaseDepartment.dispatched_at, CaseDepartment.deadline,
               CaseDepartment.replied_at)
        .join(Case, Case.id == CaseDepartment.case_id).where(_found(scope, start, upto)))]


def department_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return dict(session.execute(select(Department.id, Department.name)
                                .where(Department.id.in_(ids))).all())
