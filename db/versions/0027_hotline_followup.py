"""Hotline follow-up: repeat calls linked to a case, call-backs (回访) after closure, and an
index on the caller's phone for the caller history

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
# The brief names 0019 as main's head; the lead re-chains parallel branches at merge.
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_reporter_phone", "cases", ["reporter_phone"])
    op.create_table(
        "hotline_calls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("caller_name", sa.String(64), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_hotline_calls_case_id", "hotline_calls", ["case_id"])
    op.create_index("ix_hotline_calls_phone", "hotline_calls", ["phone", "at"])
    op.create_table(
        "callbacks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("departments.id"), nullable=True),
        sa.Column("outcome", sa.String(24), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("done_by_name", sa.String(64), nullable=True),
        sa.Column("rework", sa.String(16), nullable=True),
        sa.Column("rework_reason", sa.Text(), nullable=True),
        sa.Column("rework_by_name", sa.String(64), nullable=True),
        sa.Column("rework_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("case_id", "closed_at", name="uq_callbacks_closure"),
    )
    op.create_index("ix_callbacks_case_id", "callbacks", ["case_id"])
    op.create_index("ix_callbacks_open", "callbacks", ["done_at", "due_at"])
    op.create_index("ix_callbacks_rework", "callbacks", ["rework"])


def downgrade() -> None:
    op.drop_table("callbacks")
    op.drop_table("hotline_calls")
    op.drop_index("ix_cases_reporter_phone", table_name="cases")
