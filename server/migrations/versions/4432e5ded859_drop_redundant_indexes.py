"""Drop two indexes nothing reads: defect_photos(defect_id), which the unique (defect_id, sha256) index
covers, and sync_changes(defect_id), since the pull reads the feed by sequence range.

Revision ID: 4432e5ded859
Revises: ed30feb1d9ae
Create Date: 2026-11-23 16:10:22.443036

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "4432e5ded859"
down_revision = "ed30feb1d9ae"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_defect_photos_defect_id", table_name="defect_photos")
    op.drop_index("ix_sync_changes_defect_id", table_name="sync_changes")


def downgrade():
    op.create_index("ix_sync_changes_defect_id", "sync_changes", ["defect_id"], unique=False)
    op.create_index("ix_defect_photos_defect_id", "defect_photos", ["defect_id"], unique=False)
