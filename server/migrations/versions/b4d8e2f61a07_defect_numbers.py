"""Defects carry a number per project (#123), given by the server at create (sync.numbering).

Revision ID: b4d8e2f61a07
Revises: b3d8e1f4a6c7
Create Date: 2026-12-01 03:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b4d8e2f61a07"
down_revision = "b3d8e1f4a6c7"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("defects", sa.Column("number", sa.Integer(), nullable=True))
    # Existing defects are numbered in the order they were found, per project; the server's counter then
    # continues after the highest (sync.numbering reads it when a project's counter does not exist yet).
    op.execute(
        sa.text(
            "UPDATE defects SET number = ranked.n FROM ("
            " SELECT id, row_number() OVER (PARTITION BY project_id ORDER BY created_at, id) AS n FROM defects"
            ") AS ranked WHERE defects.id = ranked.id"
        )
    )
    op.create_index("uq_defects_project_number", "defects", ["project_id", "number"], unique=True)


def downgrade():
    op.drop_index("uq_defects_project_number", table_name="defects")
    op.execute(sa.text("DELETE FROM sync_counters WHERE name LIKE 'defect_no:%'"))
    # A plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): batch mode would trip the foreign keys.
    op.drop_column("defects", "number")
