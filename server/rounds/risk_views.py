"""The project's pre-delivery risk check: load the starter list, record results, and the gate's answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.models import Building, Contractor, RiskItem, utcnow
from domain.rounds import risk

from ..accounts.auth import current_user, login_required
from ..extensions import db
from ..http import abort
from . import access
from .calendar_views import blp
from .schemas import RiskItemSchema, RiskNewSchema, RiskPatchSchema, RiskQuerySchema, RiskStatusSchema, SeedResultSchema


@blp.route("/projects/<int:project_id>/risk-checks")
@login_required()
@blp.arguments(RiskQuerySchema, location="query")
@blp.response(200, RiskItemSchema(many=True))
def list_items(query: dict[str, Any], project_id: int) -> Any:
    access.staff_project(project_id)
    return risk.items_for(db.session(), project_id, query["building_id"])


@blp.route("/projects/<int:project_id>/risk-checks/seed", methods=["POST"])
@login_required()
@blp.response(200, SeedResultSchema)
def seed(project_id: int) -> Any:
    """Load the starter risk list (66 items in 6 categories); running it again adds nothing."""
    access.managed_project(project_id)
    added = risk.seed_project(db.session(), project_id)
    db.session.flush()
    return {"added": added}


@blp.route("/projects/<int:project_id>/risk-checks", methods=["POST"])
@login_required()
@blp.arguments(RiskNewSchema)
@blp.response(201, RiskItemSchema)
def add_item(body: dict[str, Any], project_id: int) -> Any:
    access.managed_project(project_id)
    if body["building_id"] is not None:
        b = db.session.get(Building, body["building_id"])
        if b is None or b.project_id != project_id:
            abort(422, message="楼栋不属于该项目 / building_id is not in this project")
    if any(i.code == body["code"] for i in risk.items_for(db.session(), project_id)):
        abort(409, message=f"检查项编号已存在 / Item code {body['code']} exists")
    item = RiskItem(project_id=project_id, result="pending", note="", position=10_000, **body)
    db.session.add(item)
    db.session.flush()
    return item


@blp.route("/risk-checks/<int:item_id>", methods=["PATCH"])
@login_required()
@blp.arguments(RiskPatchSchema)
@blp.response(200, RiskItemSchema)
def check(body: dict[str, Any], item_id: int) -> Any:
    """Record a result; a failing item needs the party responsible and a deadline (it is then a task)."""
    item = db.session.get(RiskItem, item_id)
    if item is None:
        abort(404, message="检查项不存在 / No such risk item")
    access.staff_project(item.project_id)
    if body.get("contractor_id") is not None and db.session.get(Contractor, body["contractor_id"]) is None:
        abort(422, message="施工单位不存在 / Unknown contractor_id")
    for k, v in body.items():
        setattr(item, k, v)
    if item.result == "fail" and (not item.responsible or item.deadline is None):
        abort(422, message="不通过的检查项需填写责任单位和整改期限 / A failing item needs responsible and deadline")
    if "result" in body:
        item.checked_by_id, item.checked_at = current_user().id, utcnow()
    db.session.flush()
    return item


@blp.route("/projects/<int:project_id>/risk-status")
@login_required()
@blp.arguments(RiskQuerySchema, location="query")
@blp.response(200, RiskStatusSchema)
def status(query: dict[str, Any], project_id: int) -> Any:
    """What the delivery gate reads: passed (true / false / null while items are pending) and what fails."""
    access.staff_project(project_id)
    passed, failing = risk.risk_status(db.session(), project_id, query["building_id"])
    return {"passed": passed, "failing": failing, "overdue": risk.overdue(failing, date.today())}
