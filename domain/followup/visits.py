"""回访 after the repairs: the homeowner rates a unit once every item they follow is closed; if they have
not within the project's ``visit_timeout_days`` (default 7) of the last closure, the unit is due for a
phone 回访 (电话回访) by staff, who record the owner's score and remark as the ``visit`` of those items.

The items an owner follows are the ones they can see (``domain.policy``): found in a homeowner-facing
round, or reported by a homeowner. A unit is due when none of those is still open, assigned or fixed, at
least one is closed but not yet visited, and the last closure is older than the timeout.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from ..models import Defect, DefectType, FollowupSettings, HomeownerUnit, Inspection, Room, Unit, User
from ..policy import CUSTOMER_FACING_KINDS
from . import events

DEFAULT_TIMEOUT_DAYS = 7
UNFINISHED = ("open", "assigned", "fixed")


def timeout_days(session: Session, project_id: int) -> int:
    days = session.scalar(select(FollowupSettings.visit_timeout_days).where(FollowupSettings.project_id == project_id))
    return days if days is not None else DEFAULT_TIMEOUT_DAYS


def owner_followed() -> ColumnElement[bool]:
    """Defects a homeowner of the unit follows (and so rates): homeowner-facing rounds, or their own."""
    facing = select(Inspection.id).where(Inspection.kind.in_(CUSTOMER_FACING_KINDS))
    owners = select(User.id).where(User.role == "homeowner")
    return and_(Defect.status != "void", or_(Defect.inspection_id.in_(facing), Defect.reporter_id.in_(owners)))


def _due(cutoff: datetime, *where: Any) -> Any:
    """Per unit: the last closure and how many closed items await the owner's rating, for units with
    nothing unfinished whose last closure is at or before ``cutoff``."""
    closed = Defect.status == "closed"
    return (
        select(
            Defect.project_id,
            Defect.unit_id,
            func.max(Defect.closed_at).filter(closed).label("last_closed"),
            func.count().filter(closed).label("to_rate"),
        )
        .where(owner_followed(), *where)
        .group_by(Defect.project_id, Defect.unit_id)
        .having(
            func.count().filter(Defect.status.in_(UNFINISHED)) == 0,
            func.count().filter(closed) > 0,
            func.max(Defect.closed_at).filter(closed) <= cutoff,
        )
    )


def count_due(session: Session, project_id: int, now: datetime, building_id: int | None = None) -> int:
    where = [Defect.project_id == project_id]
    if building_id is not None:
        where.append(Defect.unit_id.in_(select(Unit.id).where(Unit.building_id == building_id)))
    cutoff = now - timedelta(days=timeout_days(session, project_id))
    sub = _due(cutoff, *where).subquery()
    return session.scalar(select(func.count()).select_from(sub)) or 0


def due_units(session: Session, project_id: int, now: datetime) -> list[dict[str, Any]]:
    """The manager's 回访 queue: units due for a phone 回访, the longest waiting first, each with its
    homeowners (name, phone) and the closed items to rate."""
    days = timeout_days(session, project_id)
    rows = session.execute(_due(now - timedelta(days=days), Defect.project_id == project_id)).all()
    if not rows:
        return []
    unit_ids = [r.unit_id for r in rows]
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    owners: dict[int, list[dict[str, Any]]] = {}
    for unit_id, uid, name, phone in session.execute(
        select(HomeownerUnit.unit_id, User.id, User.display_name, User.phone)
        .join(User, User.id == HomeownerUnit.user_id)
        .where(HomeownerUnit.unit_id.in_(unit_ids), User.active.is_(True))
        .order_by(HomeownerUnit.id)
    ):
        owners.setdefault(unit_id, []).append({"user_id": uid, "name": name, "phone": phone})
    items: dict[int, list[dict[str, Any]]] = {}
    for d_id, unit_id, type_zh, type_en, room, closed_at in session.execute(
        select(Defect.id, Defect.unit_id, DefectType.name_zh, DefectType.name_en, Room.name, Defect.closed_at)
        .join(DefectType, DefectType.id == Defect.type_id)
        .outerjoin(Room, Room.id == Defect.room_id)
        .where(Defect.unit_id.in_(unit_ids), Defect.status == "closed", owner_followed())
        .order_by(Defect.closed_at)
    ):
        items.setdefault(unit_id, []).append(
            {
                "id": str(d_id),
                "type_zh": type_zh,
                "type_en": type_en,
                "room": room or "",
                "closed_at": closed_at.isoformat() if closed_at else None,
            }
        )
    out = []
    for r in sorted(rows, key=lambda r: r.last_closed):
        due_since = r.last_closed + timedelta(days=days)
        out.append(
            {
                "unit_id": r.unit_id,
                "label": units[r.unit_id].label,
                "owners": owners.get(r.unit_id, []),
                "items": items.get(r.unit_id, []),
                "last_closed_at": r.last_closed.isoformat(),
                "due_since": due_since.isoformat(),
                "days_waiting": max(0, (now - due_since).days),
            }
        )
    return out


def notify_due(session: Session, now: datetime) -> int:
    """The follow-up pass: tell the project's managers once per unit (and per last closure) that it is due
    for a phone 回访 (an inbox message, and e-mail or webhooks as they chose). Returns the units due."""
    timeouts = set(session.scalars(select(FollowupSettings.visit_timeout_days).distinct())) | {DEFAULT_TIMEOUT_DAYS}
    own = func.coalesce(
        select(FollowupSettings.visit_timeout_days)
        .where(FollowupSettings.project_id == Defect.project_id)
        .scalar_subquery(),
        DEFAULT_TIMEOUT_DAYS,
    )
    announced = 0
    for days in sorted(timeouts):
        for r in session.execute(_due(now - timedelta(days=days), own == days)).all():
            d = session.scalars(
                select(Defect)
                .where(Defect.unit_id == r.unit_id, Defect.status == "closed", owner_followed())
                .order_by(Defect.closed_at.desc(), Defect.id)
                .limit(1)
            ).first()
            if d is None:
                continue
            users = events.target_users(session, "manager", r.project_id, None)
            key = f"visit_due:{r.unit_id}:{r.last_closed.isoformat()}"
            note = f"{r.to_rate} 项已关闭超过 {days} 天，业主未评价，请电话回访 / {r.to_rate} closed item(s) unrated"
            events.emit(session, "visit_due", d, users, key, now, note=note)
            announced += 1
    return announced
