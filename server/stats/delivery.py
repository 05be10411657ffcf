"""The delivery gate over HTTP: readiness per building, the project's criteria, and permits (交付许可令)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from domain.errors import DomainError, define
from domain.models import Building, DeliveryGateSettings, DeliveryPermit, User
from domain.stats import gate
from domain.stats.filters import LOCAL

from ..accounts.auth import current_user, login_required
from ..http import dbs
from .access import in_range, manager_project
from .pdf import render_pdf

blp = Blueprint("delivery", __name__, url_prefix="/api", description="Delivery gate (交付许可令)")

BAD_PERMIT_REQUEST = define("delivery_permit_request_invalid", 422, "The permit request is not valid")
REASON_MIN, REASON_MAX = 10, 1000


def _building(project_id: int, building_id: int) -> Building:
    manager_project(project_id)
    building = dbs().get(Building, building_id) if in_range(building_id) else None
    if building is None or building.project_id != project_id:
        raise DomainError("not_found", "楼栋不存在 / No such building")
    return building


@blp.route("/projects/<int:project_id>/buildings/<int:building_id>/delivery-readiness")
@login_required()
def readiness(project_id: int, building_id: int) -> Any:
    """Each criterion with its value, target, pass/fail and the defects blocking it; the current permit."""
    _building(project_id, building_id)
    return gate.readiness(dbs(), project_id, building_id)


@blp.route("/projects/<int:project_id>/delivery-readiness")
@login_required()
def project_readiness(project_id: int) -> Any:
    """Every building's readiness at a glance (green/red), without the blocking lists."""
    project = manager_project(project_id)
    out = []
    for b in project.buildings:
        r = gate.readiness(dbs(), project_id, b.id)
        failing = [c["code"] for c in r["criteria"] if not c["passed"]]
        out.append(
            {"building_id": b.id, "name": b.name, "ready": r["ready"], "failing": failing, "permit": r["permit"]}
        )
    return out


@blp.route("/projects/<int:project_id>/delivery-criteria", methods=["GET", "PUT"])
@login_required()
def criteria(project_id: int) -> Any:
    """The project's criteria (defaults from the seeds); managers and admins change them."""
    manager_project(project_id)
    session = dbs()
    if request.method == "PUT":
        clean = gate.validate_settings(request.get_json(silent=True))
        row = session.query(DeliveryGateSettings).filter_by(project_id=project_id).one_or_none()
        if row is None:
            row = DeliveryGateSettings(project_id=project_id, criteria={})
            session.add(row)
        merged = {**(row.criteria or {}), **clean}
        row.criteria = merged
        row.updated_by_id = current_user().id
    settings = gate.settings_for(session, project_id)
    return [
        {"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en, "kind": c.kind, **settings[c.code]}
        for c in gate.CRITERIA
    ]


@blp.route("/projects/<int:project_id>/buildings/<int:building_id>/delivery-permits", methods=["GET", "POST"])
@login_required()
def permits(project_id: int, building_id: int) -> Any:
    """GET: the building's permits, newest first. POST {"override_reason"?}: issue one (managers and
    admins when every criterion passes; otherwise an admin with a written reason of 10–1000 characters)."""
    _building(project_id, building_id)
    session = dbs()
    if request.method == "GET":
        rows = (
            session.query(DeliveryPermit).filter_by(building_id=building_id).order_by(DeliveryPermit.issued_at.desc())
        )
        return [{**(gate.permit_payload(p) or {}), "revoked_at": p.revoked_at} for p in rows]
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict) or set(body) - {"override_reason"}:
        raise DomainError(BAD_PERMIT_REQUEST, "只接受 override_reason / only override_reason is accepted")
    reason = body.get("override_reason") or ""
    if not isinstance(reason, str) or (reason and not REASON_MIN <= len(reason.strip()) <= REASON_MAX):
        raise DomainError(
            BAD_PERMIT_REQUEST,
            f"特批理由应为 {REASON_MIN}–{REASON_MAX} 字 / The reason must be {REASON_MIN}–{REASON_MAX} characters",
        )
    user = current_user()
    permit = gate.issue_permit(session, project_id, building_id, user.id, user.role, reason.strip())
    return gate.permit_payload(permit), 201


@blp.route("/delivery-permits/<uuid:permit_id>/pdf")
@login_required()
def permit_pdf(permit_id: uuid.UUID) -> Any:
    """The permit as a PDF to print and sign."""
    session = dbs()
    permit = session.get(DeliveryPermit, permit_id)
    if permit is None:
        raise DomainError("not_found", "许可令不存在 / No such permit")
    project = manager_project(permit.project_id)
    building = session.get(Building, permit.building_id)
    issuer = session.get(User, permit.issued_by_id)
    pdf = render_pdf(
        "permit.html",
        title="交付许可令",
        project=project,
        building=building,
        permit=permit,
        issuer=issuer.display_name if issuer else "",
        issued_at=permit.issued_at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M"),
        fmt=_fmt,
        fmt_target=lambda c: _fmt({**c, "value": c["target"]}),
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="permit-{permit.id}.pdf"'},
    )


def _fmt(c: dict[str, Any]) -> str:
    v = c.get("value")
    if v is None:
        return "—"
    if c.get("kind") == "rate":
        return f"{float(v) * 100:.1f}%"
    return str(v)
