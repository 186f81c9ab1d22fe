"""Storage of joint cases' parts (case_departments) and of the leader's dispute rulings."""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from console.domain.joint import ON_CASE
from console.store.models import CaseDepartment, DisputeRuling

_ON_CASE = tuple(s.value for s in ON_CASE)


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
