"""Rounds on the delivery calendar (planned dates, status, units, participants), 分户验收 checklists and
their results, the project's risk check, and links between duplicate defects.

Revision ID: a7c31d0e5f42
Revises: 7c3e9a41b2d0
Create Date: 2026-12-01 00:45:00

"""

import sqlalchemy as sa
from alembic import op

import domain.models.base

revision = "a7c31d0e5f42"
down_revision = "7c3e9a41b2d0"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("inspections", sa.Column("planned_start", sa.Date(), nullable=True))
    op.add_column("inspections", sa.Column("planned_end", sa.Date(), nullable=True))
    op.add_column("inspections", sa.Column("status", sa.String(length=10), server_default="open", nullable=False))
    op.add_column("inspections", sa.Column("floors", sa.JSON(), nullable=True))
    op.add_column("inspections", sa.Column("unit_ids", sa.JSON(), nullable=True))
    op.create_table(
        "inspection_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name="fk_inspection_participants_inspection_id_inspections"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_inspection_participants_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_inspection_participants"),
        sa.UniqueConstraint("inspection_id", "user_id", name="uq_inspection_participants_inspection_id"),
    )
    op.create_index("ix_inspection_participants_user_id", "inspection_participants", ["user_id"], unique=False)
    op.create_table(
        "checklist_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("room_kind", sa.String(length=20), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("tol_min", sa.Float(), nullable=True),
        sa.Column("tol_max", sa.Float(), nullable=True),
        sa.Column("type_code", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_checklist_items_project_id_projects"),
        sa.PrimaryKeyConstraint("id", name="pk_checklist_items"),
        sa.UniqueConstraint("project_id", "code", name="uq_checklist_items_project_id"),
    )
    op.create_index("ix_checklist_items_project_id", "checklist_items", ["project_id"], unique=False)
    op.create_table(
        "checklist_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=4), nullable=False),
        sa.Column("measured", sa.Float(), nullable=True),
        sa.Column("defect_id", sa.Uuid(), nullable=True),
        sa.Column("clock", sa.String(length=84), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("device_id", sa.String(length=64), nullable=True),
        sa.Column("updated_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name="fk_checklist_results_inspection_id_inspections"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_checklist_results_unit_id_units"),
        sa.ForeignKeyConstraint(["item_id"], ["checklist_items.id"], name="fk_checklist_results_item_id_checklist_items"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_checklist_results_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_checklist_results"),
        sa.UniqueConstraint("inspection_id", "unit_id", "room_id", "item_id", name="uq_checklist_results_inspection_id"),
    )
    op.create_index("ix_checklist_results_unit_id", "checklist_results", ["unit_id"], unique=False)
    op.create_table(
        "risk_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("responsible", sa.String(length=80), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("defect_id", sa.Uuid(), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", domain.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_risk_items_project_id_projects"),
        sa.ForeignKeyConstraint(["building_id"], ["buildings.id"], name="fk_risk_items_building_id_buildings"),
        sa.ForeignKeyConstraint(["contractor_id"], ["contractors.id"], name="fk_risk_items_contractor_id_contractors"),
        sa.ForeignKeyConstraint(["defect_id"], ["defects.id"], name="fk_risk_items_defect_id_defects"),
        sa.ForeignKeyConstraint(["checked_by_id"], ["users.id"], name="fk_risk_items_checked_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_risk_items"),
        sa.UniqueConstraint("project_id", "code", name="uq_risk_items_project_id"),
    )
    op.create_index("ix_risk_items_project_id", "risk_items", ["project_id"], unique=False)
    op.create_table(
        "defect_duplicates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("defect_id", sa.Uuid(), nullable=False),
        sa.Column("duplicate_of_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["defect_id"], ["defects.id"], name="fk_defect_duplicates_defect_id_defects"),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"], ["defects.id"], name="fk_defect_duplicates_duplicate_of_id_defects"
        ),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name="fk_defect_duplicates_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_defect_duplicates"),
        sa.UniqueConstraint("defect_id", "duplicate_of_id", name="uq_defect_duplicates_defect_id"),
    )
    op.create_index("ix_defect_duplicates_duplicate_of_id", "defect_duplicates", ["duplicate_of_id"], unique=False)


def downgrade():
    op.drop_index("ix_defect_duplicates_duplicate_of_id", table_name="defect_duplicates")
    op.drop_table("defect_duplicates")
    op.drop_index("ix_risk_items_project_id", table_name="risk_items")
    op.drop_table("risk_items")
    op.drop_index("ix_checklist_results_unit_id", table_name="checklist_results")
    op.drop_table("checklist_results")
    op.drop_index("ix_checklist_items_project_id", table_name="checklist_items")
    op.drop_table("checklist_items")
    op.drop_index("ix_inspection_participants_user_id", table_name="inspection_participants")
    op.drop_table("inspection_participants")
    with op.batch_alter_table("inspections") as batch:
        for column in ("unit_ids", "floors", "status", "planned_end", "planned_start"):
            batch.drop_column(column)
