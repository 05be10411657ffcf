"""Defects are indexed by (project_id, id) and (contractor_id, id) instead of project_id and contractor_id
alone, so that a pull page is an index range scan however large the project (docs/sync-protocol.md).

Revision ID: 7c3d2f1a9b60
Revises: 9e4b2c6d8a13
Create Date: 2026-12-01 00:40:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "7c3d2f1a9b60"
down_revision = "9e4b2c6d8a13"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_defects_project_id_id", "defects", ["project_id", "id"], unique=False)
    op.create_index("ix_defects_contractor_id_id", "defects", ["contractor_id", "id"], unique=False)
    op.drop_index("ix_defects_project_id", table_name="defects")
    op.drop_index("ix_defects_contractor_id", table_name="defects")


def downgrade():
    op.create_index("ix_defects_contractor_id", "defects", ["contractor_id"], unique=False)
    op.create_index("ix_defects_project_id", "defects", ["project_id"], unique=False)
    op.drop_index("ix_defects_contractor_id_id", table_name="defects")
    op.drop_index("ix_defects_project_id_id", table_name="defects")
