"""An upgrade on SQLite is all or nothing: a migration that fails (or a console killed) in the
middle leaves the schema and the revision as they were, and the next start upgrades cleanly.
Python's sqlite3 runs DDL outside any transaction, so without one explicit transaction a failed
0008 left its new columns behind and every later start refused the file ("duplicate column")."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from console.store import audit, migrations
from console.store.database import open_database
from tests.service_city import report


def _revision(url: str) -> str:
    engine = create_engine(url)
    with engine.connect() as con:
        found = con.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    return found


def test_a_migration_that_fails_halfway_leaves_nothing_behind(db, city, monkeypatch):
    report(db, city.dispatcher)           # one event, so 0008 has a chain to write
    url = db.engine.url.render_as_string(hide_password=False)
    db.dispose()
    engine = create_engine(url)
    command.downgrade(migrations.alembic_config(engine), "0007")
    engine.dispose()

    def broken_link(*_args, **_kw):
        raise RuntimeError("the power went out")
    monkeypatch.setattr(audit, "link", broken_link)   # after 0008's columns and tables exist
    with pytest.raises(RuntimeError, match="power"):
        migrations.upgrade(create_engine(url))
    assert _revision(url) == "0007"
    engine = create_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("case_events")}
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert "seat" not in columns and "audit" not in tables

    monkeypatch.undo()
    again = open_database(url)               # the next start upgrades from where it was
    try:
        assert _revision(url) == migrations.head_revision()
        assert audit.verify(again.engine).ok
    finally:
        again.dispose()
