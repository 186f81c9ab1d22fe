"""Alert digests: the members one alert stands for (a department's overdue cases, a
community's recurrences, the patrols offline together), listed by the panel

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
# The brief names 0010; 0011 is main's head now, and two heads would stop `upgrade head`.
# The lead re-chains at merge.
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("members", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("members")
