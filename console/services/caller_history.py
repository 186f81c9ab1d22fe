"""Caller history (来电历史): what a phone number called about before, while the receiver types
it; and a repeat call linked to the case it is about instead of filed again."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from console.domain.errors import DomainError, NotFound
from console.domain.limits import check_text
from console.domain.permissions import Permission
from console.domain.privacy import phone_for, sees_phone, text_for
from console.domain.workflow import OPEN
from console.services import cases
from console.services.actor import Actor, authorize
from console.services.phone_view import role_now
from console.store import callback_queries as q
from console.store.models import Case, HotlineCall

#: Numbers shorter than this are still being typed (or a short service number): no lookup.
MIN_DIGITS = 7
_OPEN = frozenset(s.value for s in OPEN)


@dataclass(frozen=True)
class CallerCase:
    id: int
    number: str
    version: int
    status: str
    category: str
    address: str
    description: str
    reported_at: datetime
    repeat_calls: int
    last_call: datetime | None
    open: bool


@dataclass(frozen=True)
class CallerHistory:
    phone: str                  # as the viewer may see it
    calls: int                  # its reports and repeat calls, all time
    open_cases: int
    last_call: datetime | None
    cases: list[CallerCase]     # newest first, at most `limit`

    @property
    def known(self) -> bool:
        return self.calls > 0


def caller_history(session: Session, viewer: Actor | None, phone: str, *,
                   limit: int = 20) -> CallerHistory | None:
    """The history of `phone`; None while it is not yet a whole number (being typed, or
    malformed), and None for a viewer who may not see callers' numbers: what a number called
    about is as private as the number (a department could otherwise type one in and learn that
    it reported its cases)."""
    try:
        phone = cases.validate_phone(phone)
    except DomainError:
        return None
    if phone is None or sum(ch.isdigit() for ch in phone) < MIN_DIGITS:
        return None
    role = role_now(session, viewer)
    if not sees_phone(role):
        return None
    calls, open_cases, last = q.caller_totals(session, phone)
    rows = [CallerCase(r.id, r.number, r.version, r.status, r.category, r.address or "",
                       text_for(role, r.description, (phone,)), r.reported_at, int(r.calls),
                       r.last_call, r.status in _OPEN)
            for r in q.caller_cases(session, phone, limit)]
    return CallerHistory(phone_for(role, phone), calls, open_cases, last, rows)


def link_repeat_call(session: Session, actor: Actor, case_id: int, expected_version: int, *,
                     phone: str | None, caller_name: str | None = None, note: str,
                     at: datetime | None = None) -> cases.CaseChange:
    """A repeat call about an open case: kept as a call of that number (its history counts it)
    and as `note` on the case's timeline; no new case is filed. One transaction: if the case
    changed meanwhile (StaleVersion), nothing is saved."""
    authorize(session, actor, Permission.CALL_BACK)
    at = at or cases.now()
    phone = cases.validate_phone(phone)
    caller_name = check_text("reporter_name", caller_name, optional=True)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    if case.status not in _OPEN:
        raise DomainError("duplicate_target_closed", number=case.number)
    change = cases.add_note(session, actor, case_id, expected_version, note=note, at=at)
    row = HotlineCall(case_id=case_id, phone=phone, caller_name=caller_name, at=at,
                      actor_id=actor.user_id, note=check_text("note", note) or "")
    session.add(row)    # the case event above is the trail's record of who took the call
    return change
