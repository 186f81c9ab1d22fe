"""On a joint case every seat is offered exactly what the services accept: each case action the
queue enables and each part button the detail pane shows is carried out, and each one it does not
is refused — in every stage of a joint case, for the desk, the leader, the lead department, an
assisting one, an uninvolved one and a viewer. The ordinary case buttons (handled, return,
extension, rework) are refused on a joint case (`joint_case_parts`): the parts' own take their
place. A case whose parts belong to an earlier dispatch is an ordinary case again."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from console.domain.errors import DomainError, NotFound
from console.domain.joint import PartAction
from console.domain.roles import Role
from console.services import case_desk, cases, disputes, joint_cases
from console.services.actor import Actor
from console.store.models import CaseDepartment, User
from console.ui.queues.actions import ORDER, available
from tests.service_city import MON
from tests.test_disputes import bounced, user_of

AT = MON + timedelta(hours=1)
LATER = datetime.now().replace(microsecond=0) + timedelta(days=400)   # after any deadline
PART = dict(reply="已处理", reason="理由", deadline=LATER)


def _departments(city):
    names = sorted(city.departments)
    return [city.departments[n] for n in names[:4]]


def _joint(db, city, c, lead, assisting, at=AT):
    with db.transaction() as s:
        return joint_cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=lead,
                                    assisting=assisting, at=at)


def _part(db, actor, c, department, action, **kw):
    with db.session() as s, s.begin():
        version = next(p.version for p in joint_cases.parts(s, c.case_id, None)
                       if p.department_id == department)
        return joint_cases.act_part(s, actor, c.case_id, department, version, action,
                                    at=AT + timedelta(minutes=5), **kw)


def situations(db, city) -> dict[str, int]:
    """A joint case in each stage (name → case id)."""
    lead, a, b, _ = _departments(city)
    users = {d: user_of(db, city, d) for d in (lead, a, b)}
    out = {}

    def fresh():
        c, *_ = bounced(db, city, 0)
        return _joint(db, city, c, lead, [a, b])
    out["dispatched"] = fresh().case_id
    c = fresh()
    _part(db, users[lead], c, lead, PartAction.ACCEPT)
    _part(db, users[a], c, a, PartAction.REPLY, reply="已配合")
    _part(db, users[b], c, b, PartAction.REQUEST_EXTENSION, reason="等材料", deadline=LATER)
    out["working"] = c.case_id
    c = fresh()
    _part(db, users[lead], c, lead, PartAction.REQUEST_EXTENSION, reason="等材料",
          deadline=LATER)
    out["lead_extension"] = c.case_id
    c = fresh()
    _part(db, users[b], c, b, PartAction.RETURN, reason="不属本单位")
    _part(db, users[a], c, a, PartAction.REPLY, reply="已配合")
    change = _part(db, users[lead], c, lead, PartAction.REPLY, reply="已处理")
    assert change.status == "handled"
    out["handled"] = c.case_id
    with db.transaction() as s:
        change = cases.request_check(s, city.dispatcher, c.case_id, change.version,
                                     patrol_id=city.officer_id, at=AT + timedelta(minutes=10))
    c2, *_ = bounced(db, city, 0)
    c2 = _joint(db, city, c2, lead, [a])
    _part(db, users[a], c2, a, PartAction.REPLY, reply="已配合")
    change2 = _part(db, users[lead], c2, lead, PartAction.REPLY, reply="已处理")
    with db.transaction() as s:
        change2 = cases.request_check(s, city.dispatcher, c2.case_id, change2.version,
                                      patrol_id=city.officer_id, at=AT + timedelta(minutes=10))
        cases.close(s, city.dispatcher, c2.case_id, change2.version,
                    at=AT + timedelta(minutes=20))
    out["checking"], out["closed"] = change.case_id, c2.case_id
    # Ruled: the duty leader ruled the lead the owner of a disputed case; it cannot return it.
    c, depts, _, at = bounced(db, city, 3)
    with db.transaction() as s:
        disputes.rule(s, city.leader, c.case_id, department_id=lead, reason="属主办",
                      at=at + timedelta(minutes=1))
    out["ruled"] = _joint(db, city, c, lead, [a], at=at + timedelta(minutes=2)).case_id
    # Stale: a part of an earlier dispatch left live (only the integration branch's code of
    # 2026-11-29 22:11–22:52, before every re-dispatch withdrew the parts, could leave one; main
    # never held case_departments without that fix): an ordinary case of its new department.
    c = fresh()
    c = _part(db, users[lead], c, lead, PartAction.RETURN, reason="不属本单位")
    with db.transaction() as s:
        cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=b,
                       at=AT + timedelta(minutes=30))
        s.execute(update(CaseDepartment).where(CaseDepartment.case_id == c.case_id,
                                               CaseDepartment.department_id == a)
                  .values(state="handling"))
    out["stale"] = c.case_id
    return out


def seats(db, city) -> dict[str, Actor]:
    lead, a, _, other = _departments(city)
    with db.transaction() as s:
        made = {}
        for role in (Role.ADMIN, Role.VIEWER):
            user = User(username=f"seat_{role.value}", display_name=role.value, role=role.value)
            s.add(user)
            s.flush()
            made[role.value] = Actor(user.id, user.display_name, role)
    return {"dispatcher": city.dispatcher, "leader": city.leader, **made,
            "lead": user_of(db, city, lead), "assisting": user_of(db, city, a),
            "uninvolved": city.dept_user(db, other)}


def _accepted(db, fn) -> bool:
    """Whether the service carries `fn` out (then undone: every try starts from the same case)."""
    with db.session() as s:
        s.begin()
        try:
            fn(s)
            return True
        except (DomainError, NotFound):
            return False
        finally:
            s.rollback()


def test_every_seat_is_offered_exactly_what_the_services_accept(db, city):
    cases_by_stage = situations(db, city)
    params = {"reason": "理由", "note": "备注", "deadline": LATER, "patrol_id": city.officer_id,
              "department_id": _departments(city)[3], "category_code": ""}
    for seat_name, seat in seats(db, city).items():
        for stage, case_id in cases_by_stage.items():
            with db.session() as s:
                d = case_desk.case_detail(s, case_id, seat)
            joint = joint_cases.in_force(d.parts, d.department_id)
            assert joint == (stage != "stale"), stage
            offered = set(available(seat, d.status, extension_pending=d.extension_pending,
                                    department_id=d.department_id, joint=joint))
            for name in ORDER:
                ok = _accepted(db, lambda s, n=name: case_desk.perform(
                    s, seat, case_id, d.version, n, params))
                assert ok == (name in offered), (seat_name, stage, name, ok)
            for part in d.parts:
                shown = joint_cases.offered(part, seat, case_status=d.status, joint_in_force=joint)
                for action in PartAction:
                    ok = _accepted(db, lambda s, p=part, a=action: joint_cases.act_part(
                        s, seat, case_id, p.department_id, p.version, a, **PART))
                    assert ok == (action in shown), (seat_name, stage, part.role, action, ok)


def test_a_joint_case_offers_no_ordinary_department_action(db, city):
    """What the defect looked like: the lead's seat saw 处置完成/回退/申请延期 on the case, which
    the service refused (joint_case_parts); now those are its part's buttons."""
    lead, a, _, _ = _departments(city)
    c, *_ = bounced(db, city, 0)
    c = _joint(db, city, c, lead, [a])
    seat = user_of(db, city, lead)
    with db.session() as s:
        d = case_desk.case_detail(s, c.case_id, seat)
    assert available(seat, d.status, extension_pending=False, department_id=d.department_id) \
        == ["return", "request_extension", "mark_handled", "add_note"]      # as before
    assert available(seat, d.status, extension_pending=False, department_id=d.department_id,
                     joint=True) == ["add_note"]
    with pytest.raises(DomainError) as e, db.transaction() as s:
        cases.mark_handled(s, seat, c.case_id, d.version)
    assert e.value.code == "joint_case_parts"
    lead_part = d.parts[0]
    assert joint_cases.offered(lead_part, seat, case_status=d.status, joint_in_force=True) == [
        PartAction.ACCEPT, PartAction.REPLY, PartAction.RETURN, PartAction.REQUEST_EXTENSION]
