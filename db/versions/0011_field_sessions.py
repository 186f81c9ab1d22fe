"""The officers' phones: per-officer sessions (hashed, revocable) and idempotency receipts

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("patrol_officer_id", sa.Integer(), nullable=False),
        sa.Column("device", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_field_sessions_user_id_users")),
        sa.ForeignKeyConstraint(["patrol_officer_id"], ["patrol_officers.id"],
                                name=op.f("fk_field_sessions_patrol_officer_id_patrol_officers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_field_sessions_token_hash")),
    )
    op.create_index(op.f("ix_field_sessions_user_id"), "field_sessions", ["user_id"])
    op.create_table(
        "field_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_field_receipts_user_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_field_receipts_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_receipts")),
        sa.UniqueConstraint("user_id", "key", name="uq_field_receipts_user_key"),
    )


def downgrade() -> None:
    op.drop_table("field_receipts")
    op.drop_index(op.f("ix_field_sessions_user_id"), table_name="field_sessions")
    op.drop_table("field_sessions")
