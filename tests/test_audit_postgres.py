"""The audit trail on PostgreSQL: concurrent appenders cannot fork the chain; the seats' role
cannot rewrite the trail yet works a normal day; pg_dump backups restore and verify."""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from console.cli import main
from console.domain.roles import Role
from console.services import cases as svc
from console.services import positions, settings
from console.services.actor import Actor, actor_for
from console.sim.demo import build_demo
from console.store import audit, feed
from console.store.database import open_database
from console.store.models import AuditRecord, CaseEvent, Cell, Device, PatrolOfficer, User
from console.store.retry import in_transaction
from tests.pg_server import PG_URL, fresh_database, needs_pg

pytestmark = needs_pg
T0 = datetime(2026, 11, 23, 10, 0)
INT_KEYS = ("alert_idle_min", "alert_offline_min", "alert_off_post_min")


@pytest.fixture(scope="module")
def pg_url():
    with fresh_database("console_audit") as url:
        db = open_database(url)
        build_demo(db, seed=4, cells=200, cases=300, now=T0)
        db.dispose()
        yield url


@pytest.fixture
def pg(pg_url):
    db = open_database(pg_url)
    yield db
    db.dispose()


def _actors(db) -> tuple[Actor, Actor, Actor]:
    """The demo city's stored dispatcher, duty leader and administrator (services act only as
    users the database holds)."""
    with db.session() as s:
        leader = s.scalar(select(User.username).where(User.role == Role.LEADER.value,
                                                      User.active.is_(True)).order_by(User.id))
        return actor_for(s), actor_for(s, leader), actor_for(s, "admin")


def _cell(db) -> str:
    with db.session() as s:
        return s.scalar(select(Cell.code).order_by(Cell.id).limit(1))


def test_concurrent_appenders_never_fork_the_chain(pg):
    DESK, _, ADMIN = _actors(pg)
    cell, threads_n, rounds = _cell(pg), 6, 8
    with pg.session() as s:
        before = {c: s.scalar(select(func.count()).select_from(audit.TABLES[c])) for c in audit.TABLES}
    errors: list[BaseException] = []
    for round_ in range(rounds):
        barrier = threading.Barrier(threads_n)

        def appender(i: int) -> None:
            # Different days and keys: no other lock (the day's case number, the setting's row)
            # orders these writers; only the chain's own append does.
            try:
                barrier.wait(10)
                if i % 2:
                    in_transaction(pg, lambda s: svc.report(
                        s, DESK, category_code="20102", source="hotline", cell_code=cell,
                        at=T0 + timedelta(days=100 * round_ + i)))
                else:
                    in_transaction(pg, lambda s: settings.set_setting(
                        s, ADMIN, INT_KEYS[i // 2], 20 + round_, T0))
            except BaseException as exc:   # reported below
                errors.append(exc)
        workers = [threading.Thread(target=appender, args=(i,)) for i in range(threads_n)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
    assert not errors, errors[:3]
    report = audit.verify(pg.engine)
    assert report.ok, report.first_break
    lengths = {c.table: c.length for c in report.chains}
    assert lengths[audit.CASE_EVENTS] == before[audit.CASE_EVENTS] + rounds * threads_n // 2
    assert lengths[audit.AUDIT] == before[audit.AUDIT] + rounds * threads_n // 2


@pytest.fixture
def seat_url(pg, pg_url, monkeypatch):
    """The seats' role, made by `init-db --grant-seat-role` (password from the environment)."""
    with pg.engine.connect() as con:
        if not con.execute(text("SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user")
                           ).scalar():
            pytest.skip("the test server's role may not create roles (.ci/run grants CREATEROLE)")
    name, password = f"seat_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    monkeypatch.setenv("CITY_CONSOLE_SEAT_PASSWORD", password)
    assert main(["init-db", "--db", pg_url, "--grant-seat-role", name]) == 0
    assert main(["init-db", "--db", pg_url, "--grant-seat-role", name]) == 0   # idempotent
    yield make_url(pg_url).set(username=name, password=password).render_as_string(False)
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with pg.engine.begin() as con:
        database = con.execute(text("SELECT current_database()")).scalar_one()
        for sql in ("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}",
                    "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {r}",
                    "REVOKE ALL ON SCHEMA public FROM {r}",
                    f'REVOKE ALL ON DATABASE "{database}" FROM {{r}}'):
            con.execute(text(sql.format(r=f'"{name}"')))
    with admin.connect() as con:
        con.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    admin.dispose()


REWRITES = [
    "UPDATE case_events SET note = 'x'",
    "DELETE FROM case_events",
    "TRUNCATE case_events CASCADE",
    "ALTER TABLE case_events DISABLE TRIGGER case_events_append_only",
    "DROP TRIGGER case_events_append_only ON case_events",
    "UPDATE audit SET seat = 'x'",
    "DELETE FROM audit",
    "TRUNCATE audit",
    "ALTER TABLE audit DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_append_only ON audit",
    "ALTER TABLE case_events DROP COLUMN hash",
    "CREATE TABLE shadow (id int)",
]


def test_the_seat_role_cannot_rewrite_the_trail_but_works_a_day(pg, seat_url):
    DESK, LEADER, _ = _actors(pg)
    seat = open_database(seat_url)
    try:
        engine = seat.engine
        for sql in REWRITES:
            with pytest.raises(DBAPIError) as info, engine.begin() as con:
                con.execute(text(sql))
            assert info.value.orig.pgcode in ("42501", "42P01"), (sql, info.value)  # no privilege
        cell = _cell(seat)
        with seat.session() as s:
            since = feed.current_seq(s)
        change = in_transaction(seat, lambda s: svc.report(
            s, DESK, category_code="20301", source="hotline", cell_code=cell))
        with seat.session() as s:
            device = s.scalar(select(Device.unique_id).limit(1))
            patrol = s.scalar(select(PatrolOfficer.id).limit(1))
        # A hotline report: 核实 (sent, 属实) before 立案, as the seat's role.
        for step in (lambda s, c: svc.request_verify(s, DESK, c.case_id, c.version,
                                                     patrol_id=patrol),
                     lambda s, c: svc.confirm(s, DESK, c.case_id, c.version),
                     lambda s, c: svc.register(s, DESK, c.case_id, c.version),
                     lambda s, c: svc.dispatch(s, DESK, c.case_id, c.version),
                     lambda s, c: svc.mark_handled(s, LEADER, c.case_id, c.version),
                     lambda s, c: svc.request_check(s, DESK, c.case_id, c.version, patrol_id=patrol),
                     lambda s, c: svc.close(s, DESK, c.case_id, c.version)):
            change = in_transaction(seat, lambda s, c=change, f=step: f(s, c))
        assert change.status == "closed"
        in_transaction(seat, lambda s: positions.record_positions(
            s, [positions.Fix(device, datetime.now().replace(microsecond=0), 30.27, 120.15)]))
        with seat.session() as s:
            batch = feed.changes_since(s, since)
        assert [r.action for r in batch.rows if r.entity == "case"] == [
            "report", "request_verify", "confirm", "register", "dispatch", "mark_handled",
            "request_check", "close"]
        assert any(p.device_id for p in batch.positions)
        assert audit.verify(engine).ok
    finally:
        seat.dispose()


def test_pg_dump_backup_restores_and_verifies(pg, pg_url, tmp_path):
    path = tmp_path / "city.dump"
    assert main(["backup", "--db", pg_url, "--to", str(path)]) == 0
    with fresh_database("console_restore") as target:
        assert main(["restore", "--from", str(path), "--db", target]) == 0
        restored = open_database(target)
        try:
            with restored.session() as s, pg.session() as t:
                for model in (CaseEvent, AuditRecord):
                    assert s.scalar(select(func.count()).select_from(model)) == \
                        t.scalar(select(func.count()).select_from(model))
            assert audit.verify(restored.engine).ok
        finally:
            restored.dispose()
        assert main(["restore", "--from", str(path), "--db", target]) == 2   # not empty now
