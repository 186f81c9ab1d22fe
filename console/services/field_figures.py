"""An officer's own evaluation figures this month, on the phone's shift screen.

As the evaluation reference defines them for a patrol officer (监督员):
- 上报数: cases they reported (source patrol, they the reporter) since the month began;
- 有效上报率: of those, the ones registered (立案) / all of them;
- 按时核查率: 核查 requests answered on time / requests due. A request is due once answered or
  once CHECK_WITHIN has passed unanswered; on time if the officer's answer came within it.

The answers counted are the officer's answers from the phone (their receipts); a 核查 the desk
closed without one counts as not answered. The reference sets no check time limit: CHECK_WITHIN
is the centre's usual one and an assumption here.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.domain.workflow import Action, Status
from console.services.field_sessions import FieldOfficer
from console.store.models import Case, CaseEvent, FieldReceipt

CHECK_WITHIN = timedelta(hours=2)


def month_start(at: datetime) -> datetime:
    return at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def figures(session: Session, officer: FieldOfficer, at: datetime) -> dict[str, Any]:
    since = month_start(at)
    mine = (Case.reported_at >= since, Case.reported_at <= at,
            Case.reporter_patrol_id == officer.officer_id)
    reports = session.scalar(select(func.count()).select_from(Case).where(*mine)) or 0
    registered = session.scalar(select(func.count()).select_from(Case).where(
        *mine, Case.registered_at.is_not(None))) or 0
    answered = dict(session.execute(
        select(FieldReceipt.case_id, func.min(FieldReceipt.at))
        .where(FieldReceipt.user_id == officer.actor.user_id, FieldReceipt.kind == "check",
               FieldReceipt.at >= since).group_by(FieldReceipt.case_id)).all())
    waiting = list(session.scalars(select(Case.id).where(
        Case.status == Status.CHECKING.value, Case.check_patrol_id == officer.officer_id)))
    requested = _requests(session, set(answered) | set(waiting))
    due = on_time = 0
    for case_id, answer_at in answered.items():
        asked = max((t for t in requested.get(case_id, ()) if t <= answer_at), default=None)
        if asked is None:
            continue
        due += 1
        on_time += answer_at - asked <= CHECK_WITHIN
    for case_id in waiting:
        if case_id in answered:
            continue
        asked = max(requested.get(case_id, ()), default=None)
        if asked is not None and asked >= since and at - asked > CHECK_WITHIN:
            due += 1            # late and still unanswered
    return {"month": since.strftime("%Y-%m"), "reports": reports, "registered": registered,
            "valid_report_rate": _share(registered, reports), "checks_due": due,
            "checks_on_time": on_time, "on_time_check_rate": _share(on_time, due),
            "check_within_h": CHECK_WITHIN.total_seconds() / 3600}


def _requests(session: Session, case_ids: set[int]) -> dict[int, list[datetime]]:
    out: dict[int, list[datetime]] = {}
    ids = sorted(case_ids)
    for start in range(0, len(ids), 500):
        for case_id, at in session.execute(
                select(CaseEvent.case_id, CaseEvent.at)
                .where(CaseEvent.case_id.in_(ids[start:start + 500]),
                       CaseEvent.action == Action.REQUEST_CHECK.value)):
            out.setdefault(case_id, []).append(at)
    return out
