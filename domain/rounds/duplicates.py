"""Suspected duplicates: two open defects of one unit with the same type, in the same room or within a
short distance on the plan, logged from different devices (one inspector's own repeats are theirs to
see on the tablet, which offers "可能重复" before they save)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import policy
from domain.models import Defect, DefectDuplicate, DefectHistory, User

OPEN = ("open", "assigned", "fixed")
NEAR = 0.05  # on the plan (0..1 across the image): about half a metre in a 10 m wide unit


@dataclass(frozen=True)
class Suspect:
    defect_id: uuid.UUID  # the later one, proposed as the duplicate
    duplicate_of_id: uuid.UUID
    unit_id: int
    type_id: int
    reason: str  # same_room | near


def similar(a: Defect, b: Defect) -> str | None:
    if a.unit_id != b.unit_id or a.type_id != b.type_id:
        return None
    pins = (a.pin_x, a.pin_y, b.pin_x, b.pin_y)
    if None not in pins and (a.pin_x - b.pin_x) ** 2 + (a.pin_y - b.pin_y) ** 2 <= NEAR**2:  # type: ignore[operator]
        return "near"
    if a.room_id is not None and a.room_id == b.room_id:
        return "same_room"
    return None


def suspects(session: Session, user: User, project_id: int) -> list[Suspect]:
    stmt = select(Defect).where(Defect.project_id == project_id, Defect.status.in_(OPEN), policy.defect_filter(user))
    defects = list(session.scalars(stmt.order_by(Defect.created_at, Defect.id)))
    ids = [d.id for d in defects]
    if not ids:
        return []
    devices = dict(
        session.execute(
            select(DefectHistory.defect_id, DefectHistory.device_id).where(
                DefectHistory.action == "create", DefectHistory.defect_id.in_(ids)
            )
        ).all()
    )
    settled = {
        (a, b)
        for a, b in session.execute(
            select(DefectDuplicate.defect_id, DefectDuplicate.duplicate_of_id).where(DefectDuplicate.defect_id.in_(ids))
        )
    }
    groups: dict[tuple[int, int], list[Defect]] = {}
    for d in defects:
        groups.setdefault((d.unit_id, d.type_id), []).append(d)
    out = []
    for group in groups.values():
        for first, later in combinations(group, 2):
            da, db = devices.get(first.id), devices.get(later.id)
            if da is not None and da == db:
                continue  # one device: the tablet already offered the merge
            if (later.id, first.id) in settled or (first.id, later.id) in settled:
                continue
            reason = similar(first, later)
            if reason:
                out.append(Suspect(later.id, first.id, later.unit_id, later.type_id, reason))
    return out
