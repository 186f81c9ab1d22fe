"""The audit trail says who, where and when, and shows tampering

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

- case_events gain the seat (host name) and their link in a hash chain (chain_seq, hash); the
  events already there are chained in id order (their seat is unknown: NULL).
- `audit`: an append-only record of the writes that are not case events, chained the same way,
  sealed against every rewrite path as case_events are (0001, 0004).
- `audit_chain`: each chain's head (length, last hash).
See console/store/audit.py.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from console.store import audit as chain
from console.store.models import WideInt

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _seal_audit(dialect: str) -> None:
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_no_{verb.lower()} BEFORE {verb} ON audit "
                       "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END")
        op.execute("CREATE TRIGGER audit_no_overwrite BEFORE INSERT ON audit "
                   "WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) "
                   "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END")
        op.execute("CREATE TRIGGER audit_positive_id AFTER INSERT ON audit WHEN NEW.id < 1 "
                   "BEGIN SELECT RAISE(ABORT, 'audit ids start at 1'); END")
    elif dialect == "postgresql":
        op.execute("CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$BEGIN RAISE EXCEPTION 'audit records are append-only'; END$$")
        op.execute("CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
                   "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
        op.execute("CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")


def _chain_existing_events(dialect: str) -> None:
    """Link the events written before this revision, in id order (the only order they have)."""
    bind = op.get_bind()
    events = chain.TABLES[chain.CASE_EVENTS]
    cols = [events.c.id, *(events.c[c] for c in chain.HASHED[chain.CASE_EVENTS]
                           if c not in ("chain_seq", "seat"))]
    rows = bind.execute(sa.select(*cols).order_by(events.c.id)).mappings().all()
    previous, updates = chain.GENESIS, []
    for n, r in enumerate(rows, 1):
        row = dict(r, seat=None, chain_seq=n)
        previous = chain.link(previous, chain.CASE_EVENTS, row)
        updates.append({"b_id": r["id"], "b_seq": n, "b_hash": previous})
    if updates:
        if dialect == "sqlite":
            op.execute("DROP TRIGGER case_events_no_update")
        else:
            op.execute("ALTER TABLE case_events DISABLE TRIGGER case_events_append_only")
        bind.execute(events.update().where(events.c.id == sa.bindparam("b_id"))
                     .values(chain_seq=sa.bindparam("b_seq"), hash=sa.bindparam("b_hash")),
                     updates)
        if dialect == "sqlite":
            op.execute("CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events "
                       "BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END")
        else:
            op.execute("ALTER TABLE case_events ENABLE TRIGGER case_events_append_only")
    heads = sa.table("audit_chain", sa.column("name"), sa.column("length"), sa.column("hash"))
    op.bulk_insert(heads, [{"name": chain.CASE_EVENTS, "length": len(updates), "hash": previous},
                           {"name": chain.AUDIT, "length": 0, "hash": chain.GENESIS}])


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # Plain ADD COLUMN and CREATE INDEX: a batch rebuild on SQLite would drop the triggers.
    op.add_column("case_events", sa.Column("seat", sa.String(length=64), nullable=True))
    op.add_column("case_events", sa.Column("chain_seq", WideInt, nullable=True))
    op.add_column("case_events", sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_index("ix_case_events_chain_seq", "case_events", ["chain_seq"], unique=True)
    op.create_table(
        "audit_chain",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("length", WideInt, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_audit_chain")))
    op.create_table(
        "audit",
        sa.Column("id", WideInt, nullable=False),
        sa.Column("chain_seq", WideInt, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("seat", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
        sa.UniqueConstraint("chain_seq", name=op.f("uq_audit_chain_seq")))
    op.create_index("ix_audit_at", "audit", ["at"], unique=False)
    _seal_audit(dialect)
    _chain_existing_events(dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_index("ix_audit_at", table_name="audit")
    op.drop_table("audit")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    op.drop_table("audit_chain")
    op.drop_index("ix_case_events_chain_seq", table_name="case_events")
    for column in ("hash", "chain_seq", "seat"):   # SQLite ≥ 3.35 drops a column in place
        op.drop_column("case_events", column)
