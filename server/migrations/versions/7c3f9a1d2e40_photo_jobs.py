"""Photos get their derivatives from image workers: a photo_jobs outbox, the derivative state of each photo,
and the multipart upload id of direct-to-S3 upload sessions.

Revision ID: 7c3f9a1d2e40
Revises: c7350cec1862
Create Date: 2026-12-01 01:00:00

"""

import sqlalchemy as sa
from alembic import op

import domain.models.base

revision = "7c3f9a1d2e40"
down_revision = "c7350cec1862"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE (no batch copy, which would trip the foreign keys that point at photos on SQLite).
    op.add_column("photos", sa.Column("derivatives", sa.String(length=10), server_default="ready", nullable=False))
    op.add_column("photos", sa.Column("derivatives_at", domain.models.base.UTCDateTime(timezone=True), nullable=True))
    op.add_column("photos", sa.Column("display_is_clean", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("photo_uploads", sa.Column("s3_upload_id", sa.String(length=255), nullable=True))
    op.create_table(
        "photo_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease", sa.String(length=32), nullable=True),
        sa.Column("worker", sa.String(length=120), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("created_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["photos.sha256"], name="fk_photo_jobs_sha256_photos", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_photo_jobs"),
        sa.UniqueConstraint("sha256", name="uq_photo_jobs_sha256"),
    )
    op.create_index("ix_photo_jobs_available_at", "photo_jobs", ["available_at"], unique=False)


def downgrade():
    op.drop_index("ix_photo_jobs_available_at", table_name="photo_jobs")
    op.drop_table("photo_jobs")
    with op.batch_alter_table("photo_uploads") as batch_op:
        batch_op.drop_column("s3_upload_id")
    with op.batch_alter_table("photos") as batch_op:
        batch_op.drop_column("display_is_clean")
        batch_op.drop_column("derivatives_at")
        batch_op.drop_column("derivatives")
