"""Migration 0004 on both databases: 64-bit field ids, and an audit trail no statement rewrites."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DatabaseError

from console.store import migrations
from console.store.database import open_database
from console.store.models import Base
from console.store.queue_queries import include_in_schema_comparison
from tests.pg_server import PG_URL, fresh_database

BIG = 2**31 + 5
AT = "2026-01-01 08:00:00"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """An empty database of each kind (PostgreSQL only when the test server is configured)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sealed.db'}"
        return
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    with fresh_database("console_sealed") as pg_url:
        yield pg_url


def _device(con) -> int:
    con.execute(text("INSERT INTO devices (unique_id, active) VALUES ('phone-1', true)"))
    return con.execute(text("SELECT id FROM devices")).scalar_one()


def _event(con, event_id: int | None = None, note: str | None = None) -> None:
    """One event on the first case; its id given, or left to the database."""
    id_column, id_value = ("id, ", ":id, ") if event_id is not None else ("", "")
    con.execute(text(
        f"INSERT INTO case_events ({id_column}case_id, at, actor_name, actor_role, action, "
        f"to_status, note, data) VALUES ({id_value}(SELECT min(id) FROM cases), :at, 'x', "
        "'dispatcher', 'report', 'reported', :note, '{}')"),
        {"id": event_id, "at": AT, "note": note})


def _case(con) -> None:
    con.execute(text(
        "INSERT INTO cases (number, source, category_code, status, reported_at, version, "
        "updated_at, address, description, photos, urgent, rework_count, extension_count, "
        "return_count, supervision_level) VALUES ('202601010001', 'hotline', '20301', "
        "'reported', :at, 1, :at, '', '', '[]', false, 0, 0, 0, 0)"), {"at": AT})


def test_upgrade_from_0003_keeps_rows_and_takes_ids_past_2_31(url):
    engine = create_engine(url)
    try:
        migrations.upgrade(engine, "0003")
        with engine.begin() as con:
            device = _device(con)
            con.execute(text("INSERT INTO positions (device_id, at, lat, lon) "
                             "VALUES (:d, :at, 30.1, 120.1)"), {"d": device, "at": AT})
        migrations.upgrade(engine)
        with engine.begin() as con:
            assert con.execute(text("SELECT id, lat FROM positions")).all() == [(1, 30.1)]
            con.execute(text("INSERT INTO positions (id, device_id, at, lat, lon) "
                             "VALUES (:id, :d, :at, 30.2, 120.2)"),
                        {"id": BIG, "d": device, "at": AT})
            con.execute(text("INSERT INTO change_feed (id, seq, at, entity, entity_id, action, "
                             "payload) VALUES (:id, :id, :at, 'position', :id, 'moved', '{}')"),
                        {"id": BIG, "at": AT})
            con.execute(text("INSERT INTO feed_counter (id, value) VALUES (1, :v)"), {"v": BIG})
            if con.dialect.name == "postgresql":
                # The sequence must hand out such ids too, not just the column hold them.
                con.execute(text("SELECT setval(pg_get_serial_sequence('positions', 'id'), :v)"),
                            {"v": BIG})
            con.execute(text("INSERT INTO positions (device_id, at, lat, lon) "
                             "VALUES (:d, :at, 30.3, 120.3)"), {"d": device, "at": AT})
        with engine.connect() as con:
            assert con.execute(text("SELECT id, lat FROM positions ORDER BY id")).all() == \
                [(1, 30.1), (BIG, 30.2), (BIG + 1, 30.3)]
            assert con.execute(text("SELECT id, seq, entity_id FROM change_feed")).one() == \
                (BIG, BIG, BIG)
            assert con.execute(text("SELECT value FROM feed_counter")).scalar_one() == BIG
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(url):
    db = open_database(url)
    try:
        with db.engine.connect() as con:
            ctx = MigrationContext.configure(con, opts={
                "compare_type": True, "include_name": include_in_schema_comparison})
            assert compare_metadata(ctx, Base.metadata) == []
            if con.dialect.name == "sqlite":
                # Still the rowid: an INTEGER PRIMARY KEY, not a BIGINT column beside it.
                ddl = con.execute(text("SELECT sql FROM sqlite_master WHERE name = 'positions'"))
                assert "id INTEGER NOT NULL" in ddl.scalar_one().replace('"', "")
    finally:
        db.dispose()


def test_downgrade_to_0003_and_back(url):
    engine = create_engine(url)
    try:
        migrations.upgrade(engine)
        from alembic import command
        command.downgrade(migrations.alembic_config(engine), "0003")
        migrations.upgrade(engine)
        with engine.connect() as con:
            assert migrations.current_revision(con) == migrations.head_revision()
    finally:
        engine.dispose()


# --- the audit trail ------------------------------------------------------------------------------

def _rewrites(dialect: str) -> list[str]:
    """Every statement that would change or remove an event already written (ids 1 and 2)."""
    paths = ["UPDATE case_events SET note = 'rewritten' WHERE id = 1",
             "DELETE FROM case_events WHERE id = 2",
             "INSERT INTO case_events (id, case_id, at, actor_name, actor_role, action, to_status,"
             " note, data) VALUES (1, (SELECT min(id) FROM cases), '2026-01-02 08:00:00', 'y',"
             " 'dispatcher', 'report', 'reported', 'rewritten', '{}') "
             "ON CONFLICT (id) DO UPDATE SET note = excluded.note"]
    if dialect == "sqlite":
        row = ("(1, (SELECT min(id) FROM cases), '2026-01-02 08:00:00', 'y', 'dispatcher', "
               "'report', 'reported', 'rewritten', '{}')")
        columns = "(id, case_id, at, actor_name, actor_role, action, to_status, note, data)"
        paths += [f"REPLACE INTO case_events {columns} VALUES {row}",
                  f"INSERT OR REPLACE INTO case_events {columns} VALUES {row}",
                  "UPDATE OR REPLACE case_events SET id = 1 WHERE id = 2"]
    else:
        paths += ["TRUNCATE case_events", "TRUNCATE cases CASCADE"]
    return paths


def test_no_statement_rewrites_the_trail(url):
    db = open_database(url)
    try:
        with db.engine.begin() as con:
            _case(con)
            _event(con, note=None)
            _event(con, note=None)
        before = _trail(db)
        assert [r[0] for r in before] == [1, 2]
        for statement in _rewrites(db.engine.dialect.name):
            with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as con:
                con.execute(text(statement))
            assert _trail(db) == before, statement
        # Appending still works, with the id left to the database or given.
        with db.engine.begin() as con:
            _event(con, note="third")
            _event(con, event_id=BIG, note="far")
        assert [r[0] for r in _trail(db)] == [1, 2, 3, BIG]
    finally:
        db.dispose()


def test_sqlite_refuses_ids_below_one(tmp_path):
    """Below 1 is refused, so the -1 an automatic id reads as in a trigger never exists."""
    db = open_database(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with db.engine.begin() as con:
            _case(con)
        for bad in (-1, 0):
            with pytest.raises(DatabaseError, match="start at 1"), db.engine.begin() as con:
                _event(con, event_id=bad)
        with db.engine.begin() as con:
            _event(con)
        assert [r[0] for r in _trail(db)] == [1]
    finally:
        db.dispose()


def _trail(db) -> list[tuple]:
    with db.engine.connect() as con:
        return [tuple(r) for r in con.execute(text(
            "SELECT id, case_id, at, note FROM case_events ORDER BY id"))]



# --- every unique column, both trails (0010) -----------------------------------------------------

_AUDIT_ROW = {"at": AT, "actor_name": "x", "actor_role": "dispatcher", "seat": "s",
              "entity": "case", "action": "note", "data": "{}"}
_EVENT_ROW = {"case_id": None, "at": AT, "actor_name": "x", "actor_role": "dispatcher",
              "action": "report", "to_status": "reported", "data": "{}"}


def _unique_columns(con, table: str) -> set[str]:
    from sqlalchemy import inspect
    inspector = inspect(con)
    columns = {c for u in inspector.get_unique_constraints(table) for c in u["column_names"]}
    columns |= {c for i in inspector.get_indexes(table) if i["unique"] for c in i["column_names"]}
    return columns | set(inspector.get_pk_constraint(table)["constrained_columns"])


def _insert(table: str, row: dict, verb: str = "INSERT INTO", tail: str = "") -> str:
    return (f"{verb} {table} ({', '.join(row)}) "
            f"VALUES ({', '.join(':' + c for c in row)}){tail}")


@pytest.mark.parametrize("table", ["case_events", "audit"])
def test_no_insert_replaces_a_row_through_any_unique_column(url, table):
    db = open_database(url)
    try:
        with db.engine.begin() as con:
            _case(con)
            case_id = con.execute(text("SELECT min(id) FROM cases")).scalar_one()
            base = dict(_EVENT_ROW, case_id=case_id) if table == "case_events" else _AUDIT_ROW
            for n in (1, 2):
                con.execute(text(_insert(table, dict(base, id=n, chain_seq=n, hash="h" * 64))),
                            dict(base, id=n, chain_seq=n, hash="h" * 64))
            unique = _unique_columns(con, table)
        assert {"id", "chain_seq"} <= unique
        before = _rows(db, table)
        sqlite = db.engine.dialect.name == "sqlite"
        for column in sorted(unique):
            # A row new in every unique column but this one, which takes row 1's value.
            row = dict(base, id=99, chain_seq=99, hash="r" * 64)
            row[column] = 1
            statements = [_insert(table, row, tail=f" ON CONFLICT ({column}) DO UPDATE "
                                                   "SET hash = excluded.hash")]
            if sqlite:
                statements += [_insert(table, row, "REPLACE INTO"),
                               _insert(table, row, "INSERT OR REPLACE INTO")]
            for statement in statements:
                with pytest.raises(DatabaseError, match="append-only"), \
                        db.engine.begin() as con:
                    con.execute(text(statement), row)
                assert _rows(db, table) == before, (column, statement)
        with db.engine.begin() as con:   # appending still works
            row = dict(base, id=3, chain_seq=3, hash="h" * 64)
            con.execute(text(_insert(table, row)), row)
        assert [r[0] for r in _rows(db, table)] == [1, 2, 3]
    finally:
        db.dispose()


def _rows(db, table: str) -> list[tuple]:
    with db.engine.connect() as con:
        return [tuple(r) for r in con.execute(text(
            f"SELECT id, chain_seq, hash FROM {table} ORDER BY id"))]
