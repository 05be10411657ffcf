"""The delivery calendar (碧桂园 "90-60-45-30", ../../docs/domain.md): rounds proposed from the delivery date,
their status (planned → open → closed) and which units a round covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import DomainError, define
from domain.models import Inspection, Unit

ROUND_STATUSES = ("planned", "open", "closed")
# Allowed status moves; reopening a closed round is a manager's correction.
STATUS_MOVES = {"planned": {"open"}, "open": {"closed"}, "closed": {"open"}}
PARTICIPANT_ROLES = ("lead", "inspector", "property", "contractor", "companion")

ROUND_STATUS_MOVE = define("round_status_move", 409, "That status change is not allowed for this round")
ROUND_CLOSED = define("round_closed", 409, "The inspection round is closed")


@dataclass(frozen=True)
class Step:
    kind: str | None  # None: a milestone, not a round
    key: str
    name: str
    start: int  # days relative to delivery (T-0)
    end: int


# Internal simulated acceptance runs in stages during the build; the rest follow the group's master schedule.
STEPS = (
    Step("internal", "internal_civil", "内部模拟验收（土建）", -150, -143),
    Step("internal", "internal_mep", "内部模拟验收（安装·部品）", -120, -113),
    Step(None, "completion", "全面完工", -90, -90),
    Step("internal", "internal_final", "内部模拟验收（交付前观感）", -75, -68),
    Step("group_joint", "group_joint", "集团联合验收", -62, -58),
    Step("pre_inspection", "open_day", "工地开放日·客户预验收", -46, -44),
    Step("regional_joint", "regional_joint", "区域联合验收（交付许可）", -32, -28),
    Step("handover", "handover", "承接查验", -22, -15),  # must be finished 15 days before delivery
    Step("delivery", "delivery", "集中交付·陪验", 0, 2),
)


def propose(delivery: date, building_name: str = "") -> dict[str, Any]:
    """The calendar for one delivery date: rounds to adjust and save, and the milestones between them."""
    prefix = f"{building_name} " if building_name else ""
    rounds, milestones = [], []
    for s in STEPS:
        start, end = delivery + timedelta(days=s.start), delivery + timedelta(days=s.end)
        if s.kind is None:
            milestones.append({"key": s.key, "name": s.name, "date": start, "offset_days": s.start})
            continue
        rounds.append(
            {
                "key": s.key,
                "kind": s.kind,
                "name": f"{prefix}{s.name}",
                "planned_start": start,
                "planned_end": end,
                "offset_days": s.start,
            }
        )
    return {"delivery_date": delivery, "rounds": rounds, "milestones": milestones}


def move_status(insp: Inspection, new: str) -> None:
    if new == insp.status:
        return
    if new not in STATUS_MOVES.get(insp.status, set()):
        raise DomainError(
            ROUND_STATUS_MOVE,
            f"检查批次不能从「{insp.status}」改为「{new}」/ A round cannot go from {insp.status} to {new}",
            current=insp.status,
            wanted=new,
        )
    insp.status = new
    if new == "open" and insp.started_on is None:
        insp.started_on = date.today()


def round_units(session: Session, insp: Inspection) -> list[Unit]:
    """The units a round covers: its list, else its building (narrowed to its floors), else the project."""
    stmt = select(Unit).where(Unit.project_id == insp.project_id)
    if insp.unit_ids:
        stmt = stmt.where(Unit.id.in_(insp.unit_ids))
    else:
        if insp.building_id is not None:
            stmt = stmt.where(Unit.building_id == insp.building_id)
        if insp.floors:
            stmt = stmt.where(Unit.floor.in_(insp.floors))
    return list(session.scalars(stmt.order_by(Unit.building_id, Unit.floor, Unit.number)))


def covers(insp: Inspection, unit: Unit) -> bool:
    if unit.project_id != insp.project_id:
        return False
    if insp.unit_ids:
        return unit.id in insp.unit_ids
    if insp.building_id is not None and unit.building_id != insp.building_id:
        return False
    return not insp.floors or unit.floor in insp.floors
