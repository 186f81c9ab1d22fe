"""Campaigns get a kind, departments, a closing and its frozen figures; supervision orders get
their answer, escalation and one open order per subject

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-06

The lead re-chains this at merge (the brief named 0010; on this branch main already had 0011,
and two heads would stop every database from opening).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as b:
        b.add_column(sa.Column("kind", sa.String(length=16), nullable=False,
                               server_default="rectification"))
        b.add_column(sa.Column("departments", sa.JSON(), nullable=True))
        b.add_column(sa.Column("created_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("closed_by", sa.Integer(), nullable=True))
        b.add_column(sa.Column("snapshot", sa.JSON(), nullable=True))
    with op.batch_alter_table("supervision_orders") as b:
        # NULL: raised by the periodic check, not by a person.
        b.alter_column("issued_by", existing_type=sa.Integer(), nullable=True)
        b.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        b.add_column(sa.Column("auto", sa.Boolean(), nullable=False, server_default=sa.false()))
        b.add_column(sa.Column("reply", sa.Text(), nullable=True))
        b.add_column(sa.Column("promised_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("answered_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("answered_by", sa.Integer(), nullable=True))
        b.add_column(sa.Column("escalated_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("closed_by", sa.Integer(), nullable=True))
        b.add_column(sa.Column("open_key", sa.String(length=32), nullable=True))
        b.create_unique_constraint(op.f("uq_supervision_orders_open_key"), ["open_key"])
        b.create_index("ix_supervision_orders_open", ["resolved_at", "due_at"])
        b.create_index(op.f("ix_supervision_orders_campaign_id"), ["campaign_id"])


def downgrade() -> None:
    with op.batch_alter_table("supervision_orders") as b:
        b.drop_index(op.f("ix_supervision_orders_campaign_id"))
        b.drop_index("ix_supervision_orders_open")
        b.drop_constraint(op.f("uq_supervision_orders_open_key"), type_="unique")
        for column in ("open_key", "closed_by", "escalated_at", "answered_by", "answered_at",
                       "promised_at", "reply", "auto", "campaign_id"):
            b.drop_column(column)
        b.alter_column("issued_by", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("campaigns") as b:
        for column in ("snapshot", "closed_by", "closed_at", "created_at", "departments", "kind"):
            b.drop_column(column)
