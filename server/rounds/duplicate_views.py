"""Suspected duplicate defects, and merging them (the same code as the ``defect.merge`` mutation)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, or_, select

from domain.models import DefectDuplicate, DefectHistory, utcnow
from domain.rounds.duplicates import suspects
from domain.rules import SCREEN_ROLES
from sync.duplicates import load_pair, merge_pair
from sync.feed import ChangeSet, lock_for_write
from sync.push import SERVER_CLOCK

from ..accounts.auth import current_user, login_required
from ..extensions import db
from ..http import abort, dbs
from . import access
from .calendar_views import blp
from .schemas import MergeResultSchema, MergeSchema, SuspectSchema

NOT_FOUND = "缺陷不存在或您无权访问 / No such defect, or it is outside what you may see"


@blp.route("/projects/<int:project_id>/duplicates")
@login_required()
@blp.response(200, SuspectSchema(many=True))
def list_suspects(project_id: int) -> Any:
    """Open defects that look like one problem logged from two devices (same unit and type, same room or
    close on the plan), recorded by the push as the second arrived, not yet merged or dismissed."""
    access.duplicates_project(project_id)
    return suspects(dbs(), current_user(), project_id)


def _pair(defect_id: uuid.UUID, into: uuid.UUID) -> Any:
    pair = load_pair(dbs(), current_user(), defect_id, into)
    if pair is None:
        abort(404, message=NOT_FOUND)
    if current_user().role not in SCREEN_ROLES["duplicates"]:
        abort(403, message="只有检查人员或经理可以合并重复缺陷 / Only inspectors and managers merge duplicates")
    return pair


@blp.route("/defects/<uuid:defect_id>/merge", methods=["POST"])
@login_required()
@blp.arguments(MergeSchema)
@blp.response(200, MergeResultSchema)
def merge(body: dict[str, Any], defect_id: uuid.UUID) -> Any:
    """Void this defect as a duplicate of ``into``, carrying its photos and comments over; merging the same
    pair again changes nothing."""
    session = dbs()
    lock_for_write(session)
    dup, into = _pair(defect_id, body["into"])
    changes, history = ChangeSet(), list[dict[str, Any]]()
    outcome = merge_pair(session, current_user(), dup, into, changes, history, SERVER_CLOCK.tick(), "server")
    for row in history:
        session.add(DefectHistory(**row))
    dup.updated_at = into.updated_at = utcnow()
    changes.publish(session)
    db.session.flush()
    return {"status": outcome, "defect_id": dup.id, "duplicate_of_id": into.id}


@blp.route("/defects/<uuid:defect_id>/not-duplicate", methods=["POST"])
@login_required()
@blp.arguments(MergeSchema)
@blp.response(200, MergeResultSchema)
def dismiss(body: dict[str, Any], defect_id: uuid.UUID) -> Any:
    """Say the pair are two different problems, so they are no longer offered as duplicates."""
    dup, into = _pair(defect_id, body["into"])
    either_way = or_(
        and_(DefectDuplicate.defect_id == dup.id, DefectDuplicate.duplicate_of_id == into.id),
        and_(DefectDuplicate.defect_id == into.id, DefectDuplicate.duplicate_of_id == dup.id),
    )
    links = db.session.scalars(select(DefectDuplicate).where(either_way)).all()
    if any(link.state == "merged" for link in links):
        abort(409, message="已合并，不能撤销 / Already merged")
    for link in links:  # the suspicion, whichever way round it was recorded
        link.state, link.by_id, link.at = "dismissed", current_user().id, utcnow()
    if not links:
        db.session.add(
            DefectDuplicate(
                defect_id=dup.id, duplicate_of_id=into.id, project_id=dup.project_id, state="dismissed",
                by_id=current_user().id,
            )
        )  # fmt: skip
    db.session.flush()
    return {"status": "dismissed", "defect_id": dup.id, "duplicate_of_id": into.id}
