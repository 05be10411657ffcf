"""The delivery gate: each project's criteria and the delivery permits (交付许可令) issued per building.

Revision ID: 7c3e9a51b2d4
Revises: 7c3d9a2e5f10
Create Date: 2026-12-01 00:40:00

"""

import sqlalchemy as sa
from alembic import op

import domain.models.base

revision = "7c3e9a51b2d4"
down_revision = "7c3d9a2e5f10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "delivery_gate_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_delivery_gate_settings_project_id_projects"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name="fk_delivery_gate_settings_updated_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_gate_settings"),
        sa.UniqueConstraint("project_id", name="uq_delivery_gate_settings_project_id"),
    )
    op.create_table(
        "delivery_permits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.Column("override_reason", sa.String(length=1000), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("revoked_at", domain.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["building_id"], ["buildings.id"], name="fk_delivery_permits_building_id_buildings"),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"], name="fk_delivery_permits_issued_by_id_users"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_delivery_permits_project_id_projects"),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_permits"),
    )
    op.create_index("ix_delivery_permits_building_id", "delivery_permits", ["building_id"], unique=False)
    op.create_index("ix_delivery_permits_project_id", "delivery_permits", ["project_id"], unique=False)


def downgrade():
    op.drop_index("ix_delivery_permits_project_id", table_name="delivery_permits")
    op.drop_index("ix_delivery_permits_building_id", table_name="delivery_permits")
    op.drop_table("delivery_permits")
    op.drop_table("delivery_gate_settings")
