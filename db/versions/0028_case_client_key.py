"""A new case remembers the key its form was saved with, so saving the same form again after a
lost answer (the connection dropped during the commit) returns the case instead of a second one

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no table rebuild) and a unique index: existing cases keep NULL.
    op.add_column("cases", sa.Column("client_key", sa.String(64), nullable=True))
    op.create_index("ix_cases_client_key", "cases", ["client_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_cases_client_key", table_name="cases")
    op.drop_column("cases", "client_key")
