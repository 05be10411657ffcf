"""Suspected duplicates are recorded as pushes arrive: each pair keeps its project (for a project's list of
open suspicions, by an index) and why it was suspected. The defects' unit index becomes (unit, type), which
the push's look-up of a new defect's look-alikes reads; the unit alone still uses its leading column.

Revision ID: b3d8e1f4a6c7
Revises: b5d2e8f41c07
Create Date: 2026-12-01 03:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b3d8e1f4a6c7"
down_revision = "b5d2e8f41c07"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_defects_unit_id_type_id", "defects", ["unit_id", "type_id"], unique=False)
    op.drop_index("ix_defects_unit_id", table_name="defects")
    with op.batch_alter_table("defect_duplicates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.String(length=10), server_default="", nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_defect_duplicates_project_id_projects"), "projects", ["project_id"], ["id"]
        )
        batch_op.create_index("ix_defect_duplicates_project_id_state", ["project_id", "state"], unique=False)
    op.execute(
        "UPDATE defect_duplicates SET project_id = "
        "(SELECT defects.project_id FROM defects WHERE defects.id = defect_duplicates.defect_id)"
    )


def downgrade():
    op.execute("DELETE FROM defect_duplicates WHERE state = 'suspected'")  # before this, nothing was stored
    with op.batch_alter_table("defect_duplicates", schema=None) as batch_op:
        batch_op.drop_index("ix_defect_duplicates_project_id_state")
        batch_op.drop_constraint(batch_op.f("fk_defect_duplicates_project_id_projects"), type_="foreignkey")
        batch_op.drop_column("reason")
        batch_op.drop_column("project_id")
    op.create_index("ix_defects_unit_id", "defects", ["unit_id"], unique=False)
    op.drop_index("ix_defects_unit_id_type_id", table_name="defects")
