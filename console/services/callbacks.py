"""回访: calling citizens back after their case is closed, and rework when they are not satisfied.

A closed case from a citizen's source is queued by the workflow itself (callback_intake). The
desk records the answer (满意 / 基本满意 / 不满意 / 无法联系, with a note); for 不满意 it may ask
for rework, which only a leader decides: consenting reopens the case (Action.REOPEN, recorded
on its timeline with the leader's reason), declining is recorded on the call-back. Every write
is audited and tells the seats through the feed (ChangeKind.CALLBACK).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from console.domain.callbacks import Outcome, Rework
from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError, NotFound, StaleVersion
from console.domain.limits import check_text
from console.domain.permissions import Permission
from console.domain.privacy import phone_for, text_for
from console.domain.workflow import Action
from console.services import cases
from console.services.actor import Actor, authorize
from console.services.phone_view import role_now
from console.services.trail import audited
from console.store import callback_queries as q
from console.store import feed
from console.store.models import Callback, Case

#: Answered call-backs stay on the page this long (the shift's own work).
DONE_SHOWN = timedelta(hours=12)


@dataclass(frozen=True)
class CallbackRow:
    """One call-back as the queue shows it; the number as the viewer may see it."""

    id: int
    version: int
    case_id: int
    case_version: int
    number: str
    status: str
    source: str
    category: str
    address: str
    street: str
    department: str
    reporter_name: str
    reporter_phone: str
    closed_at: datetime
    due_at: datetime
    outcome: str | None
    note: str
    done_at: datetime | None
    done_by: str
    rework: str | None
    rework_reason: str
    overdue: bool


@dataclass(frozen=True)
class CallbackQueue:
    rows: list[CallbackRow]
    overdue: int            # call-backs not made past their time (all of them, not only shown)
    awaiting_consent: int   # 不满意 with rework asked, waiting for a leader


def callback_queue(session: Session, viewer: Actor | None, now: datetime, *,
                   limit: int = 500) -> CallbackQueue:
    """The call-backs to make, those waiting for a leader, and the ones answered lately."""
    role = role_now(session, viewer)
    rows = [CallbackRow(
        id=r.id, version=r.version, case_id=r.case_id, case_version=r.case_version,
        number=r.number, status=r.status, source=r.source, category=r.category,
        address=r.address or "", street=r.street or "", department=r.department or "",
        reporter_name=r.reporter_name or "", reporter_phone=phone_for(role, r.reporter_phone),
        closed_at=r.closed_at, due_at=r.due_at, outcome=r.outcome,
        note=text_for(role, r.note, (r.reporter_phone,)), done_at=r.done_at,
        done_by=r.done_by_name or "", rework=r.rework,
        rework_reason=text_for(role, r.rework_reason, (r.reporter_phone,)),
        overdue=r.done_at is None and r.due_at < now)
        for r in q.queue_rows(session, done_since=now - DONE_SHOWN, limit=limit)]
    return CallbackQueue(rows, q.overdue_count(session, now),
                         sum(1 for r in rows if r.rework == Rework.REQUESTED))


def _callback(session: Session, callback_id: int, expected_version: int) -> Callback:
    row = session.get(Callback, callback_id, populate_existing=True)
    if row is None:
        raise NotFound("callback", callback_id)
    if row.version != expected_version:
        raise StaleVersion(_number(session, row.case_id), expected_version, row.version)
    return row


def _number(session: Session, case_id: int) -> str:
    case = session.get(Case, case_id)
    return case.number if case is not None else str(case_id)


def _write(session: Session, row: Callback, expected_version: int, values: dict) -> None:
    """Optimistic update: two seats answering the same call-back — the second is refused."""
    done = session.execute(update(Callback).where(
        Callback.id == row.id, Callback.version == expected_version).values(
        version=expected_version + 1, **values).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        session.refresh(row)
        raise StaleVersion(_number(session, row.case_id), expected_version, row.version)
    session.expire(row)


def record_outcome(session: Session, actor: Actor, callback_id: int, expected_version: int, *,
                   outcome: Outcome | str, note: str = "", request_rework: bool = False,
                   at: datetime | None = None) -> int:
    """The citizen's answer; with `request_rework` (不满意 only) the case waits for a leader.
    Returns the call-back's new version."""
    actor = authorize(session, actor, Permission.CALL_BACK)
    at = at or cases.now()
    try:
        outcome = Outcome(outcome)
    except ValueError:
        raise DomainError("bad_callback_outcome", outcome=str(outcome)[:32]) from None
    note = check_text("note", note, optional=True) or ""
    if request_rework and outcome is not Outcome.UNSATISFIED:
        raise DomainError("rework_needs_unsatisfied")
    row = _callback(session, callback_id, expected_version)
    if row.done_at is not None:
        raise DomainError("callback_already_done", number=_number(session, row.case_id))
    values = {"outcome": outcome.value, "note": note, "done_at": at, "done_by": actor.user_id,
              "done_by_name": actor.name}
    if request_rework:
        values.update(rework=Rework.REQUESTED.value, rework_reason=note)
    _write(session, row, expected_version, values)
    data = {"case_id": row.case_id, "outcome": outcome.value, "rework": bool(request_rework)}
    audited(session, actor, ChangeKind.CALLBACK, row.id, ChangeAction.CHANGED, at, data)
    feed.record(session, ChangeKind.CALLBACK, row.id, ChangeAction.CHANGED, at, data)
    return expected_version + 1


def decide_rework(session: Session, actor: Actor, callback_id: int, expected_version: int, *,
                  consent: bool, reason: str, deadline: datetime | None = None,
                  at: datetime | None = None) -> cases.CaseChange | None:
    """A leader's decision on a 不满意 citizen's rework request: consent reopens the closed case
    to its department with a fresh deadline (the category's time limit by default); decline
    leaves it closed. Both are recorded with the leader's name and reason."""
    actor = authorize(session, actor, Permission.REOPEN)
    at = at or cases.now()
    reason = check_text("reason", reason, optional=True) or ""
    if not reason:
        raise DomainError("reason_required", action=Action.REOPEN.value)
    row = _callback(session, callback_id, expected_version)
    if row.rework != Rework.REQUESTED:
        raise DomainError("rework_not_requested", number=_number(session, row.case_id))
    change = None
    if consent:
        case = session.get(Case, row.case_id)
        if deadline is None:
            deadline = cases.default_deadline(session, case.category_code, at)
        change = cases.act(session, actor, case.id, case.version, Action.REOPEN, at=at,
                           reason=reason, deadline=deadline,
                           evidence={"callback_id": row.id})
    decision = Rework.CONSENTED if consent else Rework.DECLINED
    _write(session, row, expected_version, {"rework": decision.value, "rework_reason": reason,
                                            "rework_by_name": actor.name, "rework_at": at})
    data = {"case_id": row.case_id, "rework": decision.value}
    audited(session, actor, ChangeKind.CALLBACK, row.id, ChangeAction.CHANGED, at, data)
    feed.record(session, ChangeKind.CALLBACK, row.id, ChangeAction.CHANGED, at, data)
    return change
