"""Login, logout, who am I, homeowner sign-up by invitation code, and user administration."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import qrcode
import qrcode.image.svg
from flask import current_app, request
from flask.views import MethodView
from sqlalchemy import select

from domain import policy
from domain.errors import INVALID, NOT_FOUND, DomainError, define
from domain.models import Contractor, HomeownerUnit, Invitation, Membership, Project, Unit, User

from ..blueprint import Blueprint
from ..extensions import db
from ..http import dbs
from . import service, throttle
from .auth import bearer_token, current_user, login_required
from .schemas import (
    InvitationCreateSchema,
    InvitationSchema,
    JoinSchema,
    LoginSchema,
    MeSchema,
    PasswordChangeSchema,
    TokenSchema,
    UserSchema,
    UserUpdateSchema,
)

blp = Blueprint("accounts", __name__, url_prefix="/api", description="Accounts, login and invitations")
PUBLIC: dict[str, Any] = {"security": []}

USERNAME_TAKEN = define("username_taken", 409, "That username is taken")
CREW_NEEDS_CONTRACTOR = define("crew_needs_contractor", 422, "A crew user needs an existing contractor")
CONTRACTOR_ONLY_CREW = define("contractor_only_crew", 422, "Only crew users belong to a contractor")
PROJECT_UNKNOWN = define("project_unknown", 422, "Unknown project ids")


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


def _limits() -> service.Limits:
    cfg = current_app.config
    return service.Limits(
        per_pair=cfg["LOGIN_MAX_FAILURES"],
        per_address=cfg["LOGIN_MAX_PER_ADDRESS"],
        per_account=cfg["LOGIN_MAX_PER_ACCOUNT"],
        window=cfg["LOGIN_WINDOW_SECONDS"],
    )


def _address() -> str:
    return request.remote_addr or ""


@blp.route("/auth/login", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.doc(**PUBLIC)
def login(body: dict[str, Any]) -> dict[str, Any]:
    """Log in with username and password; the token lasts TOKEN_TTL_DAYS (a week offline)."""
    user, issued = service.login(
        dbs(),
        body["username"],
        body["password"],
        ttl=_ttl(),
        device=body["device"],
        remote_addr=_address(),
        limits=_limits(),
    )
    return {"token": issued.token, "expires_at": issued.expires_at, "user": me_payload(user)}


@blp.route("/auth/password", methods=["POST"])
@login_required()
@blp.arguments(PasswordChangeSchema)
@blp.response(200, TokenSchema)
def change_password(body: dict[str, Any]) -> dict[str, Any]:
    """Change your own password: every session of yours ends, this device gets a new token."""
    user = current_user()
    service.authenticate(dbs(), user.username, body["current_password"], remote_addr=_address(), limits=_limits())
    service.set_password(dbs(), user, body["new_password"])
    issued = service.issue_token(dbs(), user, _ttl(), body["device"])
    return {"token": issued.token, "expires_at": issued.expires_at, "user": me_payload(user)}


@blp.route("/auth/logout", methods=["POST"])
@login_required()
@blp.response(204)
def logout() -> None:
    """Revoke the token this request carries."""
    service.revoke_token(dbs(), bearer_token() or "")


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
    cfg = current_app.config
    rules = throttle.join_rules(_address(), per_address=cfg["LOGIN_MAX_PER_ADDRESS"])
    throttle.check(dbs(), rules, window=cfg["LOGIN_WINDOW_SECONDS"])
    token = bearer_token()
    user = service.user_for_token(dbs(), token) if token else None
    if user is None:
        missing = [k for k in ("username", "password", "display_name") if not body.get(k)]
        if missing:
            raise DomainError(
                INVALID,
                "新用户需要填写用户名、密码和姓名 / New accounts need username, password and name",
                errors={"json": {k: ["Missing data for required field."] for k in missing}},
            )
        _username_free(body["username"])
        user = User(
            username=body["username"].lower(),
            display_name=body["display_name"],
            phone=body["phone"],
            role="homeowner",
            password_hash=service.hash_password(body["password"]),
        )
        db.session.add(user)
        db.session.flush()
    service.redeem_invitation(dbs(), body["code"], user)
    throttle.give_back(dbs(), rules)
    issued = service.issue_token(dbs(), user, _ttl(), body["device"])
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
        raise DomainError(NOT_FOUND, "房号不存在 / No such unit")
    inv = service.create_invitation(dbs(), unit.id, body["valid_days"])
    return _invitation_payload(inv)


@blp.route("/units/<int:unit_id>/invitations", methods=["GET"])
@login_required("admin", "manager")
@blp.response(200, InvitationSchema(many=True))
def list_invitations(unit_id: int) -> list[dict[str, Any]]:
    user = current_user()
    unit = db.session.get(Unit, unit_id)
    if unit is None or not policy.can_manage_project(dbs(), user, unit.project_id):
        raise DomainError(NOT_FOUND, "房号不存在 / No such unit")
    rows = db.session.scalars(select(Invitation).where(Invitation.unit_id == unit_id).order_by(Invitation.id))
    return [_invitation_payload(inv) for inv in rows]


def _user_payload(user: User) -> dict[str, Any]:
    project_ids = db.session.scalars(select(Membership.project_id).where(Membership.user_id == user.id))
    return {**_identity(user), "phone": user.phone, "active": user.active, "project_ids": sorted(project_ids)}


def _set_memberships(user: User, project_ids: list[int]) -> None:
    known = set(db.session.scalars(select(Project.id).where(Project.id.in_(project_ids))))
    unknown = sorted(set(project_ids) - known)
    if unknown:
        raise DomainError(PROJECT_UNKNOWN, f"项目不存在 / Unknown project ids: {unknown}", project_ids=unknown)
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
        _username_free(body["username"])
        _check_contractor(body["role"], body["contractor_id"])
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
        return _user_payload(user)


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@login_required("admin")
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
def update_user(body: dict[str, Any], user_id: int) -> dict[str, Any]:
    """Change a user's name, phone, password, role, projects or deactivate them (admin).

    A new password, a new role or contractor, and deactivation end every session of the user; logging in
    again is the only way back (reactivating does not revive old tokens)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise DomainError(NOT_FOUND, "用户不存在 / No such user")
    ends_sessions = False
    if "role" in body or "contractor_id" in body:
        role = body.get("role", user.role)
        contractor_id = body.get("contractor_id", user.contractor_id if role == "crew" else None)
        _check_contractor(role, contractor_id)
        ends_sessions = (role, contractor_id) != (user.role, user.contractor_id)
        user.role, user.contractor_id = role, contractor_id
    if body.get("active") is False and user.active:
        ends_sessions = True
    for key in ("display_name", "phone", "active"):
        if key in body:
            setattr(user, key, body[key])
    if "password" in body:
        service.set_password(dbs(), user, body["password"])
    elif ends_sessions:
        service.revoke_all(dbs(), user.id)
    if "project_ids" in body:
        _set_memberships(user, body["project_ids"])
    return _user_payload(user)


def _username_free(username: str) -> None:
    if db.session.scalar(select(User.id).where(User.username == username.lower())) is not None:
        raise DomainError(USERNAME_TAKEN, "用户名已被占用 / That username is taken")


def _check_contractor(role: str, contractor_id: int | None) -> None:
    if role == "crew":
        if contractor_id is None or db.session.get(Contractor, contractor_id) is None:
            raise DomainError(
                CREW_NEEDS_CONTRACTOR, "维修人员必须属于一个承建商 / A crew user needs an existing contractor_id"
            )
    elif contractor_id is not None:
        raise DomainError(CONTRACTOR_ONLY_CREW, "只有维修人员属于承建商 / Only crew users belong to a contractor")
