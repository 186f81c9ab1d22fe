"""A closed case from a citizen enters the call-back (回访) queue: one row per closure, due
within the shared setting's time. Called by the case workflow at 结案 (services/cases.py), in
the closing transaction, so a closure and its call-back land together or not at all."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from console.domain.work_calendar import TimeUnit
from console.services.settings import get_setting, work_calendar
from console.store.models import Callback, Case


def callback_sources(session: Session) -> frozenset[str]:
    """The sources whose closed cases are called back."""
    value = get_setting(session, "callback_sources")
    return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()


def callback_due(session: Session, closed_at: datetime) -> datetime:
    """When a call-back of a case closed at `closed_at` is due: round the clock by default,
    or in working time when the centre says so."""
    hours = max(0.0, float(get_setting(session, "callback_due_hours")))
    unit = (TimeUnit.WORK_HOURS if get_setting(session, "callback_clock") == "work_hours"
            else TimeUnit.HOURS)
    return work_calendar(session).deadline(closed_at, hours, unit)


def case_closed(session: Session, case: Case, at: datetime) -> Callback | None:
    """Queue the call-back of `case`, just closed at `at`; None when it is not called back (not
    a citizen's source, or no number to call)."""
    if case.source not in callback_sources(session) or not case.reporter_phone:
        return None
    row = Callback(case_id=case.id, closed_at=at, due_at=callback_due(session, at),
                   department_id=case.department_id, note="", version=1)
    session.add(row)
    session.flush()
    return row
