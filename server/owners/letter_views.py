"""Invitation letters for a homeowner-facing round: a manager issues invitation codes per unit or for a
whole building, then downloads the letters (one PDF page per unit, with the QR code of the join link).

Only admins and the project's managers; anyone else is told the project does not exist (404), a crew or
homeowner that may see the project is refused (403).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Response, request, url_for
from marshmallow import Schema, fields, validate
from sqlalchemy import or_, select

from domain import policy
from domain.errors import DomainError, define
from domain.models import Building, Inspection, Invitation, Project, Unit, utcnow
from domain.rounds.calendar import round_units
from domain.stats.numbers import ATTENDANCE_KINDS

from ..accounts import service
from ..accounts.auth import current_user, login_required
from ..blueprint import Blueprint
from ..extensions import db
from ..fields import Id
from ..http import dbs
from ..query import QuerySchema
from . import letters

blp = Blueprint("owners", __name__, url_prefix="/api", description="Invitation letters, check-in, phone 回访")

LETTER_ROUND = define("letter_round", 422, "Invitation letters are for a homeowner-facing round of this project")
LETTER_UNITS = define("letter_units", 422, "Some units are not in this project or building")
LETTERS_NONE = define("letters_none", 404, "No unused invitation for these units in this round: issue them first")
MAX_LETTERS = 2000
MAX_IN_LINK = 200  # units named in the PDF's address; more print the whole round's letters
NO_PROJECT = "项目不存在 / No such project"


class IssueSchema(Schema):
    inspection_id = fields.UUID(required=True)
    building_id = Id(load_default=None, allow_none=True)
    unit_ids = fields.List(Id(), load_default=None, allow_none=True, validate=validate.Length(min=1, max=MAX_LETTERS))
    valid_days = Id(load_default=None, allow_none=True, validate=validate.Range(max=3650))


class LetterQuerySchema(QuerySchema):
    inspection_id = fields.UUID(required=True)
    building_id = Id(load_default=None)
    unit_id = fields.List(Id(), load_default=None, validate=validate.Length(min=1, max=MAX_IN_LINK))


def managed(project_id: int) -> Project:
    """The project, for its admins and managers; 404 to whoever cannot see it, 403 to other roles."""
    user = current_user()
    project = db.session.get(Project, project_id)
    if project is None or not policy.can_see_project(dbs(), user, project_id):
        raise DomainError("not_found", NO_PROJECT)
    if not policy.can_manage_project(dbs(), user, project_id):
        raise DomainError("forbidden", "只有项目经理可以发出业主邀请 / Only the project's managers invite homeowners")
    return project


def facing_round(project_id: int, inspection_id: uuid.UUID) -> Inspection:
    insp = db.session.get(Inspection, inspection_id)
    if insp is None or insp.project_id != project_id or insp.kind not in ATTENDANCE_KINDS:
        raise DomainError(
            LETTER_ROUND,
            "邀请函须对应本项目的业主活动批次（工地开放日、客户预验收、交付陪验）"
            " / Letters are for a homeowner-facing round of this project",
        )
    return insp


def _units(project_id: int, insp: Inspection, building_id: int | None, unit_ids: list[int] | None) -> list[Unit]:
    if unit_ids:
        rows = list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids), Unit.project_id == project_id)))
        if len(rows) != len(set(unit_ids)):
            raise DomainError(LETTER_UNITS, "有房号不属于本项目 / Some units are not in this project")
    elif building_id is not None:
        b = db.session.get(Building, building_id)
        if b is None or b.project_id != project_id:
            raise DomainError(LETTER_UNITS, "楼栋不属于本项目 / The building is not in this project")
        rows = list(db.session.scalars(select(Unit).where(Unit.building_id == building_id)))
    else:
        rows = round_units(dbs(), insp)
    if len(rows) > MAX_LETTERS:
        raise DomainError(LETTER_UNITS, f"一次最多 {MAX_LETTERS} 户 / At most {MAX_LETTERS} units at a time")
    return sorted(rows, key=lambda u: (u.building_id, u.entrance, u.floor, u.number))


def _usable(insp_id: uuid.UUID, unit_ids: list[int]) -> dict[int, Invitation]:
    """The unit's newest invitation for this round that can still be redeemed."""
    now = utcnow()
    rows = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.inspection_id == insp_id,
            Invitation.unit_id.in_(unit_ids),
            Invitation.used_at.is_(None),
            or_(Invitation.expires_at.is_(None), Invitation.expires_at > now),
        )
        .order_by(Invitation.id)
    )
    return {inv.unit_id: inv for inv in rows}


@blp.route("/projects/<int:project_id>/invitation-letters", methods=["POST"])
@login_required()
@blp.arguments(IssueSchema)
@blp.response(201)
def issue_letters(body: dict[str, Any], project_id: int) -> dict[str, Any]:
    """Issue invitation codes for a round: the listed units, a whole building, or every unit the round
    covers. A unit that already has a usable code for the round keeps it (issuing twice prints the same
    letter). Returns the codes and the address of the letters' PDF."""
    managed(project_id)
    insp = facing_round(project_id, body["inspection_id"])
    units = _units(project_id, insp, body["building_id"], body["unit_ids"])
    have = _usable(insp.id, [u.id for u in units])
    expires = utcnow() + timedelta(days=body["valid_days"]) if body["valid_days"] else None
    out, created = [], 0
    for u in units:
        inv = have.get(u.id)
        if inv is None:
            code = service.new_invitation_code(dbs())
            inv = Invitation(unit_id=u.id, inspection_id=insp.id, code=code, expires_at=expires)
            db.session.add(inv)
            created += 1
        out.append(
            {
                "unit_id": u.id,
                "label": u.label,
                "code": inv.code,
                "expires_at": inv.expires_at.isoformat() if inv.expires_at else None,
                "new": u.id not in have,
            }
        )
    query: dict[str, Any] = {"inspection_id": str(insp.id)}
    if body["unit_ids"]:
        if len(body["unit_ids"]) <= MAX_IN_LINK:
            query["unit_id"] = sorted(set(body["unit_ids"]))
    elif body["building_id"] is not None:
        query["building_id"] = str(body["building_id"])
    return {
        "inspection_id": str(insp.id),
        "count": len(out),
        "created": created,
        "invitations": out,
        "pdf_url": url_for("owners.letters_pdf", project_id=project_id, **query),
    }


def _letter(unit: Unit, inv: Invitation, base: str) -> letters.Letter:
    expires = inv.expires_at.astimezone(letters.LOCAL).date() if inv.expires_at is not None else None
    return letters.Letter(unit=unit.label, code=inv.code, join_url=f"{base}#/join?code={inv.code}", expires=expires)


@blp.route("/projects/<int:project_id>/invitation-letters.pdf", endpoint="letters_pdf")
@login_required()
@blp.arguments(LetterQuerySchema, location="query")
def letters_pdf(query: dict[str, Any], project_id: int) -> Response:
    """The letters (PDF, one A4 page per unit) for the round's unused invitation codes: one unit, a
    building, or all of the round's."""
    project = managed(project_id)
    insp = facing_round(project_id, query["inspection_id"])
    units = _units(project_id, insp, query["building_id"], query["unit_id"])
    have = _usable(insp.id, [u.id for u in units])
    if not have:
        raise DomainError(LETTERS_NONE, "这些房号在本批次没有可用的邀请码，请先发出邀请 / Issue the invitations first")
    chosen = [_letter(u, have[u.id], request.host_url) for u in units if u.id in have]
    data = letters.render(
        project=project.name,
        round_name=insp.name,
        kind=insp.kind,
        start=insp.planned_start or insp.started_on,
        end=insp.planned_end,
        letters=chosen,
        issued_on=datetime.now(UTC).astimezone(letters.LOCAL).date(),
    )
    name = f"invitation-letters-{project.id}-{len(chosen)}.pdf"
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})
