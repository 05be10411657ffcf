"""Row sources for reports and exports: the defects with their place, type, contractor and first photo,
read in batches (``yield_per``) so a large export never holds every row at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from ..models import Building, Contractor, Defect, DefectPhoto, DefectType, Room, Unit
from .filters import LOCAL

STATUS_ZH = {
    "open": "待分派",
    "assigned": "已分派",
    "fixed": "已维修",
    "closed": "已关闭",
    "visited": "已回访",
    "void": "已作废",
}
SEVERITY_ZH = {"A": "A类（立即整改）", "B": "B类（限期整改）", "C": "C类（改进）"}
NOTICE_STATUSES = ("open", "assigned")  # what a contractor still has to fix
BATCH = 500


def first_photo() -> Any:
    return (
        select(DefectPhoto.sha256)
        .where(DefectPhoto.defect_id == Defect.id, DefectPhoto.removed_at.is_(None), DefectPhoto.kind == "before")
        .order_by(DefectPhoto.added_at, DefectPhoto.id)
        .limit(1)
        .scalar_subquery()
    )


def defect_rows(conds: list[ColumnElement[bool]]) -> Any:
    stmt = (
        select(
            Defect.id,
            Defect.status,
            Defect.severity,
            Defect.description,
            Defect.due_date,
            Defect.fix_due_at,
            Defect.created_at,
            Defect.closed_at,
            Defect.repeat_count,
            Building.name.label("building"),
            Unit.entrance,
            Unit.number,
            Room.name.label("room"),
            DefectType.name_zh.label("type"),
            Contractor.name.label("contractor"),
            first_photo().label("photo"),
        )
        .join(Unit, Unit.id == Defect.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .join(DefectType, DefectType.id == Defect.type_id)
        .outerjoin(Room, Room.id == Defect.room_id)
        .outerjoin(Contractor, Contractor.id == Defect.contractor_id)
        .where(*conds)
        .order_by(Building.name, Unit.entrance, Unit.floor, Unit.number, Defect.created_at, Defect.id)
    )
    return stmt


def _local(ts: datetime | None) -> str:
    return ts.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M") if ts else ""


def shaped(row: Any) -> dict[str, Any]:
    deadline = _local(row.fix_due_at) if row.fix_due_at else (row.due_date.isoformat() if row.due_date else "")
    return {
        "id": str(row.id),
        "number": str(row.id)[:8].upper(),
        "building": row.building,
        "unit": f"{row.entrance}单元{row.number}",
        "room": row.room or "",
        "place": f"{row.building} {row.entrance}单元{row.number}" + (f" {row.room}" if row.room else ""),
        "type": row.type,
        "severity": row.severity,
        "severity_zh": SEVERITY_ZH.get(row.severity, row.severity),
        "status": row.status,
        "status_zh": STATUS_ZH.get(row.status, row.status),
        "description": row.description,
        "contractor": row.contractor or "",
        "deadline": deadline,
        "found": _local(row.created_at),
        "closed": _local(row.closed_at),
        "repeat_count": row.repeat_count,
        "photo": row.photo,
    }


def stream(session: Session, conds: list[ColumnElement[bool]]) -> Iterator[dict[str, Any]]:
    for row in session.execute(defect_rows(conds).execution_options(yield_per=BATCH)):
        yield shaped(row)
