"""The audit trail's hash chain: every write links to the one before, in commit order; verify
names the first link a change, a forged row or a deleted row breaks."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from console.cli import main
from console.domain.roles import Role
from console.services.actor import actor_for
from console.services import cases, devices, roster, settings
from console.store import audit
from console.store.models import AuditRecord, CaseEvent
from tests.service_city import MON, city, do, report  # noqa: F401  (fixture)


def _workflow(db, city, n: int = 3) -> list[int]:
    ids = []
    for _ in range(n):
        change = report(db, city.dispatcher)
        change = do(db, cases.register, city.dispatcher, change, at=MON)
        ids.append(change.case_id)
    with db.transaction() as s:
        settings.set_setting(s, actor_for(s, "admin"), "alert_idle_min", 25, MON)
        roster.set_officer_active(s, city.leader, city.officer_id, True, at=MON)
    return ids


def _raw(db, *statements: str) -> None:
    """As an attacker with the owner's rights: the append-only triggers dropped first."""
    with db.engine.begin() as con:
        for name in ("case_events_no_update", "case_events_no_delete", "audit_no_update",
                     "audit_no_delete"):
            con.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        for sql in statements:
            con.exec_driver_sql(sql)


def test_every_write_is_chained_with_its_seat_and_verifies(db, city, monkeypatch):
    monkeypatch.setattr(audit, "_seat", "seat-7")
    _workflow(db, city)
    with db.session() as s:
        admin_name = actor_for(s, "admin").name   # only an administrator edits shared settings
        events = s.execute(select(CaseEvent.seat, CaseEvent.chain_seq, CaseEvent.actor_name)
                           .order_by(CaseEvent.chain_seq)).all()
        records = s.scalars(select(AuditRecord).order_by(AuditRecord.chain_seq)).all()
    assert [e.chain_seq for e in events] == list(range(1, 7))
    assert {e.seat for e in events} == {"seat-7"}
    assert [(r.entity, r.entity_id, r.actor_name, r.seat) for r in records] == [
        ("settings", "alert_idle_min", admin_name, "seat-7"),
        ("officer", str(city.officer_id), city.leader.name, "seat-7")]
    assert records[0].data == {"key": "alert_idle_min", "value": 25}
    report_ = audit.verify(db.engine)
    assert report_.ok and [c.length for c in report_.chains] == [6, 2]


def test_a_changed_row_is_named_with_its_time_and_table(db, city, capsys):
    _workflow(db, city)
    with db.session() as s:
        target = s.scalars(select(CaseEvent).where(CaseEvent.chain_seq == 4)).one()
    _raw(db, f"UPDATE case_events SET note = 'rewritten' WHERE id = {target.id}")
    broken = audit.verify(db.engine).first_break
    assert (broken.table, broken.chain_seq, broken.row_id, broken.at, broken.reason) == (
        "case_events", 4, target.id, target.at, "changed")
    assert main(["audit", "verify", "--db", str(db.engine.url.database)]) == 1
    out = capsys.readouterr().out
    assert "case_events" in out and "chain_seq 4" in out and str(target.at) in out


def test_a_forged_row_is_named(db, city):
    _workflow(db, city)
    with db.session() as s:
        last = s.scalars(select(AuditRecord).order_by(AuditRecord.chain_seq.desc())).first()
    _raw(db, "INSERT INTO audit (chain_seq, at, actor_id, actor_name, actor_role, seat, entity, "
             "entity_id, action, data, hash) VALUES (3, '2026-03-09 11:00:00.000000', NULL, "
             f"'admin', 'admin', 'x', 'settings', 'k', 'changed', '{{}}', '{last.hash}')")
    broken = audit.verify(db.engine).first_break
    assert (broken.table, broken.chain_seq, broken.reason) == ("audit", 3, "changed")


def test_a_forged_row_with_a_recomputed_hash_no_longer_matches_the_head(db, city):
    _workflow(db, city)
    with db.session() as s:
        last = s.scalars(select(AuditRecord).order_by(AuditRecord.chain_seq.desc())).first()
    row = {"chain_seq": 3, "at": last.at, "actor_id": None, "actor_name": "admin",
           "actor_role": "admin", "seat": "x", "entity": "settings", "entity_id": "k",
           "action": "changed", "data": {}}
    forged = audit.link(last.hash, "audit", row)
    _raw(db, "INSERT INTO audit (chain_seq, at, actor_id, actor_name, actor_role, seat, entity, "
             f"entity_id, action, data, hash) VALUES (3, '{last.at.isoformat(' ', 'microseconds')}', "
             f"NULL, 'admin', 'admin', 'x', 'settings', 'k', 'changed', '{{}}', '{forged}')")
    assert audit.verify(db.engine).first_break.reason == "head_mismatch"


def test_a_row_deleted_in_the_middle_or_at_the_end_is_named(db, city):
    _workflow(db, city)
    with db.session() as s:
        after = s.scalars(select(CaseEvent).where(CaseEvent.chain_seq == 4)).one()
    _raw(db, "DELETE FROM case_events WHERE chain_seq = 3")
    broken = audit.verify(db.engine).first_break
    assert (broken.chain_seq, broken.row_id, broken.reason) == (4, after.id, "missing_before")
    _raw(db, "DELETE FROM case_events WHERE chain_seq >= 3")
    assert audit.verify(db.engine).first_break.reason == "tail_missing"


def test_an_unchained_row_is_named(db, city):
    _workflow(db, city, 1)
    with db.session() as s:
        case_id = s.scalar(select(func.max(CaseEvent.case_id)))
    _raw(db, "INSERT INTO case_events (case_id, at, actor_name, actor_role, action, to_status, "
             f"data) VALUES ({case_id}, '2026-03-09 12:00:00.000000', 'x', 'dispatcher', "
             "'close', 'closed', '{}')")
    assert audit.verify(db.engine).first_break.reason == "unchained"


def test_a_rolled_back_savepoint_leaves_no_link(db, city):
    with db.transaction() as s:
        try:
            with s.begin_nested():
                settings.set_setting(s, actor_for(s, "admin"), "alert_idle_min", 30, MON)
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        settings.set_setting(s, actor_for(s, "admin"), "alert_idle_min", 31, MON)
    with db.session() as s:
        assert [r.data["value"] for r in s.scalars(select(AuditRecord))] == [31]
    assert audit.verify(db.engine).ok


def test_alerts_devices_and_catalogues_are_recorded(db, city):
    with db.transaction() as s:
        devices.add_device(s, "phone-9", "P0001")
        devices.disable_device(s, "phone-9")
        roster.set_category_limit(s, city.leader, "20102", 5, "work_hours", at=MON)
        roster.set_department(s, city.leader, None, "新部门", at=MON)
    with db.session() as s:
        rows = s.execute(select(AuditRecord.entity, AuditRecord.actor_role)
                         .order_by(AuditRecord.chain_seq)).all()
    assert [r.entity for r in rows] == ["device", "device", "category", "department"]
    assert rows[0].actor_role == Role.SYSTEM.value
    assert audit.verify(db.engine).ok


def test_a_value_of_another_type_is_named_too(db, city):
    """SQLite keeps whatever type a raw UPDATE writes: the walk's fast path must not trip on it."""
    _workflow(db, city, 1)
    _raw(db, "UPDATE case_events SET actor_name = 42, at = 'yesterday' WHERE chain_seq = 2")
    broken = audit.verify(db.engine).first_break
    assert (broken.chain_seq, broken.reason) == (2, "changed")


def test_events_written_before_the_chain_are_linked_by_the_migration(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine

    from console.store import migrations
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        command.upgrade(migrations.alembic_config(engine), "0004")
        with engine.begin() as con:
            con.exec_driver_sql(
                "INSERT INTO cases (id, number, source, category_code, status, reported_at, version,"
                " updated_at, address, description, photos, urgent, rework_count, extension_count,"
                " return_count, supervision_level) VALUES (1, '202601010001', 'hotline', '20301',"
                " 'registered', '2026-01-01 08:00:00.000000', 2, '2026-01-01 08:00:00.000000', '',"
                " '', '[]', 0, 0, 0, 0, 0)")
            for n, (action, to) in enumerate([("report", "reported"), ("register", "registered")]):
                con.exec_driver_sql(
                    "INSERT INTO case_events (case_id, at, actor_name, actor_role, action, to_status,"
                    f" data) VALUES (1, '2026-01-01 08:0{n}:00.000000', '张', 'dispatcher', "
                    f"'{action}', '{to}', '{{\"n\": {n}}}')")
        migrations.upgrade(engine)
        report_ = audit.verify(engine)
        assert report_.ok and report_.chains[0].length == 2
        with pytest.raises(Exception, match="append-only"), engine.begin() as con:
            con.exec_driver_sql("UPDATE case_events SET note = 'x'")   # the seal is back
    finally:
        engine.dispose()


def test_alert_acknowledgements_and_escalations_are_recorded(db):
    from datetime import timedelta

    from console.services import alert_actions
    from console.services.alerts import AlertEngine
    from tests import alert_city
    t = alert_city.MONDAY.replace(hour=9)
    acity = alert_city.build(db)
    alert_city.report(db, acity, t, category=alert_city.URGENT)
    alert_city.evaluate(db, AlertEngine(), t)
    with db.session() as s:
        alert = next(a for a in alert_actions.open_alerts(s) if a.kind == "offline")
    with db.transaction() as s:
        alert_actions.acknowledge(s, acity.desk, [alert.id], note="已通知", at=t + timedelta(minutes=1))
        alert_actions.escalate(s, acity.desk, alert.id, at=t + timedelta(minutes=2))
    with db.session() as s:
        rows = s.execute(select(AuditRecord.entity, AuditRecord.entity_id, AuditRecord.action,
                                AuditRecord.actor_name, AuditRecord.data)
                         .where(AuditRecord.entity == "alert").order_by(AuditRecord.chain_seq)).all()
    assert [tuple(r) for r in rows] == [
        ("alert", str(alert.id), "acknowledged", acity.desk.name, {"note": "已通知"}),
        ("alert", str(alert.id), "escalated", acity.desk.name, {"level": alert.level + 1})]
    assert audit.verify(db.engine).ok
