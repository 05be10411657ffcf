"""Reading defects, scoped by the policy module. Devices change defects through the sync push."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from domain import policy
from domain.followup.filters import followup_filters
from domain.models import Defect, DefectComment, DefectHistory, utcnow

from ..accounts.auth import current_user, login_required
from ..extensions import db
from ..http import abort, dbs
from .schemas import DefectDetailSchema, DefectQuerySchema, DefectSchema

blp = Blueprint("defects", __name__, url_prefix="/api", description="Defects")


def defect_payload(d: Defect) -> dict[str, Any]:
    data = {c: getattr(d, c) for c in DefectSchema().fields if c != "photos"}
    data["photos"] = [p for p in d.photos if p.removed_at is None]
    return data


@blp.route("/defects")
@login_required()
@blp.arguments(DefectQuerySchema, location="query")
@blp.response(200, DefectSchema(many=True))
def list_defects(query: dict[str, Any]) -> Any:
    """Defects the caller may see, newest first; the total is in X-Total-Count."""
    stmt = select(Defect).where(policy.defect_filter(current_user()))
    for key in ("project_id", "unit_id", "contractor_id"):
        if key in query:
            stmt = stmt.where(getattr(Defect, key) == query[key])
    if query.get("status"):
        stmt = stmt.where(Defect.status.in_(query["status"]))
    stmt = stmt.where(*followup_filters(query, utcnow()))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = (
        stmt.options(selectinload(Defect.photos))
        .order_by(Defect.created_at.desc(), Defect.id)
        .limit(query["per_page"])
        .offset((query["page"] - 1) * query["per_page"])
    )
    rows = [defect_payload(d) for d in db.session.scalars(page)]
    return rows, 200, {"X-Total-Count": str(total)}


@blp.route("/defects/<uuid:defect_id>")
@login_required()
@blp.response(200, DefectDetailSchema)
def get_defect(defect_id: uuid.UUID) -> Any:
    """One defect with its photos, comments and full history."""
    if not policy.can_see_defect(dbs(), current_user(), defect_id):
        abort(404, message="缺陷不存在 / No such defect")
    defect = db.session.get(Defect, defect_id)
    assert defect is not None
    data = defect_payload(defect)
    data["history"] = db.session.scalars(
        select(DefectHistory).where(DefectHistory.defect_id == defect_id).order_by(DefectHistory.id)
    ).all()
    data["comments"] = db.session.scalars(
        select(DefectComment).where(DefectComment.defect_id == defect_id).order_by(DefectComment.created_at)
    ).all()
    return data
