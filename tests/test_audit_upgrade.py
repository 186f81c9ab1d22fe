"""`audit verify` on a database whose case events were written before the chain began (schema
0007, upgraded): what is chained verifies, the report says where the seats' chain begins, and a
change to a row from before the chain is still named."""
from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import create_engine

from console.cli import main
from console.store import audit, migrations
from console.store.database import open_database

# How times were spelt in rows written before 0008: SQLAlchemy's own form, and the shorter
# ones SQLite and hand-written imports leave (the same instants, which the upgrade hashed).
OLD_TIMES = ("2026-01-01 08:00:00.000000", "2026-01-01 08:01:00", "2026-01-01 08:02:00.500000")


def _old_database(path) -> None:
    engine = create_engine(f"sqlite:///{path}")
    try:
        command.upgrade(migrations.alembic_config(engine), "0007")
        with engine.begin() as con:
            con.exec_driver_sql(
                "INSERT INTO cases (id, number, source, category_code, status, reported_at, "
                "version, updated_at, address, description, photos, urgent, rework_count, "
                "extension_count, return_count, supervision_level) VALUES (1, '202601010001', "
                "'hotline', '20301', 'registered', '2026-01-01 08:00:00.000000', 2, "
                "'2026-01-01 08:00:00.000000', '', '', '[]', 0, 0, 0, 0, 0)")
            for n, at in enumerate(OLD_TIMES):
                con.exec_driver_sql(
                    "INSERT INTO case_events (case_id, at, actor_name, actor_role, action, "
                    "to_status, data) VALUES (1, ?, '张', 'dispatcher', 'note', 'registered', ?)",
                    (at, f'{{"n": {n}, "地址": "北山街道", "f": 1.5}}'))
    finally:
        engine.dispose()


def _seat_writes(db, at: datetime) -> None:
    with db.transaction() as s:
        audit.append_case_event(s, {
            "case_id": 1, "at": at, "actor_id": None, "actor_name": "李", "actor_role": "dispatcher",
            "action": "note", "from_status": "registered", "to_status": "registered",
            "note": "after the upgrade", "data": {}})


@pytest.fixture
def upgraded(tmp_path):
    path = tmp_path / "old.db"
    _old_database(path)
    db = open_database(f"sqlite:///{path}")   # upgrades to the head, linking the old events
    _seat_writes(db, datetime(2026, 3, 9, 10, 0))
    yield db, path
    db.dispose()


def test_the_old_rows_verify_and_the_chain_says_where_the_seats_begin(upgraded, capsys):
    db, path = upgraded
    report = audit.verify(db.engine)
    events = report.chains[0]
    assert report.ok, report.first_break
    assert (events.length, events.before_chain) == (4, 3)
    assert events.before_chain_until == datetime(2026, 1, 1, 8, 2, 0, 500000)
    assert events.begins_at == datetime(2026, 3, 9, 10, 0)
    assert main(["audit", "verify", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "case_events: 4 links verified" in out
    assert "links 1–3" in out and "upgraded to 0008" in out
    assert "begins at link 4 (2026-03-09 10:00:00)" in out


def test_a_changed_row_from_before_the_chain_is_still_named(upgraded, capsys):
    db, path = upgraded
    with db.engine.begin() as con:
        con.exec_driver_sql("DROP TRIGGER case_events_no_update")
        con.exec_driver_sql("UPDATE case_events SET actor_name = '王' WHERE chain_seq = 2")
    broken = audit.verify(db.engine).first_break
    assert (broken.table, broken.chain_seq, broken.reason) == ("case_events", 2, "changed")
    assert broken.at == datetime(2026, 1, 1, 8, 1)
    assert main(["audit", "verify", "--db", str(path)]) == 1
    assert "BROKEN: case_events: broken at chain_seq 2" in capsys.readouterr().out


def test_a_rewritten_time_of_a_seats_row_is_named(upgraded):
    """The second reading of a time is for the rows from before the chain only: a seat's row
    whose time text changes, even to the same instant, is a changed row."""
    db, _ = upgraded
    with db.engine.begin() as con:
        con.exec_driver_sql("DROP TRIGGER case_events_no_update")
        con.exec_driver_sql("UPDATE case_events SET at = '2026-03-09 10:00:00' WHERE chain_seq = 4")
    broken = audit.verify(db.engine).first_break
    assert (broken.chain_seq, broken.reason) == (4, "changed")


def test_a_database_not_yet_upgraded_is_not_verified_and_says_why(tmp_path, capsys):
    path = tmp_path / "old.db"
    _old_database(path)
    assert main(["audit", "verify", "--db", str(path)]) == 3
    err = capsys.readouterr().err
    assert "(0007) is older than the chained audit trail (0008)" in err
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as con:
            assert migrations.current_revision(con) == "0007"   # left as it was
    finally:
        engine.dispose()
