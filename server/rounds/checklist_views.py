"""The project's 分户验收 checklist (standard or its own edited copy), results and per-unit progress."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from domain import policy
from domain.models import ChecklistItem, ChecklistResult, DefectType, Unit, UnitInspection
from domain.rounds import checklists

from ..accounts.auth import current_user, login_required
from ..extensions import db
from ..http import abort
from . import access
from .calendar_views import blp
from .schemas import (
    ChecklistItemPatchSchema,
    ChecklistItemSchema,
    ChecklistResultQuerySchema,
    ChecklistResultSchema,
    ProgressSchema,
)


def _with_types(items: list[ChecklistItem]) -> list[dict[str, Any]]:
    types = dict(db.session.execute(select(DefectType.code, DefectType.id)).all())
    out = []
    for i in items:
        row = {c.key: getattr(i, c.key) for c in ChecklistItem.__table__.columns}
        row["type_id"] = types.get(i.type_code)
        out.append(row)
    return out


def _check_type(code: str | None) -> None:
    if code is not None and db.session.scalar(select(DefectType.id).where(DefectType.code == code)) is None:
        abort(422, message=f"缺陷类型 {code} 不存在 / Unknown defect type_code {code}")


@blp.route("/projects/<int:project_id>/checklist")
@login_required()
@blp.response(200, ChecklistItemSchema(many=True))
def get_checklist(project_id: int) -> Any:
    """The checklist the tablet walks: the project's own when edited, else the standard one."""
    access.staff_project(project_id)
    if checklists.seed_standard(db.session()) > 0:
        db.session.flush()
    return _with_types(checklists.project_items(db.session(), project_id))


@blp.route("/projects/<int:project_id>/checklist/items", methods=["POST"])
@login_required()
@blp.arguments(ChecklistItemSchema)
@blp.response(201, ChecklistItemSchema)
def add_item(body: dict[str, Any], project_id: int) -> Any:
    """Add an item to the project's checklist (managers)."""
    access.managed_project(project_id)
    _check_type(body["type_code"])
    checklists.seed_standard(db.session())
    own = checklists.own_copy(db.session(), project_id)
    if any(i.code == body["code"] for i in own):
        abort(409, message=f"检查项编号已存在 / Item code {body['code']} exists")
    item = ChecklistItem(project_id=project_id, **body)
    db.session.add(item)
    db.session.flush()
    return _with_types([item])[0]


@blp.route("/projects/<int:project_id>/checklist/items/<int:item_id>", methods=["PATCH"])
@login_required()
@blp.arguments(ChecklistItemPatchSchema)
@blp.response(200, ChecklistItemSchema)
def edit_item(body: dict[str, Any], project_id: int, item_id: int) -> Any:
    """Edit one item (tolerance, wording, defect type, or switch it off); the project gets its own copy."""
    access.managed_project(project_id)
    _check_type(body.get("type_code"))
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.project_id not in (None, project_id):
        abort(404, message="检查项不存在 / No such checklist item")
    own = {i.code: i for i in checklists.own_copy(db.session(), project_id)}
    target = own[item.code]
    for k, v in body.items():
        setattr(target, k, v)
    db.session.flush()
    return _with_types([target])[0]


@blp.route("/inspections/<uuid:inspection_id>/progress")
@login_required()
@blp.response(200, ProgressSchema(many=True))
def progress(inspection_id: uuid.UUID) -> Any:
    """Each unit's checklist progress in the round (已验 = done), for the units the caller may see."""
    access.round_(inspection_id, staff=True)
    stmt = (
        select(UnitInspection)
        .join(Unit, Unit.id == UnitInspection.unit_id)
        .where(UnitInspection.inspection_id == inspection_id, policy.unit_filter(current_user()))
    )
    return db.session.scalars(stmt.order_by(UnitInspection.unit_id)).all()


@blp.route("/inspections/<uuid:inspection_id>/results")
@login_required()
@blp.arguments(ChecklistResultQuerySchema, location="query")
@blp.response(200, ChecklistResultSchema(many=True))
def results(query: dict[str, Any], inspection_id: uuid.UUID) -> Any:
    """Checklist answers in the round (optionally of one unit), as the server merged them; the tablet
    fetches them on each sync so that rooms answered on another device show as done."""
    access.round_(inspection_id, staff=True)
    stmt = (
        select(ChecklistResult)
        .join(Unit, Unit.id == ChecklistResult.unit_id)
        .where(ChecklistResult.inspection_id == inspection_id, policy.unit_filter(current_user()))
    )
    if query["unit_id"] is not None:
        stmt = stmt.where(ChecklistResult.unit_id == query["unit_id"])
    return db.session.scalars(stmt.order_by(ChecklistResult.id).limit(50_000)).all()
