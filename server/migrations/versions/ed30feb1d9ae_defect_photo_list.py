"""Defects carry their visible photos as the JSON list the sync pull sends (domain.models.photo_list).

Revision ID: ed30feb1d9ae
Revises: dc136b112ea7
Create Date: 2026-11-23 15:49:28.273273

"""

import orjson
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ed30feb1d9ae"
down_revision = "dc136b112ea7"
branch_labels = None
depends_on = None

_photos = sa.table(
    "defect_photos",
    sa.column("defect_id", sa.Uuid()),
    sa.column("sha256", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("added_at", sa.DateTime()),
    sa.column("removed_at", sa.DateTime()),
)
_defects = sa.table("defects", sa.column("id", sa.Uuid()), sa.column("photo_list", sa.Text()))


def upgrade():
    op.add_column("defects", sa.Column("photo_list", sa.Text(), server_default="[]", nullable=False))

    # Fill the lists of existing defects from their photos, in the order the pull has always sent them.
    conn = op.get_bind()
    shown: dict = {}
    rows = conn.execute(
        sa.select(_photos.c.defect_id, _photos.c.sha256, _photos.c.kind)
        .where(_photos.c.removed_at.is_(None))
        .order_by(_photos.c.defect_id, _photos.c.added_at, _photos.c.sha256)
    )
    for defect_id, sha256, kind in rows:
        shown.setdefault(defect_id, []).append({"sha256": sha256, "kind": kind})
    if shown:
        conn.execute(
            _defects.update().where(_defects.c.id == sa.bindparam("b_id")).values(photo_list=sa.bindparam("b_list")),
            [{"b_id": i, "b_list": orjson.dumps(p).decode()} for i, p in shown.items()],
        )


def downgrade():
    # A plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): copying the table, as batch mode would, trips
    # the foreign keys that point at it.
    op.drop_column("defects", "photo_list")
