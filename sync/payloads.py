"""How defects, comments and conflicts look on the wire (the same fields as GET /api/defects/<id>)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Conflict, Defect, DefectComment, DefectPhoto

DEFECT_FIELDS = (
    "id",
    "project_id",
    "unit_id",
    "room_id",
    "pin_x",
    "pin_y",
    "type_id",
    "severity",
    "description",
    "reporter_id",
    "inspection_id",
    "contractor_id",
    "status",
    "due_date",
    "repeat_count",
    "satisfaction",
    "created_at",
    "updated_at",
)
DEFECT_COLUMNS = [getattr(Defect, f) for f in DEFECT_FIELDS]


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def defect_row(row: Any, photos: list[dict[str, str]]) -> dict[str, Any]:
    """A defect from a row of DEFECT_COLUMNS (or a Defect) and its visible photos."""
    data = {f: jsonable(getattr(row, f)) for f in DEFECT_FIELDS}
    data["photos"] = photos
    return data


def defect_data(defect: Defect) -> dict[str, Any]:
    visible = sorted((p for p in defect.photos if p.removed_at is None), key=lambda p: (p.added_at, p.sha256))
    photos = [{"sha256": p.sha256, "kind": p.kind} for p in visible]
    return defect_row(defect, photos)


def photos_by_defect(session: Session, defect_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, str]]]:
    ids = list(defect_ids)
    out: dict[uuid.UUID, list[dict[str, str]]] = {i: [] for i in ids}
    if not ids:
        return out
    stmt = (
        select(DefectPhoto.defect_id, DefectPhoto.sha256, DefectPhoto.kind)
        .where(DefectPhoto.defect_id.in_(ids), DefectPhoto.removed_at.is_(None))
        .order_by(DefectPhoto.added_at, DefectPhoto.sha256)
    )
    for defect_id, sha256, kind in session.execute(stmt):
        out[defect_id].append({"sha256": sha256, "kind": kind})
    return out


def comment_data(c: DefectComment) -> dict[str, Any]:
    return {
        "id": str(c.id),
        "defect_id": str(c.defect_id),
        "author_id": c.author_id,
        "body": c.body,
        "created_at": jsonable(c.created_at),
    }


def conflict_data(c: Conflict) -> dict[str, Any]:
    return {
        "id": c.id,
        "defect_id": str(c.defect_id),
        "kind": c.kind,
        "message": c.message,
        "ours": c.ours,
        "theirs": c.theirs,
        "status": c.status,
        "device_id": c.device_id,
        "user_id": c.user_id,
        "created_at": jsonable(c.created_at),
        "resolved_at": jsonable(c.resolved_at),
        "resolution": c.resolution,
        "note": c.note,
    }
