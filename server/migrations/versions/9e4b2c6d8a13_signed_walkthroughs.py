"""Signed walkthroughs (陪验签字): one row per signing round of a unit in a customer-facing round, with the
items as signed, both signatures, the content hash and the PDF handed out.

Revision ID: 9e4b2c6d8a13
Revises: 7c3f9a1d2e40
Create Date: 2026-12-01 01:20:00

"""

import sqlalchemy as sa
from alembic import op

import domain.models.base

revision = "9e4b2c6d8a13"
down_revision = "7c3f9a1d2e40"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "walkthroughs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("owner_name", sa.String(length=60), nullable=False),
        sa.Column("owner_remarks", sa.Text(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("owner_signature", sa.JSON(), nullable=False),
        sa.Column("inspector_signature", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspections.id"], name="fk_walkthroughs_inspection_id_inspections"),
        sa.ForeignKeyConstraint(["inspector_id"], ["users.id"], name="fk_walkthroughs_inspector_id_users"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_walkthroughs_project_id_projects"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_walkthroughs_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_walkthroughs"),
        sa.UniqueConstraint("unit_id", "inspection_id", "round", name="uq_walkthroughs_unit_id"),
    )
    op.create_index("ix_walkthroughs_project_id", "walkthroughs", ["project_id"], unique=False)
    op.create_index("ix_walkthroughs_unit_id", "walkthroughs", ["unit_id"], unique=False)


def downgrade():
    op.drop_index("ix_walkthroughs_unit_id", table_name="walkthroughs")
    op.drop_index("ix_walkthroughs_project_id", table_name="walkthroughs")
    op.drop_table("walkthroughs")
