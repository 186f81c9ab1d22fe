"""Position extras kept; devices flagged for impossible speed

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

- positions.attributes (JSON, nullable): what the protocol sent beyond the columns (hdop,
  charge, valid, unknown parameters) and, for a fix that jumped at an impossible speed from
  the device's previous one, `implausible_kmh`. NULL for a fix with nothing extra, so the
  common fix costs no JSON at all.
- devices.suspect_at / devices.suspect_kmh (nullable): when a device last reported from two
  places at an impossible speed, and that speed; cleared when the device is registered again.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("positions") as batch:
        batch.add_column(sa.Column("attributes", sa.JSON(), nullable=True))
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("suspect_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("suspect_kmh", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("suspect_kmh")
        batch.drop_column("suspect_at")
    with op.batch_alter_table("positions") as batch:
        batch.drop_column("attributes")
