"""An officer's tasks on the phone and their answers: 核查 (checking a department's work) and
核实 (verifying a report before 立案, console/services/verification.py).

A 核查 request is a case in `checking` whose `check_patrol_id` is the officer. The answer —
已处置 / 未处置, a note, photos — is a note event on the case by the officer (the workflow's
`add_note`, which a patrol may take), its data carrying the result and the photos, so the
console's timeline and feed see it at once; closing or sending the case back stays the desk's.

The seam for 核实 (verifying a public report before registration, issue 15): a task kind with
its own query and answer values. Add it to TASK_KINDS and ANSWERS; the page lists whatever
kinds the API returns and shows each kind's answer buttons from `answers`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain import workflow
from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import StaleVersion
from console.domain.permissions import Permission
from console.domain.privacy import mask_phones_in  # officers and the public see no citizen's number
from console.domain.workflow import Action, Status
from console.services import verification
from console.services.actor import authorize
from console.services.field_reports import (
    Raced,
    cell_geojson,
    check_key,
    content_digest,
    keep_receipt,
    receipt,
)
from console.services.field_sessions import FieldOfficer, FieldRefused
from console.services.trail import audited
from console.store import cases as case_store
from console.store import feed
from console.store.models import Case, CaseEvent, Category, Cell

#: task kind → its name on the phone; 核实 is console/services/verification.py's.
TASK_KINDS = {"check": "核查", verification.KIND: verification.KIND_NAME}
#: task kind → answer value → what the officer says.
ANSWERS = {"check": {"handled": "已处置", "not_handled": "未处置"},
           verification.KIND: verification.ANSWERS}
MAX_TASKS = 200


@dataclass(frozen=True)
class Answer:
    key: str
    kind: str
    case_number: str
    result: str
    note: str = ""
    photos: tuple[str, ...] = ()


def tasks(session: Session, officer: FieldOfficer) -> list[dict[str, Any]]:
    """The officer's open tasks, oldest request first, with what they need on site."""
    rows = session.execute(
        select(Case, Category.name, Cell.code, Cell.ring)
        .join(Category, Category.code == Case.category_code)
        .outerjoin(Cell, Cell.id == Case.cell_id)
        .where(Case.status == Status.CHECKING.value,
               Case.check_patrol_id == officer.officer_id)
        .order_by(Case.updated_at, Case.id).limit(MAX_TASKS)).all()
    notes = _request_notes(session, [c.id for c, *_ in rows])
    return [{"kind": "check", "kind_name": TASK_KINDS["check"], "answers": ANSWERS["check"],
             "case_number": c.number, "category": name, "cell_code": cell,
             "address": c.address or "",
             "description": mask_phones_in(c.description, (c.reporter_phone,)),
             "lat": c.lat, "lon": c.lon, "photos": [p for p in c.photos or []
                                                   if isinstance(p, str)
                                                   and p.startswith("photos/")],
             "requested_at": c.updated_at.isoformat(timespec="minutes"),
             "request_note": mask_phones_in(notes.get(c.id), (c.reporter_phone,)),
             "cell": cell_geojson(ring)}
            for c, name, cell, ring in rows] + verification.phone_tasks(session, officer)


def _request_notes(session: Session, case_ids: list[int]) -> dict[int, str]:
    """The desk's note on each case's newest 核查 request."""
    if not case_ids:
        return {}
    out: dict[int, str] = {}
    for case_id, note in session.execute(
            select(CaseEvent.case_id, CaseEvent.note)
            .where(CaseEvent.case_id.in_(case_ids),
                   CaseEvent.action == Action.REQUEST_CHECK.value)
            .order_by(CaseEvent.case_id, CaseEvent.id)):
        out[case_id] = note or ""
    return out


def answer_digest(ans: Answer) -> str:
    return content_digest("answer", {
        "kind": str(ans.kind), "task": str(ans.case_number), "answer": str(ans.result),
        "note": str(ans.note or ""), "photos": list(ans.photos)})


def answer(session: Session, officer: FieldOfficer, ans: Answer, at: datetime
           ) -> dict[str, Any]:
    """The officer's answer to a task; the same key again gives the first answer back."""
    key = check_key(ans.key)
    digest = answer_digest(ans)
    done = receipt(session, officer.actor.user_id, key, "answer", digest)
    if done is not None:
        return done
    if ans.kind not in TASK_KINDS:
        raise FieldRefused(400, "bad_kind", "没有这种任务")
    if ans.kind == verification.KIND:
        return verification.phone_answer(session, officer, key, ans.case_number, ans.result,
                                         ans.note, tuple(ans.photos), at, digest)
    label = ANSWERS[ans.kind].get(ans.result)
    if label is None:
        raise FieldRefused(400, "bad_result", "请选择核查结果")
    actor = authorize(session, officer.actor, Permission.ADD_NOTE)
    case = session.scalars(select(Case).where(Case.number == str(ans.case_number)[:16])
                           .with_for_update()).first()
    if case is None or case.status != Status.CHECKING.value \
            or case.check_patrol_id != officer.officer_id:
        raise FieldRefused(409, "task_gone", "该任务已不再由您处理（可能已结案或改派）")
    before = _state(case)
    text = f"【{TASK_KINDS[ans.kind]}】{label}" + (f"：{ans.note.strip()}" if ans.note
                                                  and ans.note.strip() else "")
    after, data = workflow.perform(before, Action.ADD_NOTE, actor.role, at=at, note=text)
    data = data | {ans.kind: {"result": ans.result, "photos": list(ans.photos),
                              "officer_id": officer.officer_id, "device": officer.device}}
    version = case.version
    if not case_store.update_versioned(session, case.id, version,
                                       {"version": after.version, "updated_at": at}):
        raise StaleVersion(case.number, version, version + 1)
    case_store.append_event(session, case_id=case.id, at=at, actor_id=actor.user_id,
                            actor_name=actor.name, actor_role=actor.role.value,
                            action=Action.ADD_NOTE.value, from_status=before.status.value,
                            to_status=after.status.value, note=data["note"], data=data)
    feed.record(session, ChangeKind.CASE, case.id, Action.ADD_NOTE, at,
                {"status": after.status.value, "from": before.status.value,
                 "cell_id": case.cell_id, "department_id": case.department_id})
    result = {"case_number": case.number, "kind": ans.kind, "result": ans.result,
              "photos": len(ans.photos)}
    keep_receipt(session, officer.actor.user_id, key, ans.kind, case.id, result, at, digest)
    audited(session, actor, ChangeKind.CASE, case.id, ChangeAction.UPDATED, at,
            {"field": ans.kind, "device": officer.device, "session": officer.session_id,
             "key": key, "result": ans.result, "photos": list(ans.photos)})
    session.expire(case)
    return {**result, "replayed": False}


def _state(case: Case) -> workflow.CaseState:
    return workflow.CaseState(
        status=Status(case.status), category_code=case.category_code,
        department_id=case.department_id, deadline=case.deadline,
        dispatched_at=case.dispatched_at, handled_at=case.handled_at,
        closed_at=case.closed_at, requested_deadline=case.requested_deadline,
        check_patrol_id=case.check_patrol_id, verify_patrol_id=case.verify_patrol_id,
        rework_count=case.rework_count,
        extension_count=case.extension_count, return_count=case.return_count,
        version=case.version)


__all__ = ["ANSWERS", "TASK_KINDS", "Answer", "Raced", "answer", "tasks"]
