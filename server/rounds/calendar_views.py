"""Rounds on the delivery calendar: propose from the delivery date, save, adjust, open and close."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import delete, select

from domain import policy
from domain.models import Building, Inspection, InspectionParticipant, Membership, Unit, User
from domain.rounds import calendar
from domain.stats import gate as delivery_gate

from ..accounts.auth import current_user, login_required
from ..extensions import db
from ..http import abort
from . import access
from .schemas import (
    CalendarSaveSchema,
    PersonSchema,
    ProposalSchema,
    ProposeSchema,
    RoundPatchSchema,
    RoundSchema,
)

blp = Blueprint("rounds", __name__, url_prefix="/api", description="Inspection rounds, checklists, risk checks")

PEOPLE_ROLES = ("manager", "inspector", "crew")
BAD_DATES = "计划结束日期不能早于开始日期 / planned_end must not be before planned_start"


def _check_place(project_id: int, body: dict[str, Any]) -> None:
    bid = body.get("building_id")
    if bid is not None:
        b = db.session.get(Building, bid)
        if b is None or b.project_id != project_id:
            abort(422, message="楼栋不属于该项目 / building_id is not in this project")
    unit_ids = body.get("unit_ids")
    if unit_ids:
        found = set(db.session.scalars(select(Unit.id).where(Unit.id.in_(unit_ids), Unit.project_id == project_id)))
        if found != set(unit_ids):
            abort(422, message="房号不属于该项目 / Some unit_ids are not in this project")


def _set_participants(insp: Inspection, people: list[dict[str, Any]]) -> None:
    ids = {p["user_id"] for p in people}
    members = set(
        db.session.scalars(
            select(Membership.user_id).where(Membership.project_id == insp.project_id, Membership.user_id.in_(ids))
        )
    ) | set(db.session.scalars(select(User.id).where(User.id.in_(ids), User.role == "admin")))
    if members != ids:
        abort(422, message="参与人必须是本项目成员 / Participants must be members of the project")
    db.session.execute(delete(InspectionParticipant).where(InspectionParticipant.inspection_id == insp.id))
    for p in {p["user_id"]: p for p in people}.values():
        db.session.add(InspectionParticipant(inspection_id=insp.id, user_id=p["user_id"], role=p["role"]))


def round_data(insp: Inspection) -> dict[str, Any]:
    people = db.session.execute(
        select(InspectionParticipant.user_id, InspectionParticipant.role, User.username)
        .join(User, User.id == InspectionParticipant.user_id)
        .where(InspectionParticipant.inspection_id == insp.id)
        .order_by(InspectionParticipant.id)
    )
    out = {c: getattr(insp, c) for c in ("id", "project_id", "kind", "name", "planned_start", "planned_end")}
    out |= {c: getattr(insp, c) for c in ("started_on", "status", "building_id", "floors", "unit_ids")}
    out["participants"] = [{"user_id": u, "role": r, "username": n} for u, r, n in people]
    return out


@blp.route("/projects/<int:project_id>/calendar/propose", methods=["POST"])
@login_required()
@blp.arguments(ProposeSchema)
@blp.response(200, ProposalSchema)
def propose(body: dict[str, Any], project_id: int) -> Any:
    """The rounds of the delivery calendar (T−150 … T+2) for a manager to adjust and save; nothing is stored."""
    project = access.planner_project(project_id)
    delivery = body["delivery_date"] or project.delivery_date
    if delivery is None:
        abort(422, message="项目未设置交付日期 / Give a delivery_date: the project has none")
    name = ""
    if body["building_id"] is not None:
        _check_place(project_id, body)
        name = db.session.get(Building, body["building_id"]).name  # type: ignore[union-attr]
    return calendar.propose(delivery, name)


@blp.route("/projects/<int:project_id>/calendar", methods=["POST"])
@login_required()
@blp.arguments(CalendarSaveSchema)
@blp.response(201, RoundSchema(many=True))
def save_calendar(body: dict[str, Any], project_id: int) -> Any:
    """Save the (adjusted) proposal as planned rounds; with ``delivery_date``, the project's delivery date
    is set to the one the calendar was planned from."""
    project = access.planner_project(project_id)
    if body["delivery_date"] is not None:
        project.delivery_date = body["delivery_date"]
    saved = []
    for r in body["rounds"]:
        if r["planned_end"] < r["planned_start"]:
            abort(422, message=BAD_DATES)
        _check_place(project_id, r)
        insp = Inspection(
            id=uuid.uuid4(), project_id=project_id, kind=r["kind"], name=r["name"], started_on=r["planned_start"],
            planned_start=r["planned_start"], planned_end=r["planned_end"], status="planned",
            building_id=r["building_id"], floors=r["floors"], unit_ids=r["unit_ids"],
            created_by_id=current_user().id,
        )  # fmt: skip
        db.session.add(insp)
        db.session.flush()
        _set_participants(insp, r["participants"])
        saved.append(insp)
    db.session.flush()
    return [round_data(i) for i in saved]


@blp.route("/projects/<int:project_id>/calendar/people")
@login_required()
@blp.response(200, PersonSchema(many=True))
def people(project_id: int) -> Any:
    """Who may take part in the project's rounds: its members (staff), for the planner to pick from."""
    access.planner_project(project_id)
    stmt = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == project_id, User.active.is_(True), User.role.in_(PEOPLE_ROLES))
        .order_by(User.role, User.username)
    )
    return db.session.scalars(stmt).all()


@blp.route("/projects/<int:project_id>/rounds")
@login_required()
@blp.response(200, RoundSchema(many=True))
def list_rounds(project_id: int) -> Any:
    """The project's rounds with their plan, status, units and participants (homeowners: customer-facing)."""
    access.project(project_id)
    stmt = select(Inspection).where(Inspection.project_id == project_id)
    if current_user().role == "homeowner":
        stmt = stmt.where(Inspection.kind.in_(policy.CUSTOMER_FACING_KINDS))
    rounds = db.session.scalars(stmt.order_by(Inspection.planned_start, Inspection.started_on)).all()
    return [round_data(i) for i in rounds]


@blp.route("/inspections/<uuid:inspection_id>", methods=["GET"])
@login_required()
@blp.response(200, RoundSchema)
def get_round(inspection_id: uuid.UUID) -> Any:
    return round_data(access.round_(inspection_id))


@blp.route("/inspections/<uuid:inspection_id>", methods=["PATCH"])
@login_required()
@blp.arguments(RoundPatchSchema)
@blp.response(200, RoundSchema)
def patch_round(body: dict[str, Any], inspection_id: uuid.UUID) -> Any:
    """Adjust a round's plan, units and participants, or open / close it (project managers)."""
    insp = access.round_(inspection_id, manage=True)
    _check_place(insp.project_id, body)
    for f in ("name", "planned_start", "planned_end", "building_id", "floors", "unit_ids"):
        if f in body:
            setattr(insp, f, body[f])
    if insp.planned_start and insp.planned_end and insp.planned_end < insp.planned_start:
        abort(422, message=BAD_DATES)
    if "status" in body:
        if body["status"] == "open" and insp.status != "open" and insp.kind == "delivery":
            delivery_gate.require_permits(db.session(), insp.project_id, insp.building_id)  # 交付许可令 first
        calendar.move_status(insp, body["status"])
        if body["status"] == "open":
            insp.started_on = date.today()
    if "participants" in body:
        _set_participants(insp, body["participants"])
    db.session.flush()
    return round_data(insp)
