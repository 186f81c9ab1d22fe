"""门前三包: street-front units with the stretch they answer for, and the warnings, notices
and offences recorded against them

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
# The lead re-chains migrations from parallel branches at merge.
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "frontage_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("person", sa.String(64), nullable=False),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("stretch", sa.JSON(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("letter_signed_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("id", name="pk_frontage_units"),
        sa.UniqueConstraint("code", name="uq_frontage_units_code"),
    )
    op.create_index("ix_frontage_units_bbox", "frontage_units",
                    ["min_lon", "max_lon", "min_lat", "max_lat"])
    op.create_table(
        "frontage_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["frontage_units.id"],
                                name="fk_frontage_records_unit_id_frontage_units"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name="fk_frontage_records_case_id_cases"),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name="fk_frontage_records_actor_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_frontage_records"),
        sa.UniqueConstraint("case_id", name="uq_frontage_records_case_id"),
    )
    op.create_index("ix_frontage_records_unit_at", "frontage_records", ["unit_id", "at"])
    op.create_index("ix_frontage_records_kind_at", "frontage_records", ["kind", "at"])


def downgrade() -> None:
    op.drop_table("frontage_records")
    op.drop_table("frontage_units")
