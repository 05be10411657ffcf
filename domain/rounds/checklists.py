"""分户验收 checklists: which items apply to which room, how a measured value is judged, and each unit's
progress in a round (已验 / 未验, written to ``unit_inspections`` for the statistics)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.models import ChecklistItem, ChecklistResult, Room, Unit, UnitInspection, utcnow

from .template import STARTER

ROOM_KINDS = ("unit", "all", "dry", "wet", "bath", "kitchen", "balcony")
RESULTS = ("pass", "fail", "na")
UNIT_ROOM = 0  # room_id of results about the unit as a whole


def room_kinds(room: Room) -> set[str]:
    """The kinds a room counts as: 卫生间 is bath and wet, 阳台 balcony and wet, a bedroom dry."""
    text = f"{room.code} {room.name}".lower()
    if "bath" in text or "卫" in text or "wc" in text:
        return {"all", "wet", "bath"}
    if "kitchen" in text or "厨" in text:
        return {"all", "wet", "kitchen"}
    if "balcony" in text or "阳台" in text:
        return {"all", "wet", "balcony"}
    return {"all", "dry"}


def judge(item: ChecklistItem, measured: float) -> str:
    """pass or fail for a measured value; the bounds themselves pass (≤ 4 mm means 4.0 passes)."""
    value = round(measured, 3)
    if item.tol_min is not None and value < item.tol_min:
        return "fail"
    if item.tol_max is not None and value > item.tol_max:
        return "fail"
    return "pass"


def seed_standard(session: Session) -> int:
    """Load the starter template as the standard checklist (project NULL); idempotent. Returns rows added."""
    known = set(session.scalars(select(ChecklistItem.code).where(ChecklistItem.project_id.is_(None))))
    added = 0
    for pos, row in enumerate(STARTER):
        if row[0] in known:
            continue
        session.add(_item(None, pos, row))
        added += 1
    session.flush()
    return added


def _item(project_id: int | None, pos: int, row: tuple[Any, ...]) -> ChecklistItem:
    code, area, kind, zh, en, method, unit, lo, hi, type_code = row
    return ChecklistItem(
        project_id=project_id, code=code, area_code=area, room_kind=kind, name_zh=zh, name_en=en,
        method=method, unit=unit, tol_min=lo, tol_max=hi, type_code=type_code, position=pos, active=True,
    )  # fmt: skip


def project_items(session: Session, project_id: int, *, include_inactive: bool = False) -> list[ChecklistItem]:
    """The project's own checklist when it has one, else the standard one."""
    own = select(ChecklistItem.id).where(ChecklistItem.project_id == project_id).limit(1)
    owner = project_id if session.scalar(own) is not None else None
    stmt = select(ChecklistItem).where(
        ChecklistItem.project_id == owner if owner is not None else ChecklistItem.project_id.is_(None)
    )
    if not include_inactive:
        stmt = stmt.where(ChecklistItem.active.is_(True))
    return list(session.scalars(stmt.order_by(ChecklistItem.position, ChecklistItem.id)))


def own_copy(session: Session, project_id: int) -> list[ChecklistItem]:
    """The project's editable checklist, copied from the standard one the first time it is edited."""
    own = list(session.scalars(select(ChecklistItem).where(ChecklistItem.project_id == project_id)))
    if own:
        return own
    for std in project_items(session, project_id, include_inactive=True):
        row = (std.code, std.area_code, std.room_kind, std.name_zh, std.name_en, std.method, std.unit,
               std.tol_min, std.tol_max, std.type_code)  # fmt: skip
        session.add(_item(project_id, std.position, row))
    session.flush()
    return list(session.scalars(select(ChecklistItem).where(ChecklistItem.project_id == project_id)))


@dataclass(frozen=True)
class Slot:
    room_id: int
    item_id: int


def slots(items: Iterable[ChecklistItem], rooms: Iterable[Room]) -> list[Slot]:
    """Every (room, item) a unit's checklist asks for. Without a plan, the unit is one room of every kind."""
    items, rooms = list(items), list(rooms)
    out = []
    for item in items:
        if item.room_kind == "unit" or not rooms:
            out.append(Slot(UNIT_ROOM, item.id))
            continue
        out.extend(Slot(r.id, item.id) for r in rooms if item.room_kind in room_kinds(r))
    return out


def unit_rooms(session: Session, unit: Unit) -> list[Room]:
    if unit.plan_type_id is None:
        return []
    return list(session.scalars(select(Room).where(Room.plan_type_id == unit.plan_type_id).order_by(Room.position)))


def refresh_progress(session: Session, inspection_id: uuid.UUID, unit: Unit) -> UnitInspection:
    """Recount the unit's answered items in the round and store them (已验 when every item is answered)."""
    wanted = {(s.room_id, s.item_id) for s in slots(project_items(session, unit.project_id), unit_rooms(session, unit))}
    answered = session.execute(
        select(ChecklistResult.room_id, ChecklistResult.item_id).where(
            ChecklistResult.inspection_id == inspection_id,
            ChecklistResult.unit_id == unit.id,
            ChecklistResult.result.in_(RESULTS),
        )
    )
    done = len(wanted & {(r, i) for r, i in answered})
    row = session.scalar(
        select(UnitInspection).where(UnitInspection.inspection_id == inspection_id, UnitInspection.unit_id == unit.id)
    )
    if row is None:
        row = UnitInspection(inspection_id=inspection_id, unit_id=unit.id)
        session.add(row)
    row.items_done, row.items_total = done, len(wanted)
    row.status = "done" if wanted and done >= len(wanted) else "partial"
    row.updated_at = utcnow()
    session.flush()
    return row
