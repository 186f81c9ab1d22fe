"""Supervision orders (督办): 催办 (1) → 督办 (2) → 挂牌督办 (3) on a case or a department.

A leader raises one (reason, due time); the department answers it (a reply and a new promised
time); the leader closes it. One order is open per subject at a time (`open_key`, unique, as the
alerts keep theirs), so raising on a subject that has one raises that order a step instead.
The periodic check (`run_due`, called by the seat that holds the alert evaluator's lease) raises
a 催办 on a case that has run past its deadline by a set margin, and raises every order whose due
time passed unanswered one step. The case's `supervision_level` mirrors its open order, for the
queues' badge and the map's ring; its `version` is left alone so no dispatcher's action goes
stale because a leader pressed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError, NotFound
from console.domain.limits import check_text
from console.domain.permissions import Permission
from console.domain.roles import Role
from console.domain.workflow import RUNNING
from console.services.actor import Actor, authorize
from console.services.settings import get_setting
from console.services.trail import audited
from console.store import feed
from console.store.models import Case, CaseCampaign, Department, SupervisionOrder, User

LEVELS = {1: "催办", 2: "督办", 3: "挂牌督办"}
TOP = max(LEVELS)
#: The most orders one periodic pass raises or escalates (the rest wait for the next pass).
BATCH = 500


@dataclass(frozen=True)
class OrderView:
    """An order as plain data (for the case detail and the dashboard)."""

    order_id: int
    case_id: int | None
    department_id: int | None
    level: int
    reason: str
    issued_at: datetime
    due_at: datetime | None
    auto: bool
    reply: str | None
    promised_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    issuer: str = ""          # the leader's name ("" for the periodic check's own)


def _view(o: SupervisionOrder, issuer: str = "") -> OrderView:
    return OrderView(o.id, o.case_id, o.department_id, o.level, o.note or "", o.issued_at,
                     o.due_at, bool(o.auto), o.reply, o.promised_at, o.answered_at,
                     o.resolved_at, issuer)


def _key(case_id: int | None, department_id: int | None) -> str:
    return f"case:{case_id}" if case_id is not None else f"department:{department_id}"


def _answer_window(session: Session) -> timedelta:
    return timedelta(hours=float(get_setting(session, "supervision_answer_hours")))


def _mirror(session: Session, case_id: int | None, level: int) -> None:
    if case_id is not None:
        session.execute(update(Case).where(Case.id == case_id).values(supervision_level=level))


def _tell(session: Session, order: SupervisionOrder, action: ChangeAction, at: datetime) -> feed.Ticket:
    return feed.record(session, ChangeKind.SUPERVISION, order.id, action, at,
                       {"case_id": order.case_id, "department_id": order.department_id,
                        "level": order.level})


def _campaign_of(session: Session, case_id: int | None) -> int | None:
    if case_id is None:
        return None
    return session.scalar(select(CaseCampaign.campaign_id).where(
        CaseCampaign.case_id == case_id).order_by(CaseCampaign.campaign_id.desc()).limit(1))


def raise_order(session: Session, actor: Actor, *, case_id: int | None = None,
                department_id: int | None = None, level: int = 1, reason: str,
                due_at: datetime | None = None, at: datetime,
                campaign_id: int | None = None) -> OrderView:
    """Issue an order; on a subject with one open already, raise that one to `level`."""
    actor = authorize(session, actor, Permission.RAISE_SUPERVISION)
    reason = check_text("reason", reason)
    if not reason:
        raise DomainError("reason_required", action="supervision")
    if (case_id is None) == (department_id is None):
        raise DomainError("supervision_subject")
    if level not in LEVELS:
        raise DomainError("supervision_bad_level")
    if case_id is not None and session.get(Case, case_id) is None:
        raise NotFound("case", case_id)
    if department_id is not None and session.get(Department, department_id) is None:
        raise NotFound("department", department_id)
    due_at = due_at or at + _answer_window(session)
    open_ = _open_on(session, case_id, department_id)
    if open_ is not None:
        if level <= open_.level:
            raise DomainError("supervision_open", level=open_.level)
        return _escalate(session, open_, at, to=level, by=actor, reason=reason, due_at=due_at)
    order = SupervisionOrder(case_id=case_id, department_id=department_id, level=level,
                             issued_by=actor.user_id, issued_at=at, due_at=due_at, note=reason,
                             campaign_id=campaign_id or _campaign_of(session, case_id),
                             auto=False, open_key=_key(case_id, department_id))
    _insert(session, order)
    _mirror(session, case_id, level)
    audited(session, actor, ChangeKind.SUPERVISION, order.id, ChangeAction.ADDED, at,
            {"case_id": case_id, "department_id": department_id, "level": level,
             "reason": reason, "due_at": due_at.isoformat()})
    _tell(session, order, ChangeAction.ADDED, at)
    return _view(order)


def _insert(session: Session, order: SupervisionOrder) -> None:
    """Another seat may open one on the same subject meanwhile: the unique key decides."""
    try:
        with session.begin_nested():
            session.add(order)
            session.flush()
    except IntegrityError:
        raise DomainError("supervision_open", level=order.level) from None


def _open_on(session: Session, case_id: int | None,
             department_id: int | None) -> SupervisionOrder | None:
    return session.scalars(select(SupervisionOrder).where(
        SupervisionOrder.open_key == _key(case_id, department_id))
        .with_for_update()).first()


def _escalate(session: Session, order: SupervisionOrder, at: datetime, *, to: int,
              by: Actor | None, reason: str | None = None,
              due_at: datetime | None = None) -> OrderView:
    order.level, order.escalated_at = to, at
    order.due_at = due_at or at + _answer_window(session)
    # A new step asks for a new answer.
    order.answered_at = order.answered_by = order.reply = order.promised_at = None
    if reason:
        order.note = reason
    session.flush()
    _mirror(session, order.case_id, to)
    data = {"level": to, "due_at": order.due_at.isoformat(), "auto": by is None}
    if by is not None:
        audited(session, by, ChangeKind.SUPERVISION, order.id, ChangeAction.ESCALATED, at, data)
    _tell(session, order, ChangeAction.ESCALATED, at)
    return _view(order)


def _order(session: Session, order_id: int) -> SupervisionOrder:
    order = session.get(SupervisionOrder, order_id, with_for_update=True, populate_existing=True)
    if order is None:
        raise NotFound("supervision_order", order_id)
    if order.resolved_at is not None:
        raise DomainError("supervision_closed")
    return order


def answer(session: Session, actor: Actor, order_id: int, *, reply: str,
           promised_at: datetime, at: datetime) -> OrderView:
    """The department's answer: what it is doing and by when it promises to be done."""
    actor = authorize(session, actor, Permission.ANSWER_SUPERVISION)
    reply = check_text("note", reply)
    if not reply:
        raise DomainError("note_required")
    order = _order(session, order_id)
    department = order.department_id
    if department is None and order.case_id is not None:
        department = session.scalar(select(Case.department_id).where(Case.id == order.case_id))
    if actor.role is Role.DEPARTMENT and actor.department_id != department:
        raise DomainError("supervision_not_yours")
    if promised_at <= at:
        raise DomainError("supervision_promise_past", promised=promised_at.isoformat(" ", "minutes"))
    order.reply, order.promised_at, order.answered_at = reply, promised_at, at
    order.answered_by = actor.user_id
    session.flush()
    audited(session, actor, ChangeKind.SUPERVISION, order.id, ChangeAction.ANSWERED, at,
            {"reply": reply, "promised_at": promised_at.isoformat()})
    _tell(session, order, ChangeAction.ANSWERED, at)
    return _view(order)


def close(session: Session, actor: Actor, order_id: int, *, note: str = "",
          at: datetime) -> OrderView:
    """The leader closes an order: it stops counting and the case's badge goes."""
    actor = authorize(session, actor, Permission.CLOSE_SUPERVISION)
    note = check_text("note", note) or ""
    order = _order(session, order_id)
    order.resolved_at, order.closed_by, order.open_key = at, actor.user_id, None
    session.flush()
    _mirror(session, order.case_id, 0)
    audited(session, actor, ChangeKind.SUPERVISION, order.id, ChangeAction.CLOSED, at,
            {"note": note, "level": order.level})
    _tell(session, order, ChangeAction.CLOSED, at)
    return _view(order)


@dataclass(frozen=True)
class DueResult:
    raised: int
    escalated: int


def run_due(session: Session, now: datetime) -> DueResult:
    """The periodic check (one seat runs it): 催办 on cases far past their deadline, and one step
    up for every order whose due time passed unanswered. The machine acts here, not a user:
    there is no actor to authorize; the feed and the orders themselves say what it did."""
    margin = float(get_setting(session, "supervision_auto_overdue_hours"))
    window = _answer_window(session)
    raised = 0
    if margin > 0:
        has_order = exists().where(SupervisionOrder.case_id == Case.id,
                                   SupervisionOrder.resolved_at.is_(None))
        rows = session.execute(
            select(Case.id).where(Case.status.in_([s.value for s in RUNNING]),
                                  Case.deadline < now - timedelta(hours=margin), ~has_order)
            .order_by(Case.deadline).limit(BATCH)).scalars().all()
        for case_id in rows:
            order = SupervisionOrder(case_id=case_id, level=1, issued_by=None, issued_at=now,
                                     due_at=now + window, note="超期未处置", auto=True,
                                     campaign_id=_campaign_of(session, case_id),
                                     open_key=_key(case_id, None))
            try:
                _insert(session, order)
            except DomainError:
                continue      # a leader raised one meanwhile
            _mirror(session, case_id, 1)
            _tell(session, order, ChangeAction.ADDED, now)
            raised += 1
    late = session.scalars(
        select(SupervisionOrder).where(
            and_(SupervisionOrder.resolved_at.is_(None), SupervisionOrder.answered_at.is_(None),
                 SupervisionOrder.due_at < now, SupervisionOrder.level < TOP))
        .order_by(SupervisionOrder.due_at).limit(BATCH).with_for_update()).all()
    for order in late:
        _escalate(session, order, now, to=order.level + 1, by=None)
    return DueResult(raised, len(late))


def orders_on_case(session: Session, case_id: int) -> list[OrderView]:
    """Every order on a case, the newest first, with the issuer's name."""
    return _named(session, SupervisionOrder.case_id == case_id)


def orders_on_department(session: Session, department_id: int) -> list[OrderView]:
    """Every order on a department itself (not on its cases), the newest first."""
    return _named(session, SupervisionOrder.department_id == department_id)


def _named(session: Session, where) -> list[OrderView]:
    rows = session.execute(select(SupervisionOrder, User.display_name)
                           .outerjoin(User, User.id == SupervisionOrder.issued_by)
                           .where(where).order_by(SupervisionOrder.id.desc())).all()
    return [_view(o, name or "") for o, name in rows]
