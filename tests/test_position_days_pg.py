"""Position history by day on PostgreSQL: the migration converts a filled table, a fix for a day
without a partition is kept (DEFAULT partition) and moved into its day later, retention drops
whole days, and every reader of positions (trail, day track, takeover replay, intake upsert)
reads across the partitions."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from console.cli import main
from console.ingest.pruner import prune_once
from console.services import map_patrols
from console.services.intake import IntakeFix, write_fixes
from console.store import migrations, patrol_queries, position_days
from console.store.database import open_database
from console.store.models import Device, LatestPosition, Position
from tests.pg_server import PG_URL, fresh_database, needs_pg

pytestmark = needs_pg
DEV = "patrol-0001"


@pytest.fixture
def db():
    """A fresh migrated PostgreSQL database per test (the `city` fixture fills it)."""
    with fresh_database("position_days") as url:
        database = open_database(url)
        database.test_url = url
        yield database
        database.dispose()


@pytest.fixture
def seat_db(db, monkeypatch):
    """The same database as the seat role `serve` connects with (init-db --grant-seat-role)."""
    with db.engine.connect() as con:
        if not con.execute(text("SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user")
                           ).scalar():
            pytest.skip("the test server's role may not create roles (.ci/run grants CREATEROLE)")
    name, password = f"seat_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    monkeypatch.setenv("CITY_CONSOLE_SEAT_PASSWORD", password)
    assert main(["init-db", "--db", db.test_url, "--grant-seat-role", name]) == 0
    seat = open_database(make_url(db.test_url).set(username=name, password=password)
                         .render_as_string(False), upgrade=False)
    yield seat
    seat.dispose()
    with db.engine.begin() as con:
        database = con.execute(text("SELECT current_database()")).scalar_one()
        for sql in ("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}",
                    "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {r}",
                    "REVOKE ALL ON SCHEMA public FROM {r}",
                    f'REVOKE ALL ON DATABASE "{database}" FROM {{r}}'):
            con.execute(text(sql.format(r=f'"{name}"')))
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    admin.dispose()


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour))


def _insert(db, times: list[datetime]) -> list[int]:
    with db.transaction() as s:
        device = s.scalars(select(Device)).one()
        return list(s.scalars(insert(Position).returning(Position.id),
                              [{"device_id": device.id, "patrol_officer_id": device.patrol_officer_id,
                                "at": at, "lat": 30.27, "lon": 120.15} for at in times]))


def _where(db, ids: list[int]) -> list[str]:
    """The partition each row lives in."""
    with db.session() as s:
        return [s.execute(text("SELECT tableoid::regclass::text FROM positions WHERE id = :i"),
                          {"i": i}).scalar_one() for i in ids]


def test_the_table_is_partitioned_with_days_made_ahead(db):
    today = date.today()
    with db.session() as s:
        assert position_days.is_partitioned(s)
        have = position_days.days(s)
    assert {today + timedelta(days=n) for n in range(-1, position_days.AHEAD_DAYS + 1)} <= set(have)


def test_a_fix_for_a_day_without_partition_is_kept_then_moved_into_its_day(db, city):
    today = date.today()
    stray, far = today - timedelta(days=5), today + timedelta(days=400)
    ids = _insert(db, [_at(stray), _at(far), _at(today)])
    assert _where(db, ids) == [position_days.DEFAULT, position_days.DEFAULT,
                               position_days.partition_name(today)]
    prune_once(db, datetime.now())
    # The kept day got its partition with the row in it (same id); a clock 400 days ahead
    # stays in the default partition instead of making a table for a day that is far off.
    assert _where(db, ids) == [position_days.partition_name(stray), position_days.DEFAULT,
                               position_days.partition_name(today)]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Position)) == 3


def test_retention_drops_whole_old_days_and_old_strays(db, city):
    today = date.today()
    old, kept = today - timedelta(days=100), today - timedelta(days=89)
    with db.transaction() as s:
        position_days.add_day(s, old)
    ids = _insert(db, [_at(old), _at(old, 11), _at(today - timedelta(days=95)), _at(kept), _at(today)])
    prune_once(db, datetime.now())      # positions_keep_days is 90
    with db.session() as s:
        assert old not in position_days.days(s)
        assert kept in position_days.days(s)
        left = list(s.scalars(select(Position.id).order_by(Position.id)))
    assert left == ids[3:]        # the dropped day, the old stray of the default partition gone


def test_serve_as_the_seat_role_keeps_the_days_but_cannot_drop_a_kept_one(db, city, seat_db):
    """`serve` connects as the seat role, which owns no table: the days are made and dropped
    through the owner's functions, and those refuse a day retention keeps."""
    today = date.today()
    old, stray = today - timedelta(days=100), today - timedelta(days=3)
    with db.transaction() as s:
        position_days.add_day(s, old)
    ids = _insert(db, [_at(old), _at(stray)])
    with seat_db.session() as s, pytest.raises(DBAPIError):   # the role may make no table
        s.execute(text("CREATE TABLE positions_20991231 (LIKE positions)"))
    prune_once(seat_db, datetime.now())
    assert _where(db, ids[1:]) == [position_days.partition_name(stray)]
    with db.session() as s:
        assert old not in position_days.days(s) and s.scalar(select(func.count(Position.id))) == 1
    with seat_db.session() as s, pytest.raises(DBAPIError, match="within positions_keep_days"):
        position_days.drop_day(s, today - timedelta(days=1))
    with db.session() as s:
        assert today - timedelta(days=1) in position_days.days(s)


def test_every_reader_of_positions_reads_across_days_and_the_default_partition(db, city):
    now = datetime.now().replace(microsecond=0)
    minutes = (40, 20, 5)
    with db.transaction() as s:    # the intake's own path: COPY + the latest-position upsert
        written = write_fixes(s, [IntakeFix(DEV, now - timedelta(minutes=m), 30.27 + m * 1e-5, 120.15)
                                  for m in minutes])
    assert written.written == 3
    yesterday = now - timedelta(days=1)
    stray_at = _at(date.today() + timedelta(days=400))
    yesterday_id, stray = _insert(db, [yesterday, stray_at])   # yesterday's day, the default
    assert _where(db, [yesterday_id, stray]) == [
        position_days.partition_name(yesterday.date()), position_days.DEFAULT]
    with db.session() as s:
        officer = s.scalars(select(Device.patrol_officer_id)).one()
        trail = map_patrols.recent_tracks(s, [officer], now, minutes=26 * 60, step_s=1)[officer]
        assert [p[0] for p in trail] == [yesterday, *(now - timedelta(minutes=m) for m in minutes),
                                         stray_at]
        if (now - timedelta(minutes=40)).date() == now.date():    # (not in the first 40 min of a day)
            track = map_patrols.track_of_day(s, officer, now)  # yesterday's and the stray not in it
            assert track[-1] == (120.15, 30.27005) and (120.15, 30.27) not in track
        replay = patrol_queries.positions_after(s, 0)
        assert len(replay) == 5 and [r[0] for r in replay] == sorted(r[0] for r in replay)
        assert replay[-1][0] == stray == s.scalar(select(func.max(Position.id)))
        assert s.scalar(select(LatestPosition.at)) == now - timedelta(minutes=5)


def test_the_migration_converts_a_filled_table_keeping_every_row_and_id(tmp_path):
    today = date.today()
    with fresh_database("position_days_upgrade") as url:
        engine = create_engine(url)
        try:
            migrations.upgrade(engine, "0019")
            with engine.begin() as con:
                officer = con.execute(text(
                    "INSERT INTO devices (unique_id, active) VALUES ('dev', true) RETURNING id")
                ).scalar_one()
                times = [_at(today - timedelta(days=d)) for d in (30, 2, 2, 0, 200)] + [
                    _at(today + timedelta(days=500))]
                con.execute(text("INSERT INTO positions (device_id, at, lat, lon) "
                                 "VALUES (:d, :at, 30.0, 120.0)"),
                            [{"d": officer, "at": at} for at in times])
                before = con.execute(text("SELECT id, at FROM positions ORDER BY id")).all()
            migrations.upgrade(engine)
            with engine.begin() as con:
                assert con.execute(text("SELECT id, at FROM positions ORDER BY id")).all() == before
                where = dict(con.execute(text(
                    "SELECT id, tableoid::regclass::text FROM positions")).all())
                assert where[before[0].id] == position_days.partition_name(today - timedelta(days=30))
                # Beyond positions_keep_days or far ahead: the default partition, not a table
                assert where[before[-2].id] == where[before[-1].id] == position_days.DEFAULT
                new_id = con.execute(text("INSERT INTO positions (device_id, at, lat, lon) "
                                          "VALUES (:d, now(), 30.0, 120.0) RETURNING id"),
                                     {"d": officer}).scalar_one()
                assert new_id > before[-1].id          # the id sequence went along
                pk = con.execute(text(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conname = 'pk_positions'")).scalar_one()
                assert pk == "PRIMARY KEY (id, at)"
        finally:
            engine.dispose()
