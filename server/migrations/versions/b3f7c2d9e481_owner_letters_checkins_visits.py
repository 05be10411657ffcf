"""The homeowner's part: invitation letters for a round (invitations.inspection_id), items the owner
raised (defects.owner_raised), who gave the 回访 (defects.visit_method: owner or phone) and the days an
owner has to rate before staff call (followup_settings.visit_timeout_days).

Revision ID: b3f7c2d9e481
Revises: b4d8e2f61a07
Create Date: 2026-12-01 03:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b3f7c2d9e481"
down_revision = "b4d8e2f61a07"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE on defects (no batch copy, which would trip the foreign keys that point at defects).
    op.add_column("defects", sa.Column("visit_method", sa.String(length=10), nullable=True))
    op.add_column("defects", sa.Column("owner_raised", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column(
        "followup_settings", sa.Column("visit_timeout_days", sa.Integer(), server_default="7", nullable=False)
    )
    # Nothing points at invitations: a batch copy is safe here and adds the foreign key on SQLite too.
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.add_column(sa.Column("inspection_id", sa.Uuid(), nullable=True))
        batch_op.create_index("ix_invitations_inspection_id", ["inspection_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_invitations_inspection_id_inspections", "inspections", ["inspection_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.drop_constraint("fk_invitations_inspection_id_inspections", type_="foreignkey")
        batch_op.drop_index("ix_invitations_inspection_id")
        batch_op.drop_column("inspection_id")
    with op.batch_alter_table("followup_settings") as batch_op:
        batch_op.drop_column("visit_timeout_days")
    op.drop_column("defects", "owner_raised")
    op.drop_column("defects", "visit_method")
