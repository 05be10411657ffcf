"""The defect library (分户验收 areas → types) every device downloads for offline work."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain.errors import INVALID, DomainError
from domain.models import DefectArea, DefectType

from ..accounts.auth import login_required
from ..blueprint import Blueprint
from ..errors import CODE_TAKEN
from ..extensions import db
from .pinyin import initials
from .schemas import DefectAreaSchema, DefectTypeSchema

blp = Blueprint("library", __name__, url_prefix="/api", description="Defect library")


@blp.route("/defect-library")
@login_required()
@blp.response(200, DefectAreaSchema(many=True))
def library() -> Any:
    """All areas with their defect types, in display order."""
    stmt = select(DefectArea).options(selectinload(DefectArea.types)).order_by(DefectArea.position)
    return db.session.scalars(stmt).all()


@blp.route("/defect-types", methods=["POST"])
@login_required("admin")
@blp.arguments(DefectTypeSchema)
@blp.response(201, DefectTypeSchema)
def add_type(body: dict[str, Any]) -> Any:
    """Add a defect type to an area (admin)."""
    if db.session.get(DefectArea, body["area_id"]) is None:
        raise DomainError(INVALID, "分类不存在 / Unknown area_id", errors={"json": {"area_id": ["Unknown area."]}})
    if db.session.scalar(select(DefectType.id).where(DefectType.code == body["code"])) is not None:
        raise DomainError(CODE_TAKEN, "缺陷类型编号已存在 / That defect type code exists")
    position = len(db.session.scalars(select(DefectType.id).where(DefectType.area_id == body["area_id"])).all())
    dtype = DefectType(**body, pinyin=initials(body["name_zh"]), position=position)
    db.session.add(dtype)
    return dtype
