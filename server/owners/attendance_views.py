"""到访 check-in at a homeowner-facing round and its attendance (到访率).

- ``POST /inspections/<id>/checkins``: a homeowner checks in their own unit on their phone (``qr``); staff
  of the project (admin, manager, inspector) mark a unit's owner as arrived (``staff``; offline, the
  ``checkin.record`` sync mutation does the same).
- ``GET /inspections/<id>/attendance``: the round's units with their invitation and check-in, and the rate
  (staff of the project).
- ``GET /projects/<id>/attendance``: every homeowner-facing round of the project with its rate (staff).
- ``GET /me/checkins``: a homeowner's own rounds to check in to.

Crews, other projects' staff and other units' owners are refused (404: nothing is revealed).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema
from sqlalchemy import select

from domain import policy
from domain.errors import DomainError
from domain.models import HomeownerUnit, Inspection, InspectionCheckin, Unit, User
from domain.rounds import attendance
from domain.stats.numbers import ATTENDANCE_KINDS

from ..accounts.auth import current_user, login_required
from ..extensions import db
from ..fields import Id
from ..http import dbs
from .letter_views import NO_PROJECT, blp

STAFF = ("admin", *policy.STAFF_ROLES)
NO_ROUND = "检查批次不存在 / No such round"
NO_UNIT = "房号不存在或不是您的 / No such unit, or it is not yours"


class CheckinSchema(Schema):
    unit_id = Id(required=True)


def _is_staff(user: User, project_id: int) -> bool:
    return user.role in STAFF and policy.can_see_project(dbs(), user, project_id)


def _owns(user: User, unit_id: int) -> bool:
    stmt = select(HomeownerUnit.id).where(HomeownerUnit.user_id == user.id, HomeownerUnit.unit_id == unit_id)
    return user.role == "homeowner" and user.active and dbs().scalar(stmt) is not None


def _round(inspection_id: uuid.UUID) -> Inspection:
    insp = db.session.get(Inspection, inspection_id)
    if insp is None:
        raise DomainError("not_found", NO_ROUND)
    return insp


def round_payload(insp: Inspection) -> dict[str, Any]:
    return {
        "id": str(insp.id),
        "name": insp.name,
        "kind": insp.kind,
        "status": insp.status,
        "building_id": insp.building_id,
        "started_on": insp.started_on.isoformat() if insp.started_on else None,
        "planned_start": insp.planned_start.isoformat() if insp.planned_start else None,
        "planned_end": insp.planned_end.isoformat() if insp.planned_end else None,
        **attendance.summary(dbs(), insp),
    }


def _checkin_payload(c: InspectionCheckin, new: bool) -> dict[str, Any]:
    return {
        "inspection_id": str(c.inspection_id),
        "unit_id": c.unit_id,
        "method": c.method,
        "checked_in_at": c.at.isoformat(),
        "new": new,
    }


@blp.route("/inspections/<uuid:inspection_id>/checkins", methods=["POST"])
@login_required()
@blp.arguments(CheckinSchema)
@blp.response(201)
def check_in(body: dict[str, Any], inspection_id: uuid.UUID) -> Any:
    """Check a unit in to the round: its homeowner themselves, or staff of the project. Once per unit and
    round: checking in again answers 200 with the first check-in."""
    user = current_user()
    insp = _round(inspection_id)
    unit = db.session.get(Unit, body["unit_id"])
    if unit is None or unit.project_id != insp.project_id:
        raise DomainError("not_found", NO_UNIT if _visible_round(user, insp) else NO_ROUND)
    if _owns(user, unit.id):
        method = "qr"
    elif _is_staff(user, insp.project_id):
        method = "staff"
    else:
        raise DomainError("not_found", NO_UNIT if _visible_round(user, insp) else NO_ROUND)
    row, new = attendance.record(dbs(), insp, unit, by=user, method=method, at=datetime.now(UTC))
    return _checkin_payload(row, new), 201 if new else 200


def _visible_round(user: User, insp: Inspection) -> bool:
    if user.role == "homeowner":
        return insp.kind in policy.CUSTOMER_FACING_KINDS and policy.can_see_project(dbs(), user, insp.project_id)
    return _is_staff(user, insp.project_id)


@blp.route("/inspections/<uuid:inspection_id>/attendance")
@login_required()
@blp.response(200)
def round_attendance(inspection_id: uuid.UUID) -> Any:
    """The round's units (invited, letter, homeowners, check-in) and its 到访率; staff of the project."""
    user = current_user()
    insp = _round(inspection_id)
    if not _is_staff(user, insp.project_id):
        raise DomainError("not_found", NO_ROUND)
    if insp.kind not in ATTENDANCE_KINDS:
        raise DomainError(attendance.CHECKIN_ROUND, "该批次没有业主到访 / This round has no homeowner attendance")
    return {"round": round_payload(insp), "units": attendance.units(dbs(), insp)}


@blp.route("/projects/<int:project_id>/attendance")
@login_required()
@blp.response(200)
def project_attendance(project_id: int) -> Any:
    """Every homeowner-facing round of the project with its 到访率; staff of the project."""
    if not _is_staff(current_user(), project_id):
        raise DomainError("not_found", NO_PROJECT)
    return {"rounds": [round_payload(i) for i in attendance.facing_rounds(dbs(), project_id)]}


@blp.route("/me/checkins")
@login_required("homeowner")
@blp.response(200)
def my_checkins() -> Any:
    """A homeowner's units and, per unit, the homeowner-facing rounds that cover it with their check-in."""
    user = current_user()
    units = (
        dbs()
        .scalars(
            select(Unit).join(HomeownerUnit, HomeownerUnit.unit_id == Unit.id).where(HomeownerUnit.user_id == user.id)
        )
        .all()
    )
    out = []
    for unit in units:
        checked = {
            c.inspection_id: c
            for c in dbs().scalars(select(InspectionCheckin).where(InspectionCheckin.unit_id == unit.id))
        }
        for insp in attendance.facing_rounds(dbs(), unit.project_id):
            if not attendance.covers(insp, unit):
                continue
            c = checked.get(insp.id)
            out.append(
                {
                    "inspection_id": str(insp.id),
                    "name": insp.name,
                    "kind": insp.kind,
                    "status": insp.status,
                    "planned_start": insp.planned_start.isoformat() if insp.planned_start else None,
                    "planned_end": insp.planned_end.isoformat() if insp.planned_end else None,
                    "started_on": insp.started_on.isoformat() if insp.started_on else None,
                    "unit_id": unit.id,
                    "label": unit.label,
                    "checked_in_at": c.at.isoformat() if c else None,
                }
            )
    return {"checkins": out}
