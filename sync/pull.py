"""Reading the change feed back, in pages, within what the user may see (server.policy decides).

A page is the next ``limit`` feed rows after the cursor. For each entity in it the CURRENT state is sent
(so a device may receive a newer state early, never an older one), or ``evict`` when a defect the user
could see before one of those changes is now outside their scope, or ``delete`` when it is gone.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import ClauseAdapter

from server import policy
from server.models import Conflict, Defect, DefectComment, SyncChange, User

from .feed import decode_cursor, encode_cursor
from .payloads import DEFECT_COLUMNS, comment_data, conflict_data, defect_row, photos_by_defect

DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000

# The feed row carries the defect's scope columns under the same names, as they were before the change,
# so the policy's own expression can be evaluated against them.
_BEFORE = ClauseAdapter(
    SyncChange.__table__,
    include_fn=lambda col: getattr(col, "table", None) is Defect.__table__,
    adapt_on_names=True,
)


def was_visible(user: User) -> ColumnElement[bool]:
    """policy.defect_filter(user), evaluated on a feed row's before-change scope keys."""
    return _BEFORE.traverse(policy.defect_filter(user))


def pull(
    session: Session, user: User, cursor: str | None, project_id: int | None = None, limit: int = DEFAULT_LIMIT
) -> dict[str, Any]:
    since = decode_cursor(cursor)
    stmt = select(SyncChange.seq, SyncChange.kind, SyncChange.entity_id, SyncChange.defect_id).where(
        SyncChange.seq > since
    )
    if project_id is not None:
        stmt = stmt.where(SyncChange.project_id == project_id)
    rows = session.execute(stmt.order_by(SyncChange.seq).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    if not rows:
        return {"changes": [], "cursor": encode_cursor(since), "more": False}
    last = rows[-1].seq

    latest: dict[tuple[str, str], tuple[int, uuid.UUID]] = {}
    for seq, kind, entity_id, defect_id in rows:
        latest.pop((kind, entity_id), None)  # keep insertion order by latest seq
        latest[(kind, entity_id)] = (seq, defect_id)
    defect_ids = {defect_id for _, defect_id in latest.values()}

    vis_stmt = select(*DEFECT_COLUMNS).where(Defect.id.in_(defect_ids), policy.defect_filter(user))
    visible = {row.id: row for row in session.execute(vis_stmt)}
    hidden = defect_ids - set(visible)
    gone: set[uuid.UUID] = set()
    evict: set[uuid.UUID] = set()
    if hidden and since > 0:
        # The device has the defect iff it was visible at the cursor, i.e. before the first change after it.
        first = (
            select(func.min(SyncChange.seq).label("seq"))
            .where(SyncChange.seq > since, SyncChange.seq <= last, SyncChange.defect_id.in_(hidden))
            .group_by(SyncChange.defect_id)
            .subquery()
        )
        had = set(
            session.scalars(
                select(SyncChange.defect_id).join(first, SyncChange.seq == first.c.seq).where(was_visible(user))
            )
        )
        existing = set(session.scalars(select(Defect.id).where(Defect.id.in_(had)))) if had else set()
        gone, evict = had - existing, had & existing

    photos = photos_by_defect(session, [i for (k, _), (_, i) in latest.items() if k == "defect" and i in visible])
    comment_ids = [uuid.UUID(e) for (k, e), (_, i) in latest.items() if k == "comment" and i in visible]
    comments = (
        {str(c.id): c for c in session.scalars(select(DefectComment).where(DefectComment.id.in_(comment_ids)))}
        if comment_ids
        else {}
    )
    conflict_ids = [int(e) for (k, e), (_, i) in latest.items() if k == "conflict" and i in visible]
    conflicts = (
        {str(c.id): c for c in session.scalars(select(Conflict).where(Conflict.id.in_(conflict_ids)))}
        if conflict_ids
        else {}
    )

    changes: list[dict[str, Any]] = []
    for (kind, entity_id), (_, defect_id) in latest.items():
        if kind == "defect":
            if defect_id in visible:
                data = defect_row(visible[defect_id], photos.get(defect_id, []))
                changes.append({"kind": "defect", "id": entity_id, "op": "upsert", "data": data})
            elif defect_id in evict or defect_id in gone:
                op = "evict" if defect_id in evict else "delete"
                changes.append({"kind": "defect", "id": entity_id, "op": op, "data": None})
        elif kind == "comment" and entity_id in comments:
            data = comment_data(comments[entity_id])
            changes.append({"kind": "comment", "id": entity_id, "op": "upsert", "data": data})
        elif kind == "conflict" and entity_id in conflicts:
            data = conflict_data(conflicts[entity_id])
            changes.append({"kind": "conflict", "id": entity_id, "op": "upsert", "data": data})
    return {"changes": changes, "cursor": encode_cursor(last), "more": more}
