"""case queues: a substring index over case number, address, description and caller phone

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

The queue's free-text filter must answer within a blink over a million cases, and Chinese
text has no word breaks, so a word index is useless: the index is of character trigrams.

- SQLite: an FTS5 table with the trigram tokenizer (SQLite ≥ 3.34) over a view of the cases,
  kept current by triggers, so every writer (services, simulator, bulk history, another seat)
  indexes what it writes. Where FTS5 or the trigram tokenizer is missing, nothing is created
  and the queue falls back to LIKE (console/store/queue_queries.py checks which it has).
- PostgreSQL: a pg_trgm GIN index on the same expression, when the extension can be created.
"""
from __future__ import annotations

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The text the index holds; console/store/queue_queries.py builds the same expression.
_BODY = ("{t}.number || ' ' || {t}.address || ' ' || {t}.description || ' ' || "
         "coalesce({t}.reporter_phone, '')")
_COLUMNS = "number, address, description, reporter_phone"


def _sqlite_upgrade() -> None:
    bind = op.get_bind()
    try:
        bind.exec_driver_sql(
            "CREATE VIRTUAL TABLE case_search USING fts5(body, content='case_search_source', "
            "content_rowid='id', tokenize='trigram', detail='full')")
    except DBAPIError:
        return   # an SQLite without FTS5 or the trigram tokenizer: the queue uses LIKE instead
    op.execute(f"CREATE VIEW case_search_source AS SELECT id, {_BODY.format(t='cases')} AS body "
               "FROM cases")
    add = f"INSERT INTO case_search(rowid, body) VALUES (new.id, {_BODY.format(t='new')});"
    remove = ("INSERT INTO case_search(case_search, rowid, body) "
              f"VALUES ('delete', old.id, {_BODY.format(t='old')});")
    op.execute(f"CREATE TRIGGER case_search_insert AFTER INSERT ON cases BEGIN {add} END")
    op.execute(f"CREATE TRIGGER case_search_delete AFTER DELETE ON cases BEGIN {remove} END")
    op.execute(f"CREATE TRIGGER case_search_update AFTER UPDATE OF {_COLUMNS} ON cases "
               f"BEGIN {remove} {add} END")
    # Index the cases already there (about ten seconds for a million).
    op.execute("INSERT INTO case_search(case_search) VALUES ('rebuild')")


def _postgresql_upgrade() -> None:
    bind = op.get_bind()
    # pg_trgm is a trusted extension (PostgreSQL ≥ 13), but a role may still lack the right to
    # create it: then the filter scans, which is correct, only slower.
    savepoint = bind.begin_nested()
    try:
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError:
        savepoint.rollback()
        return
    savepoint.commit()
    op.execute(f"CREATE INDEX ix_cases_search_trgm ON cases USING gin "
               f"(({_BODY.format(t='cases')}) gin_trgm_ops)")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        _postgresql_upgrade()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("case_search_insert", "case_search_delete", "case_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS case_search")
        op.execute("DROP VIEW IF EXISTS case_search_source")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_cases_search_trgm")
