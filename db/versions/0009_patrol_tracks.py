"""Per-officer track summaries: a seat starts from these, not from half an hour of history

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

`patrol_track_summaries`: the evaluating seat's PatrolTrack of each officer as of a position
id (see console/store/models.py: PatrolTrackSummary). Empty at first: the first pass after the
upgrade replays the history as before and writes them.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patrol_track_summaries",
        sa.Column("patrol_officer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("upto", sa.BigInteger(), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("last_at_us", sa.BigInteger(), nullable=True),
        sa.Column("last_lon", sa.Float(), nullable=False),
        sa.Column("last_lat", sa.Float(), nullable=False),
        sa.Column("last_speed", sa.Float(), nullable=True),
        sa.Column("outside_since_us", sa.BigInteger(), nullable=True),
        sa.Column("still_since_us", sa.BigInteger(), nullable=True),
        sa.Column("anchor_lon", sa.Float(), nullable=True),
        sa.Column("anchor_lat", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("patrol_officer_id", name=op.f("pk_patrol_track_summaries")))


def downgrade() -> None:
    op.drop_table("patrol_track_summaries")
