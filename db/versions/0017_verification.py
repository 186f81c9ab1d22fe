"""核实 before 立案 and the centre's own stage clock: columns on cases

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

(Written on a branch whose head was 0011; the lead re-chains it with its sibling branches.)
Cases open before the upgrade carry no centre clock: it starts with their next change of
stage, so no limit is invented for time already spent.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


_COLUMNS = (("verify_requested_at", sa.DateTime()), ("verify_due", sa.DateTime()),
            ("verified_at", sa.DateTime()), ("stage_key", sa.String(length=16)),
            ("stage_at", sa.DateTime()), ("stage_warn_at", sa.DateTime()),
            ("stage_due", sa.DateTime()))


def upgrade() -> None:
    # Plain ADD COLUMNs, not a batch: a batch would rebuild `cases` on SQLite, and with it
    # the search index's triggers. SQLite takes an inline REFERENCES on a NULL column.
    fk = "fk_cases_verify_patrol_id_patrol_officers"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE cases ADD COLUMN verify_patrol_id INTEGER "
                   f"CONSTRAINT {fk} REFERENCES patrol_officers (id)")
    else:
        op.add_column("cases", sa.Column("verify_patrol_id", sa.Integer(), nullable=True))
        op.create_foreign_key(fk, "cases", "patrol_officers", ["verify_patrol_id"], ["id"])
    for name, type_ in _COLUMNS:
        op.add_column("cases", sa.Column(name, type_, nullable=True))
    op.create_index("ix_cases_verify_requested_at", "cases", ["verify_requested_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_verify_requested_at", table_name="cases")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_cases_verify_patrol_id_patrol_officers", "cases",
                           type_="foreignkey")
    # DROP COLUMN in place (SQLite ≥ 3.35): a rebuilt table would lose the search triggers.
    for name in ["verify_patrol_id", *(n for n, _ in _COLUMNS)]:
        op.execute(f"ALTER TABLE cases DROP COLUMN {name}")
