"""核实: verifying a report on site before 立案 — the officer's phone side, and the desk's reads.

The desk sends a report to a patrol officer (cases.request_verify, with case_desk.nearest_patrols
as the suggestion list) and may record the answer an officer gives by phone (cases.confirm /
cases.refute). Here the officer's own answer from the phone: 属实 makes the case ready for 立案,
不属实 cancels it (作废) with the officer's words as the reason; the photos and the device go
into the event's data, the officer's idempotency key into a receipt, the request into the audit.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError
from console.domain.privacy import mask_phones_in  # officers and the public see no citizen's number
from console.domain.workflow import Status
from console.services import cases
from console.services.field_reports import keep_receipt
from console.services.field_sessions import FieldOfficer, FieldRefused
from console.services.trail import audited
from console.store.models import Case, CaseEvent, Category, Cell

KIND = "verify"
KIND_NAME = "核实"
#: answer value → what the officer says on the phone.
ANSWERS = {"confirmed": "属实", "not_confirmed": "不属实"}
MAX_TASKS = 200


def phone_tasks(session: Session, officer: FieldOfficer) -> list[dict[str, Any]]:
    """The reports this officer is asked to verify, oldest request first."""
    rows = session.execute(
        select(Case, Category.name, Cell.code)
        .join(Category, Category.code == Case.category_code)
        .outerjoin(Cell, Cell.id == Case.cell_id)
        .where(Case.status == Status.VERIFYING.value,
               Case.verify_patrol_id == officer.officer_id)
        .order_by(Case.verify_requested_at, Case.id).limit(MAX_TASKS)).all()
    notes = _request_notes(session, [c.id for c, *_ in rows])
    return [{"kind": KIND, "kind_name": KIND_NAME, "answers": ANSWERS,
             "case_number": c.number, "category": name, "cell_code": cell,
             "address": c.address or "",
             "description": mask_phones_in(c.description, (c.reporter_phone,)),
             "lat": c.lat, "lon": c.lon,
             "photos": [p for p in c.photos or [] if isinstance(p, str)
                        and p.startswith("photos/")],
             "requested_at": (c.verify_requested_at or c.updated_at).isoformat(timespec="minutes"),
             "due": c.verify_due.isoformat(timespec="minutes") if c.verify_due else None,
             "request_note": mask_phones_in(notes.get(c.id), (c.reporter_phone,))}
            for c, name, cell in rows]


def _request_notes(session: Session, case_ids: list[int]) -> dict[int, str]:
    if not case_ids:
        return {}
    out: dict[int, str] = {}
    for case_id, note in session.execute(
            select(CaseEvent.case_id, CaseEvent.note)
            .where(CaseEvent.case_id.in_(case_ids), CaseEvent.action == "request_verify")
            .order_by(CaseEvent.case_id, CaseEvent.id)):
        out[case_id] = note or ""
    return out


def phone_answer(session: Session, officer: FieldOfficer, key: str, case_number: str,
                 result: str, note: str, photos: tuple[str, ...], at: datetime,
                 digest: str | None = None) -> dict[str, Any]:
    """The officer's 属实 / 不属实 (the receipt check is the caller's, field_tasks.answer)."""
    label = ANSWERS.get(result)
    if label is None:
        raise FieldRefused(400, "bad_result", "请选择核实结果")
    case = session.scalars(select(Case).where(Case.number == str(case_number)[:16])
                           .with_for_update()).first()
    if case is None or case.status != Status.VERIFYING.value \
            or case.verify_patrol_id != officer.officer_id:
        raise FieldRefused(409, "task_gone", "该任务已不再由您处理（可能已改派或作废）")
    note = (note or "").strip()
    evidence = {KIND: {"result": result, "photos": list(photos),
                       "officer_id": officer.officer_id, "device": officer.device}}
    try:
        if result == "confirmed":
            change = cases.confirm(session, officer.actor, case.id, case.version,
                                   note="【核实】属实" + (f"：{note}" if note else ""),
                                   at=at, evidence=evidence)
        else:
            change = cases.refute(session, officer.actor, case.id, case.version,
                                  reason="【核实】不属实" + (f"：{note}" if note else ""),
                                  at=at, evidence=evidence)
    except DomainError as e:
        raise FieldRefused(409, e.code, "无法记录核实结果") from e
    out = {"case_number": case.number, "kind": KIND, "result": result, "photos": len(photos)}
    keep_receipt(session, officer.actor.user_id, key, KIND, case.id, out, at, digest)
    audited(session, officer.actor, ChangeKind.CASE, case.id, ChangeAction.UPDATED, at,
            {"field": KIND, "device": officer.device, "session": officer.session_id,
             "key": key, "result": result, "photos": list(photos), "status": change.status})
    return {**out, "replayed": False}
