"""Storage of joint cases' parts (case_departments) and of the leader's dispute rulings."""
from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from console.domain.joint import LIVE, ON_CASE
from console.store.models import Case, CaseDepartment, DisputeRuling

_ON_CASE = tuple(s.value for s in ON_CASE)
_LIVE = tuple(s.value for s in LIVE)


def parts_of(session: Session, case_id: int) -> list[CaseDepartment]:
    """Every part row of a case, the lead first."""
    return list(session.scalars(select(CaseDepartment).where(CaseDepartment.case_id == case_id)
                                .order_by(CaseDepartment.role.desc(), CaseDepartment.id)
                                # parts are written with UPDATE statements: read them anew
                                .execution_options(populate_existing=True)))


def is_joint(session: Session, case_id: int) -> bool:
    """Whether departments still work on the case part by part (a joint dispatch in force)."""
    return bool(session.scalar(select(exists().where(CaseDepartment.case_id == case_id,
                                                     CaseDepartment.state.in_(_ON_CASE)))))


def ruling_of(session: Session, case_id: int) -> DisputeRuling | None:
    """The leader's binding ruling on a case, if one was made."""
    return session.scalars(select(DisputeRuling).where(DisputeRuling.case_id == case_id)).first()


def department_condition(department_id: int) -> ColumnElement[bool]:
    """A department's cases: dispatched to it, or joint cases whose part it still works on
    (as lead or assisting). Two indexed lookups OR-ed (the department index of cases, the
    primary key through the parts' department index)."""
    return or_(Case.department_id == department_id,
               Case.id.in_(select(CaseDepartment.case_id).where(
                   CaseDepartment.department_id == department_id,
                   CaseDepartment.state.in_(_LIVE))))
