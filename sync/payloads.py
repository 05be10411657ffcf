"""How defects, comments and conflicts look on the wire (the same fields as GET /api/defects/<id>)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.models import Defect

DEFECT_FIELDS = (
    "id",
    "project_id",
    "number",
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
    "response_due_at",
    "fix_due_at",
    "accepted_at",
    "escalation_level",
    "owner_raised",
    "visit_method",
)
DEFECT_COLUMNS = [getattr(Defect, f) for f in DEFECT_FIELDS]


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def defect_data(defect: Defect) -> dict[str, Any]:
    """The defect as a device receives it; its photos from the stored list (domain.models.photo_list)."""
    data = {f: jsonable(getattr(defect, f)) for f in DEFECT_FIELDS}
    data["photos"] = orjson.loads(defect.photo_list)
    return data


def comment_data(c: Any) -> dict[str, Any]:
    """A comment from a DefectComment or a row of its columns."""
    return {
        "id": str(c.id),
        "defect_id": str(c.defect_id),
        "author_id": c.author_id,
        "body": c.body,
        "created_at": jsonable(c.created_at),
    }


def conflict_data(c: Any) -> dict[str, Any]:
    """A conflict from a Conflict or a row of its columns."""
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
        "user_name": getattr(c, "user_name", None),
        "created_at": jsonable(c.created_at),
        "resolved_at": jsonable(c.resolved_at),
        "resolution": c.resolution,
        "note": c.note,
    }


def python_entries(session: Session, *where: Any, limit: int | None = None) -> list[tuple[uuid.UUID, Any]]:
    """The pull's defect entries for the defects matching ``where``, by id, at most ``limit``, built in
    Python from the columns of ``DEFECT_FIELDS`` and the stored ``photo_list``, on any engine."""
    stmt = select(*DEFECT_COLUMNS, Defect.photo_list).where(*where).order_by(Defect.id).limit(limit)
    out = []
    for row in session.connection().execute(stmt).all():
        data = dict(zip(DEFECT_FIELDS, row, strict=False))
        data["photos"] = orjson.Fragment(row.photo_list)
        out.append((row.id, {"kind": "defect", "id": str(row.id), "op": "upsert", "data": data}))
    return out
