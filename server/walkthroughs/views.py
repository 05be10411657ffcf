"""Signed walkthroughs of a unit, the PDF record, and the public page that verifies a record or a PDF.

Who may read a record: the staff of its project (admin, manager, inspector) and the homeowner of that
unit; nobody else (404, so no one learns it exists). The verification page needs no login: it answers
only whether the record with that code is intact, and whether a PDF is the one handed out.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import Response, current_app, render_template_string, request, url_for
from flask_smorest import Blueprint
from sqlalchemy import select

from domain import policy
from domain.errors import DomainError, define
from domain.models import HomeownerUnit, Inspection, Project, Unit, User, Walkthrough
from domain.walkthroughs import added_after_signing, seal, verify_record

from ..accounts.auth import current_user, login_required
from ..extensions import db
from ..http import dbs
from ..photos import media
from . import pdf

blp = Blueprint("walkthroughs", __name__, url_prefix="/api", description="Signed walkthroughs (陪验签字)")
pages = FlaskBlueprint("walkthrough_pages", __name__)

WALKTHROUGH_NOT_FOUND = define("walkthrough_not_found", 404, "No such signed walkthrough, or it is not yours to see")
PDF_TOO_LARGE = define("pdf_too_large", 413, "The file is too large to be a walkthrough record")
MAX_PDF = 25 * 1024 * 1024


def _seal_key() -> bytes:
    return hashlib.sha256(b"yanshou walkthrough seal\0" + current_app.config["SECRET_KEY"].encode()).digest()


def _may_read(user: User, unit_id: int) -> bool:
    session = dbs()
    if user.role == "homeowner":
        owned = select(HomeownerUnit.id).where(HomeownerUnit.user_id == user.id, HomeownerUnit.unit_id == unit_id)
        return user.active and session.scalar(owned) is not None
    if user.role in ("admin", *policy.STAFF_ROLES):
        return policy.can_see_unit(session, user, unit_id)
    return False


def _readable(walkthrough_id: uuid.UUID) -> Walkthrough:
    w = db.session.get(Walkthrough, walkthrough_id)
    if w is None or not _may_read(current_user(), w.unit_id):
        raise DomainError(WALKTHROUGH_NOT_FOUND, "签字记录不存在 / No such signed walkthrough")
    return w


def _summary(w: Walkthrough) -> dict[str, Any]:
    return {
        "id": str(w.id),
        "unit_id": w.unit_id,
        "inspection_id": str(w.inspection_id),
        "round": w.round,
        "signed_at": w.signed_at.isoformat(),
        "owner_name": w.owner_name,
        "owner_remarks": w.owner_remarks,
        "items": w.items,
        "content_hash": w.content_hash,
        "code": seal(_seal_key(), w.content_hash),
        "pdf_url": url_for("walkthroughs.WalkthroughPdf", walkthrough_id=w.id),
    }


@blp.route("/units/<int(max=2147483647):unit_id>/walkthroughs")
@login_required()
def unit_walkthroughs(unit_id: int) -> Any:
    """Every signing round of the unit, newest last, and per round the defects added after it (签字后新增)."""
    if not _may_read(current_user(), unit_id):
        raise DomainError(WALKTHROUGH_NOT_FOUND, "房号不存在或您无权查看 / No such unit, or not yours to see")
    rows = db.session.scalars(
        select(Walkthrough).where(Walkthrough.unit_id == unit_id).order_by(Walkthrough.signed_at, Walkthrough.round)
    ).all()
    latest: dict[uuid.UUID, Walkthrough] = {}
    for w in rows:
        latest[w.inspection_id] = w
    out = []
    for w in rows:
        item = _summary(w)
        if latest[w.inspection_id] is w:
            item["added_after_signing"] = [str(i) for i in added_after_signing(dbs(), w)]
        out.append(item)
    return {"walkthroughs": out}


def _pdf_bytes(w: Walkthrough) -> bytes:
    if w.pdf is not None:
        return w.pdf
    unit = db.session.get(Unit, w.unit_id)
    project = db.session.get(Project, w.project_id)
    insp = db.session.get(Inspection, w.inspection_id)
    inspector = db.session.get(User, w.inspector_id) if w.inspector_id else None
    assert unit is not None and project is not None and insp is not None
    code = seal(_seal_key(), w.content_hash)
    data = pdf.render(
        w,
        project=project.name,
        unit=unit.label,
        inspection=insp.name,
        inspector=(inspector.display_name or inspector.username) if inspector else "",
        code=code,
        verify_url=url_for("walkthrough_pages.verify", walkthrough_id=w.id, code=code, _external=True),
        storage=media().storage,
    )
    # The first PDF handed out is the one kept: every later download is the same bytes.
    w.pdf, w.pdf_sha256 = data, hashlib.sha256(data).hexdigest()
    db.session.flush()
    return data


@blp.route("/walkthroughs/<uuid:walkthrough_id>/pdf", endpoint="WalkthroughPdf")
@login_required()
def walkthrough_pdf(walkthrough_id: uuid.UUID) -> Response:
    """The 验房记录 PDF (generated once, then always the same bytes)."""
    w = _readable(walkthrough_id)
    data = _pdf_bytes(w)
    name = f"walkthrough-{w.unit_id}-{w.round}.pdf"
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>验房记录核验 / Record verification</title></head>
<body><h1>验房记录核验 / Record verification</h1>
{% if record is none %}<p data-result="unknown">未找到该记录 / No such record.</p>
{% else %}
<p data-result="{{ 'authentic' if record_ok else 'tampered' }}">{% if record_ok %}
✅ 系统存档与验证码一致，记录未被修改 / The stored record matches this code and has not been changed.
{% else %}❌ 验证码与系统存档不符：记录或验证码已被修改
/ The code does not match the stored record: one of them was changed.{% endif %}</p>
<p>{{ project }} · {{ unit }} · 第 {{ round }} 次签字 · {{ signed_at }} · {{ items }} 项</p>
{% if pdf_checked %}<p data-pdf="{{ 'authentic' if pdf_ok else 'tampered' }}">{% if pdf_ok %}
✅ 该 PDF 与系统发出的文件完全一致 / This PDF is exactly the file the system issued.
{% else %}❌ 该 PDF 与系统发出的文件不一致，可能已被修改
/ This PDF differs from the file the system issued; it may have been altered.{% endif %}</p>{% endif %}
<form method="post" enctype="multipart/form-data"><input type="hidden" name="code" value="{{ code }}">
<label>核对 PDF 文件 / Check a PDF file <input type="file" name="pdf" accept="application/pdf"></label>
<button type="submit">核对 / Check</button></form>
{% endif %}</body></html>"""


@pages.route("/verify/walkthrough/<uuid:walkthrough_id>", methods=["GET", "POST"])
def verify(walkthrough_id: uuid.UUID) -> Any:
    """Public: is the stored record intact under this code, and is an uploaded PDF the one issued?"""
    code = (request.values.get("code") or "")[:64]
    w = db.session.get(Walkthrough, walkthrough_id)
    if w is None:
        return render_template_string(PAGE, record=None), 404
    ctx: dict[str, Any] = {"record": w, "code": code, "record_ok": verify_record(_seal_key(), w, code)}
    if request.method == "POST":
        if (request.content_length or 0) > MAX_PDF:
            raise DomainError(PDF_TOO_LARGE, "文件过大 / The file is too large")
        upload = request.files.get("pdf")
        data = upload.read(MAX_PDF + 1) if upload else b""
        ctx["pdf_checked"] = True
        ctx["pdf_ok"] = bool(w.pdf_sha256) and hashlib.sha256(data).hexdigest() == w.pdf_sha256
    unit = db.session.get(Unit, w.unit_id)
    project = db.session.get(Project, w.project_id)
    ctx.update(
        project=project.name if project else "",
        unit=unit.label if unit else "",
        round=w.round,
        signed_at=pdf._local(w.signed_at),
        items=len(w.items),
    )
    status = 200 if ctx["record_ok"] and ctx.get("pdf_ok", True) else 409
    return render_template_string(PAGE, **ctx), status
