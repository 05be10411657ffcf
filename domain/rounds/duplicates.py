"""Suspected duplicates: two open defects of one unit with the same type, in the same room or within a
short distance on the plan, logged from different devices (one inspector's own repeats are theirs to
see on the tablet, which offers "可能重复" before they save).

The push records a suspicion as the second defect arrives (``flag_arrivals``, one INSERT … SELECT over the
defects of the units the push touched), so the list a manager or inspector pulls is a read of
``defect_duplicates`` by project and state, whatever the size of the project."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, case, exists, insert, inspect, literal, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.util import ClauseAdapter

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
    """The rule on two loaded defects (the SQL of ``flag_arrivals`` says the same)."""
    if a.unit_id != b.unit_id or a.type_id != b.type_id:
        return None
    pins = (a.pin_x, a.pin_y, b.pin_x, b.pin_y)
    if None not in pins and (a.pin_x - b.pin_x) ** 2 + (a.pin_y - b.pin_y) ** 2 <= NEAR**2:  # type: ignore[operator]
        return "near"
    if a.room_id is not None and a.room_id == b.room_id:
        return "same_room"
    return None


def _near(a: Any, b: Any) -> ColumnElement[bool]:
    dx, dy = a.pin_x - b.pin_x, a.pin_y - b.pin_y
    return (dx * dx + dy * dy) <= NEAR * NEAR  # NULL (a pin missing) is not near


@cache
def _flag_statement() -> Any:
    """The INSERT … SELECT of ``flag_arrivals``, built once (parameters: ids, device_id, now)."""
    new, old = aliased(Defect), aliased(Defect)
    known = DefectDuplicate
    reason = case((_near(new, old), literal("near")), else_=literal("same_room"))
    pairs = (
        select(new.id, old.id, new.project_id, literal("suspected"), reason, bindparam("now", type_=known.at.type))
        .select_from(new)
        # by the (unit, type) index: a unit holds a few dozen defects, a handful of one type
        .join(old, and_(old.unit_id == new.unit_id, old.type_id == new.type_id, old.id != new.id))
        .where(
            new.id.in_(bindparam("ids", expanding=True)),
            new.status.in_(OPEN),
            old.status.in_(OPEN),
            or_(_near(new, old), and_(old.room_id.is_not(None), old.room_id == new.room_id)),
            ~exists().where(
                DefectHistory.defect_id == old.id,
                DefectHistory.action == "create",
                DefectHistory.device_id == bindparam("device_id"),
            ),
            # Either way round, each an index lookup on the unique pair (an OR of the two is a scan).
            ~exists().where(known.defect_id == new.id, known.duplicate_of_id == old.id),
            ~exists().where(known.defect_id == old.id, known.duplicate_of_id == new.id),
        )
    )
    columns = ["defect_id", "duplicate_of_id", "project_id", "state", "reason", "at"]
    table = cast(Table, DefectDuplicate.__table__)
    return insert(table).from_select(columns, pairs)  # Core, so that parameters are not an ORM bulk insert


def flag_arrivals(session: Session, device_id: str, defect_ids: Collection[uuid.UUID], now: datetime) -> None:
    """Record as suspected each pair (new defect, older open defect) where the new one was just created by
    ``device_id`` and the older one by another device, on the same unit with the same type, in the same
    room or near on the plan. Pairs already known (either way round, in any state) are left alone, so
    running it twice records nothing twice. One statement.

    The push calls it after taking the change feed's lock, which concurrent pushes wait for: a push from a
    second tablet therefore sees the first tablet's committed defect, and the pair is found by whichever
    push comes second."""
    if defect_ids:
        session.execute(_flag_statement(), {"ids": list(defect_ids), "device_id": device_id, "now": now})


def _visible(user: User, alias: Any) -> ColumnElement[bool]:
    """policy.defect_filter(user) on an alias of the defects table."""
    return ClauseAdapter(inspect(alias).selectable).traverse(policy.defect_filter(user))


def suspects(session: Session, user: User, project_id: int) -> list[Suspect]:
    """The project's open suspicions the user may see both sides of, oldest first."""
    dup, into = aliased(Defect), aliased(Defect)
    rows = session.execute(
        select(
            DefectDuplicate.defect_id, DefectDuplicate.duplicate_of_id, dup.unit_id, dup.type_id, DefectDuplicate.reason
        )
        .join(dup, dup.id == DefectDuplicate.defect_id)
        .join(into, into.id == DefectDuplicate.duplicate_of_id)
        .where(
            DefectDuplicate.project_id == project_id,
            DefectDuplicate.state == "suspected",
            dup.status.in_(OPEN),
            into.status.in_(OPEN),
            _visible(user, dup),
            _visible(user, into),
        )
        .order_by(DefectDuplicate.at, DefectDuplicate.id)
    ).all()
    return [Suspect(*r) for r in rows]
