"""Login, logout, who am I, homeowner sign-up by invitation code, and user administration."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import qrcode
import qrcode.image.svg
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from domain import policy
from domain.models import Contractor, HomeownerUnit, Invitation, Membership, Project, Unit, User

from ..extensions import db
from ..http import abort, dbs
from . import service
from .auth import bearer_token, current_user, login_required
from .schemas import (
    InvitationCreateSchema,
    InvitationSchema,
    JoinSchema,
    LoginSchema,
    MeSchema,
    TokenSchema,
    UserSchema,
    UserUpdateSchema,
)

blp = Blueprint("accounts", __name__, url_prefix="/api", description="Accounts, login and invitations")
PUBLIC: dict[str, Any] = {"security": []}


def _ttl() -> timedelta:
    return timedelta(days=current_app.config["TOKEN_TTL_DAYS"])


def _identity(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "contractor_id": user.contractor_id,
    }


def me_payload(user: User) -> dict[str, Any]:
    units = []
    if user.role == "homeowner":
        rows = db.session.scalars(
            select(Unit).join(HomeownerUnit, HomeownerUnit.unit_id == Unit.id).where(HomeownerUnit.user_id == user.id)
        )
        units = [{"id": u.id, "project_id": u.project_id, "label": u.label} for u in rows]
    return {**_identity(user), "project_ids": sorted(policy.visible_project_ids(dbs(), user)), "units": units}


def _raise(exc: service.AuthError) -> None:
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    abort(exc.status, message=exc.message, **({"headers": headers} if headers else {}))


@blp.route("/auth/login", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.doc(**PUBLIC)
def login(body: dict[str, Any]) -> dict[str, Any]:
    """Log in with username and password; the token lasts TOKEN_TTL_DAYS (a week offline)."""
    cfg = current_app.config
    try:
        user, issued = service.login(
            dbs(),
            body["username"],
            body["password"],
            ttl=_ttl(),
            device=body["device"],
            remote_addr=request.remote_addr or "",
            max_failures=cfg["LOGIN_MAX_FAILURES"],
            window=cfg["LOGIN_WINDOW_SECONDS"],
        )
    except service.AuthError as exc:
        _raise(exc)
        raise
    db.session.commit()
    return {"token": issued.token, "expires_at": issued.expires_at, "user": me_payload(user)}


@blp.route("/auth/logout", methods=["POST"])
@login_required()
@blp.response(204)
def logout() -> None:
    """Revoke the token this request carries."""
    service.revoke_token(dbs(), bearer_token() or "")
    db.session.commit()


@blp.route("/auth/me")
@login_required()
@blp.response(200, MeSchema)
def me() -> dict[str, Any]:
    return me_payload(current_user())


@blp.route("/auth/join", methods=["POST"])
@blp.arguments(JoinSchema)
@blp.response(200, TokenSchema)
@blp.doc(**PUBLIC)
def join(body: dict[str, Any]) -> dict[str, Any]:
    """Redeem a unit's invitation code: a new homeowner account, or one more unit for a logged-in owner."""
    token = bearer_token()
    user = service.user_for_token(dbs(), token) if token else None
    if user is None:
        missing = [k for k in ("username", "password", "display_name") if not body.get(k)]
        if missing:
            abort(
                422,
                message="新用户需要填写用户名、密码和姓名 / New accounts need username, password and name",
                errors={"json": {k: ["Missing data for required field."] for k in missing}},
            )
        taken = db.session.scalar(select(User.id).where(User.username == body["username"].lower()))
        if taken is not None:
            abort(409, message="用户名已被占用 / That username is taken")
        user = User(
            username=body["username"].lower(),
            display_name=body["display_name"],
            phone=body["phone"],
            role="homeowner",
            password_hash=service.hash_password(body["password"]),
        )
        db.session.add(user)
        db.session.flush()
    try:
        service.redeem_invitation(dbs(), body["code"], user)
    except service.AuthError as exc:
        db.session.rollback()
        _raise(exc)
    issued = service.issue_token(dbs(), user, _ttl(), body["device"])
    db.session.commit()
    return {"token": issued.token, "expires_at": issued.expires_at, "user": me_payload(user)}


def _qr_svg(code: str) -> str:
    link = f"{request.host_url}#/join?code={code}"
    img = qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return img.to_string(encoding="unicode")


def _invitation_payload(inv: Invitation) -> dict[str, Any]:
    return {
        "id": inv.id,
        "unit_id": inv.unit_id,
        "code": inv.code,
        "created_at": inv.created_at,
        "expires_at": inv.expires_at,
        "used_at": inv.used_at,
        "qr_svg": _qr_svg(inv.code),
    }


@blp.route("/units/<int:unit_id>/invitations", methods=["POST"])
@login_required("admin", "manager")
@blp.arguments(InvitationCreateSchema)
@blp.response(201, InvitationSchema)
def create_invitation(body: dict[str, Any], unit_id: int) -> dict[str, Any]:
    """Issue an invitation code (and its QR code) for a unit's homeowner."""
    user = current_user()
    unit = db.session.get(Unit, unit_id)
    if unit is None or not policy.can_manage_project(dbs(), user, unit.project_id):
        abort(404, message="房号不存在 / No such unit")
    inv = service.create_invitation(dbs(), unit.id, body["valid_days"])
    db.session.commit()
    return _invitation_payload(inv)


@blp.route("/units/<int:unit_id>/invitations", methods=["GET"])
@login_required("admin", "manager")
@blp.response(200, InvitationSchema(many=True))
def list_invitations(unit_id: int) -> list[dict[str, Any]]:
    user = current_user()
    unit = db.session.get(Unit, unit_id)
    if unit is None or not policy.can_manage_project(dbs(), user, unit.project_id):
        abort(404, message="房号不存在 / No such unit")
    rows = db.session.scalars(select(Invitation).where(Invitation.unit_id == unit_id).order_by(Invitation.id))
    return [_invitation_payload(inv) for inv in rows]


def _user_payload(user: User) -> dict[str, Any]:
    project_ids = db.session.scalars(select(Membership.project_id).where(Membership.user_id == user.id))
    return {**_identity(user), "phone": user.phone, "active": user.active, "project_ids": sorted(project_ids)}


def _set_memberships(user: User, project_ids: list[int]) -> None:
    known = set(db.session.scalars(select(Project.id).where(Project.id.in_(project_ids))))
    unknown = sorted(set(project_ids) - known)
    if unknown:
        abort(422, message=f"项目不存在 / Unknown project ids: {unknown}")
    current = {m.project_id: m for m in user.memberships}
    for pid, m in current.items():
        if pid not in known:
            db.session.delete(m)
    for pid in known - set(current):
        db.session.add(Membership(user_id=user.id, project_id=pid))


@blp.route("/users")
class Users(MethodView):
    decorators = [login_required("admin")]

    @blp.response(200, UserSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """All users (admin)."""
        return [_user_payload(u) for u in db.session.scalars(select(User).order_by(User.id))]

    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create a staff, crew or homeowner user (admin)."""
        if db.session.scalar(select(User.id).where(User.username == body["username"].lower())) is not None:
            abort(409, message="用户名已被占用 / That username is taken")
        if body["role"] == "crew":
            if body["contractor_id"] is None or db.session.get(Contractor, body["contractor_id"]) is None:
                abort(422, message="维修人员必须属于一个承建商 / A crew user needs an existing contractor_id")
        elif body["contractor_id"] is not None:
            abort(422, message="只有维修人员属于承建商 / Only crew users belong to a contractor")
        user = User(
            username=body["username"].lower(),
            display_name=body["display_name"],
            role=body["role"],
            contractor_id=body["contractor_id"],
            phone=body["phone"],
            active=body["active"],
            password_hash=service.hash_password(body["password"]),
        )
        db.session.add(user)
        db.session.flush()
        _set_memberships(user, body["project_ids"])
        db.session.commit()
        return _user_payload(user)


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@login_required("admin")
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
def update_user(body: dict[str, Any], user_id: int) -> dict[str, Any]:
    """Change a user's name, phone, password, projects or deactivate them (admin)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, message="用户不存在 / No such user")
    for key in ("display_name", "phone", "active"):
        if key in body:
            setattr(user, key, body[key])
    if "password" in body:
        user.password_hash = service.hash_password(body["password"])
    if "project_ids" in body:
        _set_memberships(user, body["project_ids"])
    db.session.commit()
    return _user_payload(user)
