"""The after-action summary of a joint operation (联合执法行动, a campaign of kind "joint").

Over the operation's scope and window — its start to its end, or to now while it still runs
(`upto`) — it counts the cases found (reported in the scope in the window; rejected and
cancelled reports are no cases), those by patrols among them, those handled (handled or closed
by `upto`), those referred (dispatched to a department by `upto`) and those still open (not
closed by `upto`). Per department: the cases referred to it — a joint case counts once for its
lead (主办) and once for each assisting department (协办), from its parts in case_departments —
how many of them it handled by `upto` (a part handled or replied to), and how many ran over
their deadline (the deadline passed before `upto` and the work was not done by it). Every
department the operation names is listed, even with nothing referred to it.

campaign_progress.progress carries the summary in its figures, so closing the campaign
freezes it with them (campaigns.close stores the figures as the record).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from console.domain.joint import PartState
from console.store import joint_operation_queries as q
from console.store.evaluation_queries import Scope

_DONE = (PartState.HANDLED.value, PartState.REPLIED.value)
#: Parts taken off the case: no longer the department's work, so never overdue.
_OFF = (PartState.RETURNED.value, PartState.WITHDRAWN.value)


@dataclass
class DepartmentFigures:
    department_id: int
    name: str
    participating: bool     # named by the operation
    referred: int
    lead: int               # of them, as 主办 of a joint case
    assist: int             # of them, as 协办
    handled: int
    overdue: int


@dataclass
class AfterAction:
    found: int
    by_patrol: int
    handled: int
    referred: int
    open: int
    departments: list[DepartmentFigures]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AfterAction:
        data = dict(data)
        data["departments"] = [DepartmentFigures(**d) for d in data["departments"]]
        return cls(**data)


def _zero() -> dict[str, int]:
    return {"referred": 0, "lead": 0, "assist": 0, "handled": 0, "overdue": 0}


def _by(t: datetime | None, end: datetime) -> bool:
    return t is not None and t <= end


def _overdue(deadline: datetime | None, done: datetime | None, upto: datetime) -> bool:
    return deadline is not None and deadline < upto and not (done is not None
                                                             and done <= min(deadline, upto))


def summary(session: Session, scope: Scope, start: datetime, upto: datetime,
            departments: list[int]) -> AfterAction:
    """The after-action figures of an operation over `scope` during [start, upto]."""
    cases = q.found_cases(session, scope, start, upto)
    parts: dict[int, list[tuple]] = {}
    for row in q.parts_of_found(session, scope, start, upto):
        parts.setdefault(row[0], []).append(row)
    per: dict[int, dict[str, int]] = {}

    def count(dep: int, key: str) -> None:
        per.setdefault(dep, _zero())[key] += 1

    for cid, _source, dep, dispatched, handled, closed, deadline in cases:
        if cid in parts:
            for _c, pdep, role, state, pdispatched, pdeadline, replied in parts[cid]:
                if not _by(pdispatched, upto):
                    continue
                count(pdep, "referred")
                count(pdep, role)
                # a handled part keeps its reply time; a reworked one lost it (state moved on)
                done = replied if state in _DONE else None
                if _by(done, upto):
                    count(pdep, "handled")
                if state not in _OFF and _overdue(pdeadline, done, upto):
                    count(pdep, "overdue")
        elif dep is not None and _by(dispatched, upto):
            count(dep, "referred")
            done = handled if _by(handled, upto) else closed
            if _by(done, upto):
                count(dep, "handled")
            if _overdue(deadline, done, upto):
                count(dep, "overdue")
    named = set(departments)
    for dep in named:
        per.setdefault(dep, _zero())
    names = q.department_names(session, per)
    rows = [DepartmentFigures(dep, names.get(dep, str(dep)), dep in named, **f)
            for dep, f in per.items()]
    rows.sort(key=lambda d: (not d.participating, -d.referred, d.name))
    return AfterAction(
        found=len(cases),
        by_patrol=sum(1 for c in cases if c[1] == "patrol"),
        handled=sum(1 for c in cases if _by(c[4], upto) or _by(c[5], upto)),
        referred=sum(1 for c in cases if _by(c[3], upto)),
        open=sum(1 for c in cases if not _by(c[5], upto)),
        departments=rows)
