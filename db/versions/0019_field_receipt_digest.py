"""Field receipts remember what the request asked (a SHA-256 of its content), so a reused
idempotency key with a different body is refused instead of answered with the first result

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing receipts keep NULL: their content is unknown and is not compared.
    with op.batch_alter_table("field_receipts") as batch:
        batch.add_column(sa.Column("digest", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("field_receipts") as batch:
        batch.drop_column("digest")
