"""Defects get their rectification deadlines, acceptance time and escalation level; rounds record which
units were inspected (已验) and which homeowners attended (到访).

Revision ID: 5b1e0c7a9d21
Revises: 4432e5ded859
Create Date: 2026-12-01 00:40:00

"""

import sqlalchemy as sa
from alembic import op

import domain.models.base

revision = "5b1e0c7a9d21"
down_revision = "4432e5ded859"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE (no batch copy, which would trip the foreign keys that point at defects on SQLite).
    op.add_column("defects", sa.Column("response_due_at", domain.models.base.UTCDateTime(timezone=True), nullable=True))
    op.add_column("defects", sa.Column("fix_due_at", domain.models.base.UTCDateTime(timezone=True), nullable=True))
    op.add_column("defects", sa.Column("accepted_at", domain.models.base.UTCDateTime(timezone=True), nullable=True))
    op.add_column("defects", sa.Column("escalation_level", sa.Integer(), server_default="0", nullable=False))
    op.create_index("ix_defects_fix_due_at", "defects", ["fix_due_at"], unique=False)
    op.create_table(
        "unit_inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("items_done", sa.Integer(), nullable=False),
        sa.Column("items_total", sa.Integer(), nullable=False),
        sa.Column("updated_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspections.id"], name="fk_unit_inspections_inspection_id_inspections"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_unit_inspections_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_unit_inspections"),
        sa.UniqueConstraint("inspection_id", "unit_id", name="uq_unit_inspections_inspection_id"),
    )
    op.create_index("ix_unit_inspections_unit_id", "unit_inspections", ["unit_id"], unique=False)
    op.create_table(
        "inspection_checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspections.id"], name="fk_inspection_checkins_inspection_id_inspections"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_inspection_checkins_unit_id_units"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_inspection_checkins_user_id_users"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name="fk_inspection_checkins_recorded_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_inspection_checkins"),
        sa.UniqueConstraint("inspection_id", "unit_id", name="uq_inspection_checkins_inspection_id"),
    )
    op.create_index("ix_inspection_checkins_unit_id", "inspection_checkins", ["unit_id"], unique=False)


def downgrade():
    op.drop_index("ix_inspection_checkins_unit_id", table_name="inspection_checkins")
    op.drop_table("inspection_checkins")
    op.drop_index("ix_unit_inspections_unit_id", table_name="unit_inspections")
    op.drop_table("unit_inspections")
    op.drop_index("ix_defects_fix_due_at", table_name="defects")
    for column in ("escalation_level", "accepted_at", "fix_due_at", "response_due_at"):
        op.drop_column("defects", column)
