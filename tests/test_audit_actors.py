"""Every administrative entry point records its actor in the audit trail: the user, the seat
(host name) and the time — settings, users, reference data and alert acknowledgements."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from console.domain.errors import DomainError
from console.services import alert_actions, roster, settings, users
from console.services.alerts import AlertEngine
from console.store import audit
from console.store.models import AuditRecord, Department, User
from tests import alert_city

PW = "长城永不倒-2026"
T = alert_city.MONDAY.replace(hour=9)


def _rows(db) -> list[AuditRecord]:
    with db.session() as s:
        rows = list(s.scalars(select(AuditRecord).order_by(AuditRecord.chain_seq)))
        s.expunge_all()
    return rows


def test_each_entry_point_records_who_where_and_when(db, monkeypatch):
    monkeypatch.setattr(audit, "_seat", "seat-值班-3")
    acity = alert_city.build(db)
    with db.transaction() as s:
        admin = users.create_first_administrator(s, "root", "管理员", PW, T)
    with db.session() as s:
        department_id = s.scalars(select(Department.id).where(Department.active.is_(True))).first()
        desk_id = s.scalars(select(User.id).where(User.id == acity.desk.user_id)).one()
    alert_city.report(db, acity, T, category=alert_city.URGENT)
    alert_city.evaluate(db, AlertEngine(), T)
    with db.session() as s:
        alert = next(a for a in alert_actions.open_alerts(s) if a.kind == "offline")

    steps = []   # (expected entity, entity id, actor id, the call)

    def step(entity, entity_id, actor, fn):
        steps.append((entity, entity_id, actor.user_id, fn))

    step("user", admin.user_id, admin, None)   # the first administrator, made above
    new_id = {}

    def create(s):
        new_id["v"] = users.create_user(
            s, admin, username="liaison", display_name="联络员", role="department",
            password=PW, department_id=department_id, at=T + timedelta(minutes=1))
    steps.append(("user", None, admin.user_id, create))
    steps.append(("user", None, admin.user_id, lambda s: users.update_user(
        s, admin, new_id["v"], display_name="联络员甲", role="department",
        department_id=department_id, at=T + timedelta(minutes=2))))
    steps.append(("user", None, admin.user_id, lambda s: users.reset_password(
        s, admin, new_id["v"], "另一个密码-2026", at=T + timedelta(minutes=3))))
    steps.append(("user", None, admin.user_id, lambda s: users.set_active(
        s, admin, new_id["v"], False, at=T + timedelta(minutes=4))))
    steps.append(("user", admin.user_id, admin.user_id, lambda s: users.change_own_password(
        s, admin, PW, "新的管理密码-2027", at=T + timedelta(minutes=5))))
    step("settings", "seat_idle_lock_min", admin, lambda s: settings.set_setting(
        s, admin, "seat_idle_lock_min", 7, T + timedelta(minutes=6)))
    step("category", None, admin, lambda s: roster.set_category_limit(
        s, admin, alert_city.URGENT, 3, "hours", at=T + timedelta(minutes=7)))
    step("department", None, admin, lambda s: roster.set_department(
        s, admin, None, "新设部门", at=T + timedelta(minutes=8)))
    step("alert", str(alert.id), acity.desk, lambda s: alert_actions.acknowledge(
        s, acity.desk, [alert.id], note="已处理", at=T + timedelta(minutes=9)))
    assert desk_id == acity.desk.user_id

    for n, (_, _, _, fn) in enumerate(steps):
        if fn is not None:
            with db.transaction() as s:
                fn(s)
    rows = [r for r in _rows(db) if r.entity != "device"]
    assert [r.entity for r in rows] == [e for e, *_ in steps]
    for row, (entity, entity_id, actor_id, _) in zip(rows, steps):
        assert (row.actor_id, row.seat) == (actor_id, "seat-值班-3"), row.entity
        assert row.actor_name and row.actor_role
        if entity_id is not None:
            assert row.entity_id == str(entity_id)
    user_rows = [r for r in rows if r.entity == "user"]
    assert [r.at for r in user_rows] == [T + timedelta(minutes=m) for m in range(6)]
    assert {r.entity_id for r in user_rows[1:5]} == {str(new_id["v"])}
    # That a password changed is recorded; the password itself never is.
    assert all(PW not in str(r.data) and "另一个" not in str(r.data) for r in rows)
    assert audit.verify(db.engine).ok


def test_a_refused_change_records_nothing(db):
    with db.transaction() as s:
        admin = users.create_first_administrator(s, "root", "管理员", PW, T)
    before = len(_rows(db))
    with pytest.raises(DomainError), db.transaction() as s:
        users.create_user(s, admin, username="nodept", display_name="无部门", role="department",
                          password=PW, at=T)
    assert len(_rows(db)) == before


def test_a_liaison_cannot_join_a_retired_department(db):
    with db.transaction() as s:
        admin = users.create_first_administrator(s, "root", "管理员", PW, T)
        department = Department(name="已撤销部门", active=False)
        s.add(department)
        s.flush()
        department_id = department.id
    with pytest.raises(DomainError) as err, db.transaction() as s:
        users.create_user(s, admin, username="late", display_name="迟到", role="department",
                          password=PW, department_id=department_id, at=T)
    assert err.value.code == "department_retired"
