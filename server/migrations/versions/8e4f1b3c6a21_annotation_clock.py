"""Photo annotations carry the clock stamp of the write that made them: they are a sync mutation now,
merged last-writer-wins like every other edit.

Revision ID: 8e4f1b3c6a21
Revises: 7c3e9a51b2d4
Create Date: 2026-12-01 01:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "8e4f1b3c6a21"
down_revision = "7c3e9a51b2d4"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("photo_annotations", sa.Column("clock", sa.String(length=84), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("photo_annotations") as batch_op:
        batch_op.drop_column("clock")
