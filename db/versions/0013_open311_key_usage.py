"""Open311 keys: who issued each, when it was last used and how many reports it brought

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29

The administrator's keys page lists them; the lead re-chains this revision after the others
of the same round at merge.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("open311_keys", sa.Column("issued_by", sa.String(length=64), nullable=True))
    op.add_column("open311_keys", sa.Column("last_used_at", sa.DateTime(), nullable=True))
    op.add_column("open311_keys", sa.Column("requests", sa.Integer(), nullable=False,
                                            server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("open311_keys") as batch:
        batch.drop_column("requests")
        batch.drop_column("last_used_at")
        batch.drop_column("issued_by")
