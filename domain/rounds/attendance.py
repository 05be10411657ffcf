"""到访 check-ins at the homeowner-facing rounds (工地开放日 / 客户预验收 / 交付陪验) and each round's
attendance (到访率): units checked in over units invited.

A unit is checked in once per round (``inspection_checkins`` is unique on the pair): by the homeowner
themselves on their phone (``qr``), or by staff marking the unit's owner as arrived (``staff``, also
offline through the ``checkin.record`` sync mutation). Recording it twice, from two tablets or a replay,
keeps the first and answers "already checked in".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import dialects
from ..errors import DomainError, define
from ..models import HomeownerUnit, Inspection, InspectionCheckin, Invitation, Unit, User
from ..stats.filters import Filters
from ..stats.numbers import ATTENDANCE_KINDS, attendance
from .calendar import covers, round_units

__all__ = ["CHECKIN_CLOSED", "CHECKIN_ROUND", "check", "covers", "facing_rounds", "record", "summary", "units"]

CHECKIN_ROUND = define("checkin_round", 422, "Check-in is only for a homeowner-facing round that covers this unit")
CHECKIN_CLOSED = define("checkin_round_closed", 409, "The round is not open: owners check in on the day")
METHODS = ("qr", "staff")


def check(insp: Inspection, unit: Unit) -> None:
    """Refuse a check-in that cannot count: not a homeowner-facing round, or a unit it does not cover."""
    if insp.kind not in ATTENDANCE_KINDS or not covers(insp, unit):
        raise DomainError(
            CHECKIN_ROUND,
            "只有业主参与的检查批次（工地开放日、客户预验收、交付陪验）可以签到，且须包含该房号"
            " / Check-in is only for a homeowner-facing round that covers this unit",
        )


def record(
    session: Session, insp: Inspection, unit: Unit, *, by: User, method: str, at: datetime
) -> tuple[InspectionCheckin, bool]:
    """Check the unit in (the caller has checked scope); returns the row and whether it is new."""
    check(insp, unit)
    if method == "qr" and insp.status != "open":
        raise DomainError(
            CHECKIN_CLOSED, "检查批次未开始或已结束，无法签到 / The round is not open: check in on the day"
        )
    row = {
        "inspection_id": insp.id,
        "unit_id": unit.id,
        "user_id": by.id if by.role == "homeowner" else None,
        "recorded_by_id": by.id,
        "method": method,
        "at": at,
    }
    # ON CONFLICT DO NOTHING: two tablets checking the same owner in at once both succeed, once.
    stmt = (
        dialects.of(session)
        .insert(InspectionCheckin)
        .values(row)
        .on_conflict_do_nothing()
        .returning(InspectionCheckin.id)
    )
    new_id = session.execute(stmt).scalar()
    found = session.scalars(
        select(InspectionCheckin).where(
            InspectionCheckin.inspection_id == insp.id, InspectionCheckin.unit_id == unit.id
        )
    ).one()
    return found, new_id is not None


def summary(session: Session, insp: Inspection) -> dict[str, Any]:
    """The round's 到访率 as the statistics count it (``domain.stats.numbers.attendance``)."""
    att = attendance(session, insp.project_id, Filters(inspection_id=insp.id))
    invited, attended = att["invited"], att["attended"]
    return {"invited": invited, "attended": attended, "rate": None if not invited else round(attended / invited, 4)}


def units(session: Session, insp: Inspection) -> list[dict[str, Any]]:
    """Every unit the round covers: whether it was invited (a letter for this round, else a homeowner or any
    invitation), its homeowners' names and phones, and its check-in."""
    rows = round_units(session, insp)
    ids = [u.id for u in rows]
    lettered = set(session.scalars(select(Invitation.unit_id).where(Invitation.inspection_id == insp.id)))
    any_invite = set(session.scalars(select(Invitation.unit_id).where(Invitation.unit_id.in_(ids))))
    owners: dict[int, list[dict[str, str]]] = {}
    for unit_id, name, phone in session.execute(
        select(HomeownerUnit.unit_id, User.display_name, User.phone)
        .join(User, User.id == HomeownerUnit.user_id)
        .where(HomeownerUnit.unit_id.in_(ids), User.active.is_(True))
        .order_by(HomeownerUnit.id)
    ):
        owners.setdefault(unit_id, []).append({"name": name, "phone": phone})
    checkins = {
        c.unit_id: c
        for c in session.scalars(select(InspectionCheckin).where(InspectionCheckin.inspection_id == insp.id))
    }
    out = []
    for u in rows:
        c = checkins.get(u.id)
        invited = u.id in lettered if lettered else (u.id in owners or u.id in any_invite)
        out.append(
            {
                "unit_id": u.id,
                "label": u.label,
                "building_id": u.building_id,
                "floor": u.floor,
                "invited": invited,
                "letter": u.id in lettered,
                "owners": owners.get(u.id, []),
                "checked_in_at": c.at.isoformat() if c else None,
                "method": c.method if c else None,
            }
        )
    return out


def facing_rounds(session: Session, project_id: int) -> list[Inspection]:
    return list(
        session.scalars(
            select(Inspection)
            .where(Inspection.project_id == project_id, Inspection.kind.in_(ATTENDANCE_KINDS))
            .order_by(Inspection.started_on, Inspection.name)
        )
    )
