"""Joint enforcement: each department's part of a joint case (主办/协办), and the duty
leader's rulings on disputed cases (执法调处)

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
# The brief names 0025; the lead re-chains parallel branches at merge.
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_departments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", name="fk_case_departments_case_id_cases"), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("departments.id", name="fk_case_departments_department_id_departments"), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=True),
        sa.Column("requested_deadline", sa.DateTime(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_at", sa.DateTime(), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(), nullable=False),
        sa.Column("returns", sa.Integer(), nullable=False),
        sa.Column("rework_count", sa.Integer(), nullable=False),
        sa.Column("extension_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_departments"),
        sa.UniqueConstraint("case_id", "department_id", name="uq_case_departments_case_id"),
    )
    op.create_index("ix_case_departments_department_state", "case_departments",
                    ["department_id", "state"])
    op.create_table(
        "dispute_rulings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", name="fk_dispute_rulings_case_id_cases"), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("departments.id", name="fk_dispute_rulings_department_id_departments"), nullable=False),
        sa.Column("category_code", sa.String(16), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("returns", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("ruled_by", sa.Integer(), nullable=True),
        sa.Column("ruled_by_name", sa.String(64), nullable=False),
        sa.Column("ruled_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dispute_rulings"),
        sa.UniqueConstraint("case_id", name="uq_dispute_rulings_case_id"),
    )
    op.create_index("ix_dispute_rulings_category_place", "dispute_rulings",
                    ["category_code", "lat", "lon"])


def downgrade() -> None:
    op.drop_index("ix_dispute_rulings_category_place", "dispute_rulings")
    op.drop_table("dispute_rulings")
    op.drop_index("ix_case_departments_department_state", "case_departments")
    op.drop_table("case_departments")
