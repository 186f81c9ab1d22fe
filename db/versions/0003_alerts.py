"""alerts: one open alert per condition, escalation level and who escalated, the evaluator lease

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("open_key", sa.String(length=96), nullable=True))
        batch_op.add_column(sa.Column("level", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("escalated_by", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_alerts_open_key"), ["open_key"])
        batch_op.create_foreign_key(batch_op.f("fk_alerts_escalated_by_users"), "users",
                                    ["escalated_by"], ["id"])
    op.create_table(
        "alert_evaluator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=96), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_evaluator")),
    )


def downgrade() -> None:
    op.drop_table("alert_evaluator")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_alerts_escalated_by_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_alerts_open_key"), type_="unique")
        batch_op.drop_column("escalated_by")
        batch_op.drop_column("level")
        batch_op.drop_column("open_key")
