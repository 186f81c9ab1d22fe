"""Unit cells can be retired: a re-imported grid that no longer has a cell keeps its row

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

Cases keep pointing at the cell they were reported in, so a cell the centre's new grid drops
is not deleted but marked retired (with when): the map, the point-to-cell lookup and new
work grids leave it out; its cases keep their history and their place.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cells") as batch:
        batch.add_column(sa.Column("retired_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cells") as batch:
        batch.drop_column("retired_at")
