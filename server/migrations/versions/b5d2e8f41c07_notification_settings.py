"""Notification settings: quiet hours for e-mail per user, and whose e-mail each outbox message is.

Revision ID: b5d2e8f41c07
Revises: a7c31d0e5f42
Create Date: 2026-12-01 03:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b5d2e8f41c07"
down_revision = "a7c31d0e5f42"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("notify_settings", sa.Column("quiet_start", sa.Integer(), nullable=True))
    op.add_column("notify_settings", sa.Column("quiet_end", sa.Integer(), nullable=True))
    op.add_column("outbox", sa.Column("user_id", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("user_id")
    with op.batch_alter_table("notify_settings") as batch_op:
        batch_op.drop_column("quiet_end")
        batch_op.drop_column("quiet_start")
