"""64-bit ids for what the field feeds; an audit trail no statement can rewrite

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

- PostgreSQL: the ids and sequences fed by the field (fixes, feed rows, case events, alerts)
  become BIGINT, and so do the sequences behind them (a SERIAL's sequence is `AS integer` and
  would stop at 2**31 - 1 on its own). SQLite's INTEGER is already 64-bit: nothing to do.
- The append-only tables refuse every rewrite path, not just UPDATE and DELETE:
  SQLite's REPLACE (and INSERT OR REPLACE) deletes the old row without firing the delete
  trigger, so an insert of an id that exists is refused before the conflict is resolved (which
  also closes an upsert); PostgreSQL gets a BEFORE TRUNCATE trigger (TRUNCATE fires no row
  triggers), on each table itself, so a TRUNCATE ... CASCADE from another table is caught too.
"""
from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: table → columns widened to BIGINT on PostgreSQL (the models spell them `WideInt`).
WIDE_COLUMNS = {
    "positions": ("id",),
    "change_feed": ("id", "seq", "entity_id"),
    "feed_counter": ("value",),
    "latest_positions": ("seq",),
    "case_events": ("id",),
    "alerts": ("id",),
}
#: tables whose serial id has a sequence to widen with the column.
WIDE_SEQUENCES = ("positions", "change_feed", "case_events", "alerts")
#: the audit trail: rows are added, never changed or removed (0001 made case_events so).
APPEND_ONLY = ("case_events",)


def _postgresql_types(sql_type: str) -> None:
    for table, columns in WIDE_COLUMNS.items():
        alters = ", ".join(f"ALTER COLUMN {c} TYPE {sql_type}" for c in columns)
        op.execute(f"ALTER TABLE {table} {alters}")
    for table in WIDE_SEQUENCES:
        op.execute(f"DO $$BEGIN EXECUTE format('ALTER SEQUENCE %s AS {sql_type}', "
                   f"pg_get_serial_sequence('{table}', 'id')); END$$")


def _sqlite_seal(table: str) -> None:
    message = f"{table.replace('_', ' ')} are append-only"
    # In a BEFORE INSERT trigger an id left to SQLite reads as -1; ids below 1 are refused
    # after the insert, so -1 never exists and an ordinary insert never matches the check.
    op.execute(f"CREATE TRIGGER {table}_no_overwrite BEFORE INSERT ON {table} "
               f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
               f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
    op.execute(f"CREATE TRIGGER {table}_positive_id AFTER INSERT ON {table} WHEN NEW.id < 1 "
               f"BEGIN SELECT RAISE(ABORT, '{table} ids start at 1'); END")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _postgresql_types("BIGINT")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()")
    elif dialect == "sqlite":
        for table in APPEND_ONLY:
            _sqlite_seal(table)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        _postgresql_types("INTEGER")   # refused by the database if an id no longer fits
    elif dialect == "sqlite":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_overwrite")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_positive_id")
