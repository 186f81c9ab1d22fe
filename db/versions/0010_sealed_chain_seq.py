"""No REPLACE rewrites the trail through a unique column other than the id

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29

SQLite's REPLACE (and INSERT OR REPLACE) deletes every row that conflicts with the new one on
any unique column, and that implicit delete fires no DELETE trigger (recursive_triggers is
off). 0004 and 0008 refuse an insert whose id exists; both trails also have a unique
chain_seq, so a new id with an existing chain_seq still replaced an event. Here every unique
column of every append-only table gets the same refusal. PostgreSQL has no REPLACE, and its
upsert fires the UPDATE trigger, so it needs nothing.
"""
from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: the append-only tables and the words of their refusal (as 0004 and 0008 word it).
SEALED = {"case_events": "case events are append-only", "audit": "audit records are append-only"}


def _unique_columns(table: str) -> list[str]:
    """Every single column a unique index of the table covers, the id aside (0004/0008)."""
    bind = op.get_bind()
    columns = set()
    for index in bind.exec_driver_sql(f"PRAGMA index_list('{table}')").mappings():
        if index["unique"]:
            info = bind.exec_driver_sql(f"PRAGMA index_info('{index['name']}')").mappings()
            columns.update(c["name"] for c in info if c["name"] is not None)
    columns.discard("id")
    return sorted(columns)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, message in SEALED.items():
        for column in _unique_columns(table):
            op.execute(f"CREATE TRIGGER {table}_no_overwrite_{column} BEFORE INSERT ON {table} "
                       f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {column} = NEW.{column}) "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in SEALED:
        for column in _unique_columns(table):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_overwrite_{column}")
