"""The same store, services and feed on PostgreSQL (the command centre's shared server).

Runs when CITY_CONSOLE_TEST_PG_URL names a server database the tests may create databases
from (`.ci/run` starts a local PostgreSQL and sets it); skipped otherwise.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from console.domain.errors import StaleVersion
from console.services import cases as svc
from console.services.actor import actor_for
from console.sim.demo import build_demo
from console.sim.simulator import SimCore
from console.store import feed
from console.store.database import open_database
from console.store.models import Base, Case, CaseEvent, Cell, PatrolOfficer
from console.store.queue_queries import include_in_schema_comparison
from tests.pg_server import fresh_database, needs_pg

pytestmark = needs_pg


@pytest.fixture(scope="module")
def pg_url():
    """A fresh database on the server for this module, dropped afterwards."""
    with fresh_database("console_test") as url:
        yield url


@pytest.fixture(scope="module")
def pg(pg_url):
    db = open_database(pg_url)
    build_demo(db, seed=4, cells=300, cases=600, now=datetime(2026, 11, 23, 10, 0))
    yield db
    db.dispose()


def test_migrated_schema_matches_the_models(pg):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    with pg.engine.connect() as con:
        ctx = MigrationContext.configure(con, opts={"include_name": include_in_schema_comparison})
        assert compare_metadata(ctx, Base.metadata) == []


def _a_cell(db) -> str:
    with db.session() as s:
        return s.scalar(select(Cell.code).order_by(Cell.id).limit(1))


def test_full_cycle_and_events(pg):
    cell = _a_cell(pg)
    with pg.session() as s:
        patrol = s.scalar(select(PatrolOfficer.id).limit(1))
    with pg.transaction() as s:
        c = svc.report(s, actor_for(s), category_code="20301", source="hotline", cell_code=cell)
    # A hotline report is verified on site (核实) before 立案.
    for step in (lambda s, c: svc.request_verify(s, actor_for(s), c.case_id, c.version,
                                                 patrol_id=patrol),
                 lambda s, c: svc.confirm(s, actor_for(s), c.case_id, c.version),
                 lambda s, c: svc.register(s, actor_for(s), c.case_id, c.version),
                 lambda s, c: svc.dispatch(s, actor_for(s), c.case_id, c.version),
                 lambda s, c: svc.mark_handled(s, actor_for(s, "leader1"), c.case_id, c.version),
                 lambda s, c: svc.request_check(s, actor_for(s), c.case_id, c.version, patrol_id=patrol),
                 lambda s, c: svc.close(s, actor_for(s), c.case_id, c.version)):
        with pg.transaction() as s:
            c = step(s, c)
    with pg.session() as s:
        case = s.get(Case, c.case_id)
        actions = s.scalars(select(CaseEvent.action).where(CaseEvent.case_id == c.case_id)
                            .order_by(CaseEvent.id)).all()
    assert case.status == "closed" and case.version == 8 and case.deadline is not None
    assert actions == ["report", "request_verify", "confirm", "register", "dispatch",
                       "mark_handled", "request_check", "close"]
    assert case.verify_patrol_id == patrol and case.verified_at is not None


def test_concurrent_reports_get_unique_consecutive_numbers(pg, pg_url):
    cell = _a_cell(pg)
    numbers: list[str] = []
    lock = threading.Lock()

    def writer():
        db = open_database(pg_url)
        try:
            for _ in range(15):
                with db.transaction() as s:
                    n = svc.report(s, actor_for(s), category_code="20301", source="hotline",
                                   cell_code=cell).number
                with lock:
                    numbers.append(n)
        finally:
            db.dispose()

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    serials = sorted(int(n[8:]) for n in numbers)
    assert len(set(numbers)) == 45
    assert serials == list(range(serials[0], serials[0] + 45))


def test_stale_version_refused_and_nothing_written(pg):
    with pg.transaction() as s:
        c = svc.report(s, actor_for(s), category_code="20301", source="patrol", cell_code=_a_cell(pg))
    with pg.transaction() as s:
        svc.register(s, actor_for(s), c.case_id, c.version)
    with pg.session() as s:
        seq = feed.current_seq(s)
    with pytest.raises(StaleVersion), pg.transaction() as s:
        svc.reject(s, actor_for(s), c.case_id, c.version, reason="重复上报")
    with pg.session() as s:
        assert feed.current_seq(s) == seq
        assert s.scalar(select(func.count()).select_from(CaseEvent)
                        .where(CaseEvent.case_id == c.case_id)) == 2


def test_feed_reader_sees_every_change_of_concurrent_writers_in_order(pg, pg_url):
    """Two case writers, one position writer and one poller: the poller's batches add up to
    every row and every device's last position, never skipping or repeating one."""
    from console.services.positions import Fix, record_positions
    cell = _a_cell(pg)
    devices = ("patrol-0001", "patrol-0002", "patrol-0003")
    t0 = datetime(2026, 11, 23, 12, 0)
    with pg.session() as s:
        start = feed.current_seq(s)
    done = threading.Event()
    seen: list[int] = []
    fixes: list[tuple[int, datetime]] = []

    def writer():
        db = open_database(pg_url)
        try:
            for _ in range(20):
                with db.transaction() as s:
                    svc.report(s, actor_for(s), category_code="20301", source="hotline", cell_code=cell)
        finally:
            db.dispose()

    def mover():
        db = open_database(pg_url)
        try:
            for i in range(1, 31):
                with db.transaction() as s:
                    record_positions(s, [Fix(d, t0 + timedelta(seconds=i), 30.27, 120.15)
                                         for d in devices])
        finally:
            db.dispose()

    def reader():
        since = start
        while True:
            finished = done.is_set()
            with pg.session() as s:
                batch = feed.changes_since(s, since)
            seen.extend(r.seq for r in batch.rows)
            fixes.extend((p.device_id, p.at) for p in batch.positions)
            since = batch.seq
            if finished:
                return

    poller = threading.Thread(target=reader)
    poller.start()
    writers = [threading.Thread(target=writer) for _ in range(2)] + [threading.Thread(target=mover)]
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    done.set()
    poller.join()
    assert len(seen) == 40 and seen == sorted(seen) and len(set(seen)) == 40
    assert len(set(fixes)) == len(fixes)                       # no position twice
    last = {}
    for device_id, at in fixes:
        last[device_id] = at
    assert sorted(last.values()) == [t0 + timedelta(seconds=30)] * 3   # each device's last fix


def test_case_events_are_append_only(pg):
    from sqlalchemy.exc import DatabaseError
    for statement in ("UPDATE case_events SET note = 'rewritten'", "DELETE FROM case_events"):
        with pytest.raises(DatabaseError, match="append-only"), pg.transaction() as s:
            s.execute(text(statement))


def test_simulator_runs_on_postgres(pg):
    core = SimCore(pg, seed=4, speed=20)
    t0 = datetime(2026, 11, 23, 10, 0)
    for second in range(0, 900, 5):
        core.tick(t0 + timedelta(seconds=second))
    assert core.counts["fixes"] > 0 and core.counts["actions"] > 0
