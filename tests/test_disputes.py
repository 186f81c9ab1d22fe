"""Responsibility disputes (执法调处) on SQLite and PostgreSQL: a case returned too often is a
dispute; the leader's ruling binds dispatch and returns; it is a precedent nearby; the agenda
exports."""
from __future__ import annotations

from datetime import timedelta

import pytest
from openpyxl import load_workbook

from console.domain.errors import DomainError
from console.services import cases, disputes, joint_cases
from console.services.settings import set_setting
from tests.service_city import CENTRE, MANHOLE, MON, STEP, load, report
from tests.test_joint_cases import db  # noqa: F401 - both databases

LABELS = {k: k for k in ("number", "category", "address", "community", "returns", "returned_by",
                         "owner", "reason", "ruled_by", "ruled_at", "exported")}
LABELS |= {"open_sheet": "待调处", "ruled_sheet": "已裁定"}


def bounced(db, city, times, **kw):
    """A case dispatched and returned as not-ours `times` times, by two departments in turn."""
    names = sorted(city.departments)
    depts = [city.departments[names[0]], city.departments[names[1]]]
    users = [user_of(db, city, d) for d in depts]
    c = report(db, city.dispatcher, **kw)
    at = MON + timedelta(minutes=1)
    with db.transaction() as s:
        c = cases.register(s, city.dispatcher, c.case_id, c.version, at=at)
    for i in range(times):
        at += timedelta(minutes=1)
        with db.transaction() as s:
            c = cases.dispatch(s, city.dispatcher, c.case_id, c.version,
                               department_id=depts[i % 2], at=at)
            c = cases.return_case(s, users[i % 2], c.case_id, c.version, reason="不属本单位",
                                  at=at + timedelta(seconds=30))
    return c, depts, users, at


def user_of(db, city, department_id):
    """The department's user (made once per test)."""
    from sqlalchemy import select

    from console.domain.roles import Role
    from console.services.actor import Actor
    from console.store.models import User
    with db.session() as s:
        user = s.scalars(select(User).where(User.username == f"dept{department_id}")).first()
        if user is not None:
            return Actor(user.id, user.display_name, Role.DEPARTMENT, department_id)
    return city.dept_user(db, department_id)


def test_a_case_returned_more_than_the_setting_becomes_a_dispute(db, city):
    c, depts, users, at = bounced(db, city, 2)
    with db.session() as s:
        assert disputes.open_disputes(s) == []          # 2 returns: not more than 2
    with db.transaction() as s:
        set_setting(s, _admin(db, s), "dispute_returns", 1, at)
    with db.session() as s:
        (d,) = disputes.open_disputes(s)
    assert d.number == c.number and d.returns == 2 and len(d.returned_by) == 2


def _admin(db, s):
    from console.domain.roles import Role
    from console.services.actor import Actor
    from console.store.models import User
    user = User(username="admin-joint", display_name="管理员", role=Role.ADMIN)
    s.add(user)
    s.flush()
    return Actor(user.id, user.display_name, Role.ADMIN)


def test_ruling_binds_dispatch_and_returns_and_is_a_precedent(db, city, tmp_path):
    c, depts, users, at = bounced(db, city, 3)
    owner = depts[1]
    with db.session() as s:
        assert [d.case_id for d in disputes.open_disputes(s)] == [c.case_id]
    # Only the command may rule; a reason is required.
    for actor, reason, code in ((city.dispatcher, "x", "role_not_allowed"),
                                (city.leader, "", "reason_required")):
        with pytest.raises(DomainError) as e, db.transaction() as s:
            disputes.rule(s, actor, c.case_id, department_id=owner, reason=reason, at=at)
        assert e.value.code == code
    with db.transaction() as s:
        ruling = disputes.rule(s, city.leader, c.case_id, department_id=owner,
                               reason="河道岸线5米内属水务", at=at + timedelta(minutes=1))
    assert ruling.department_id == owner
    with db.session() as s:
        assert disputes.open_disputes(s) == []
    with pytest.raises(DomainError) as e, db.transaction() as s:
        disputes.rule(s, city.leader, c.case_id, department_id=depts[0], reason="再裁")
    assert e.value.code == "dispute_already_ruled"
    # Dispatch elsewhere is refused; without a department it goes to the owner.
    with pytest.raises(DomainError) as e, db.transaction() as s:
        cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=depts[0],
                       at=at + timedelta(minutes=2))
    assert e.value.code == "dispute_ruled_owner"
    with db.transaction() as s:
        c = cases.dispatch(s, city.dispatcher, c.case_id, c.version, at=at + timedelta(minutes=2))
    with pytest.raises(DomainError) as e, db.transaction() as s:
        cases.return_case(s, users[1], c.case_id, c.version, reason="还是不归我们",
                          at=at + timedelta(minutes=3))
    assert e.value.code == "ruled_owner_cannot_return"
    case, events = load(db, c.case_id)
    assert case.department_id == owner and "dispute_rule" in [e.action for e in events]
    # A new case of the same category 100 m away sees the precedent; one 500 m away does not.
    near = report(db, city.dispatcher, lon=CENTRE[0] + STEP / 3, lat=CENTRE[1] + STEP / 3)
    with db.session() as s:
        shown = disputes.precedents_for_case(s, near.case_id, None)
        assert [r.case_id for r in shown] == [c.case_id] and shown[0].distance_m <= 300
        far = disputes.precedents(s, None, case.category_code, case.lon + 0.006, case.lat)
        other = disputes.precedents(s, None, MANHOLE, case.lon, case.lat)
    assert far == [] and other == []
    # The joint meeting's agenda.
    with db.session() as s:
        agenda = disputes.agenda(s, None)
    path = disputes.export_agenda(agenda, tmp_path / "agenda.xlsx", title="联席会议议题",
                                  labels=LABELS, exported_at=at)
    wb = load_workbook(path)
    assert wb.sheetnames == ["待调处", "已裁定"]
    ruled = [[c.value for c in row] for row in wb["已裁定"].iter_rows(min_row=5)]
    assert ruled[0][0] == c.number and ruled[0][4] == "河道岸线5米内属水务"


def test_a_ruled_owner_cannot_return_its_assisting_part_either(db, city):
    c, depts, users, at = bounced(db, city, 3)
    lead = depts[0]
    with db.transaction() as s:
        disputes.rule(s, city.leader, c.case_id, department_id=depts[1], reason="归乙",
                      at=at + timedelta(minutes=1))
    with db.transaction() as s:
        c = joint_cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=depts[1],
                                 assisting=[lead], at=at + timedelta(minutes=2))
        part_version = joint_cases.parts(s, c.case_id, None)[0].version
    with pytest.raises(DomainError) as e, db.transaction() as s:
        joint_cases.act_part(s, users[1], c.case_id, depts[1], part_version, "part_return",
                             reason="不归", at=at + timedelta(minutes=3))
    assert e.value.code == "ruled_owner_cannot_return"


def test_two_leaders_ruling_at_once_one_ruling_stands(db, city, request):
    import threading

    from console.store.database import open_database
    c, depts, users, at = bounced(db, city, 3)
    seats = [open_database(request.node.db_url) for _ in range(2)]
    gate = threading.Barrier(2)
    outcome: list[object] = [None, None]

    def seat(k):
        try:
            with seats[k].transaction() as s:
                assert disputes.open_disputes(s)      # both saw the open dispute
                gate.wait(timeout=10)
                outcome[k] = disputes.rule(s, city.leader, c.case_id, department_id=depts[k],
                                           reason=f"裁定{k}", at=at + timedelta(minutes=1))
        except Exception as exc:     # noqa: BLE001 - the test inspects it
            outcome[k] = exc
    try:
        threads = [threading.Thread(target=seat, args=(k,)) for k in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=30)
    finally:
        for d in seats:
            d.dispose()
    won = [o for o in outcome if isinstance(o, disputes.Ruling)]
    lost = [o for o in outcome if isinstance(o, DomainError)]
    assert len(won) == 1 and len(lost) == 1, outcome
    assert lost[0].code == "dispute_already_ruled"
    with db.session() as s:
        (ruling,) = disputes.rulings(s, None)
    assert ruling.department_id == won[0].department_id
    _, events = load(db, c.case_id)
    assert [e.action for e in events].count("dispute_rule") == 1
