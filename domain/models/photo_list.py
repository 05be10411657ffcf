"""``Defect.photo_list``: the defect's visible photos as the sync pull sends them, kept in step with
``defect_photos``.

A pull page of 5,000 defects would otherwise read 10,000 photo rows and group them by defect, which is
about half the cost of building the page. The list is the JSON array ``[{"sha256": …, "kind": …}, …]``
of the photos not removed, in the order they were added (then by hash).

It is kept in step in two places, and nowhere else may write ``defect_photos``:
- ORM writes: after every flush that adds, changes or deletes a ``DefectPhoto``, the lists of the
  defects concerned are recomputed from the table (one SELECT and one executemany UPDATE).
- Bulk inserts of new defects with their photos (``sync.merge.Created``) write the list with the row,
  from ``photo_list_of``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from itertools import chain
from typing import Any, cast

import orjson
from sqlalchemy import Table, bindparam, event, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .defect import Defect, DefectPhoto

EMPTY = "[]"


def photo_list_of(photos: Iterable[Mapping[str, Any]]) -> str:
    """The list for these photo rows (dicts with sha256, kind, added_at and, optionally, removed_at)."""
    shown = sorted((p for p in photos if p.get("removed_at") is None), key=lambda p: (p["added_at"], p["sha256"]))
    return orjson.dumps([{"sha256": p["sha256"], "kind": p["kind"]} for p in shown]).decode()


def refresh(session: Session, defect_ids: Iterable[uuid.UUID]) -> None:
    """Recompute the lists of these defects from ``defect_photos`` (in the session's transaction)."""
    ids = set(defect_ids)
    if not ids:
        return
    conn = session.connection()
    stmt = (
        select(DefectPhoto.defect_id, DefectPhoto.sha256, DefectPhoto.kind)
        .where(DefectPhoto.defect_id.in_(ids), DefectPhoto.removed_at.is_(None))
        .order_by(DefectPhoto.added_at, DefectPhoto.sha256)
    )
    shown: dict[uuid.UUID, list[dict[str, str]]] = {i: [] for i in ids}
    for defect_id, sha256, kind in conn.execute(stmt):
        shown[defect_id].append({"sha256": sha256, "kind": kind})
    lists = {i: orjson.dumps(p).decode() for i, p in shown.items()}
    table = cast(Table, Defect.__table__)
    conn.execute(
        update(table).where(table.c.id == bindparam("b_id")).values(photo_list=bindparam("b_list")),
        [{"b_id": i, "b_list": text} for i, text in lists.items()],
    )
    for i, text in lists.items():  # loaded objects show the new list without a refresh
        obj = session.identity_map.get(session.identity_key(Defect, i))
        if obj is not None:
            set_committed_value(obj, "photo_list", text)


@event.listens_for(Session, "after_flush")
def _refresh_after_flush(session: Session, flush_context: Any) -> None:
    touched = {
        obj.defect_id
        for obj in chain(session.new, session.dirty, session.deleted)
        if isinstance(obj, DefectPhoto) and obj.defect_id is not None
    }
    refresh(session, touched)
