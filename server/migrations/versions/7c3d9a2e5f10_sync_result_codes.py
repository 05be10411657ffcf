"""The sync ledger keeps the stable code of each refused mutation, so a replayed result carries it too.

Revision ID: 7c3d9a2e5f10
Revises: 5b1e0c7a9d21
Create Date: 2026-12-01 00:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "7c3d9a2e5f10"
down_revision = "5b1e0c7a9d21"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("sync_mutations", sa.Column("code", sa.String(length=40), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("sync_mutations") as batch_op:
        batch_op.drop_column("code")
