"""The in-app inbox (收件箱) and each user's choice of channels per event kind."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import func, select, update

from domain.errors import DomainError
from domain.followup import quiet, setup
from domain.followup.events import ROLE_KINDS
from domain.models import InboxMessage, NotifySettings, utcnow
from domain.models.followup import EVENT_KINDS

from ..accounts.auth import current_user, login_required
from ..extensions import db

blp = Blueprint("notifications", __name__, url_prefix="/api", description="Inbox and notification settings")
ID = validate.Range(min=1, max=2**31 - 1)


_EMAIL = validate.Email()


class InboxMessageSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    project_id = fields.Integer(allow_none=True)
    defect_id = fields.UUID(allow_none=True)
    level = fields.Integer(allow_none=True)
    title = fields.String()
    body = fields.String()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class InboxQuerySchema(Schema):
    unread = fields.Boolean(load_default=False)
    after_id = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class InboxReadSchema(Schema):
    ids = fields.List(fields.Integer(validate=ID), load_default=[], validate=validate.Length(max=1000))
    all = fields.Boolean(load_default=False)


class InboxCountSchema(Schema):
    unread = fields.Integer()


def _each_once(kinds: list[str]) -> None:
    """A repeated kind is a malformed list, whatever the number of kinds."""
    if len(set(kinds)) != len(kinds):
        raise ValidationError("每种通知只能出现一次 / Each kind may appear once")


_KINDS = fields.List(
    fields.String(validate=validate.OneOf(EVENT_KINDS)),
    load_default=[],
    validate=[validate.Length(max=len(EVENT_KINDS)), _each_once],
)
_HHMM = validate.Regexp(r"^(([01]\d|2[0-3]):[0-5]\d)?$")


class NotifySettingsSchema(Schema):
    # An address, or "" for none (an empty default would not be a valid "email" in the OpenAPI document).
    email = fields.String(load_default="", validate=[validate.Length(max=254), lambda v: v == "" or _EMAIL(v)])
    email_kinds = _KINDS
    muted_kinds = _KINDS
    # Quiet hours for e-mail, China time "HH:MM" (may wrap past midnight), or "" for none.
    quiet_start = fields.String(load_default="", validate=[validate.Length(max=5), _HHMM])
    quiet_end = fields.String(load_default="", validate=[validate.Length(max=5), _HHMM])
    kinds = fields.List(fields.String(), dump_only=True, metadata={"description": "kinds that can reach you"})


def _unread(user_id: int) -> int:
    stmt = select(func.count()).where(InboxMessage.user_id == user_id, InboxMessage.read_at.is_(None))
    return int(db.session.scalar(stmt) or 0)


@blp.route("/inbox")
@login_required()
@blp.arguments(InboxQuerySchema, location="query")
@blp.response(200, InboxMessageSchema(many=True))
def inbox(query: dict[str, Any]) -> Any:
    """The caller's messages, newest first (``after_id`` for only newer ones); unread count in X-Unread-Count."""
    user = current_user()
    stmt = select(InboxMessage).where(InboxMessage.user_id == user.id, InboxMessage.id > query["after_id"])
    if query["unread"]:
        stmt = stmt.where(InboxMessage.read_at.is_(None))
    rows = db.session.scalars(stmt.order_by(InboxMessage.id.desc()).limit(query["limit"])).all()
    return rows, 200, {"X-Unread-Count": str(_unread(user.id))}


@blp.route("/inbox/unread-count")
@login_required()
@blp.response(200, InboxCountSchema)
def unread_count() -> Any:
    return {"unread": _unread(current_user().id)}


@blp.route("/inbox/read", methods=["POST"])
@login_required()
@blp.arguments(InboxReadSchema)
@blp.response(200, InboxCountSchema)
def mark_read(body: dict[str, Any]) -> Any:
    """Mark the caller's messages read (the ids given, or all); other users' ids are ignored."""
    user = current_user()
    stmt = update(InboxMessage).where(InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None))
    if not body["all"]:
        stmt = stmt.where(InboxMessage.id.in_(body["ids"] or [0]))
    db.session.execute(stmt.values(read_at=utcnow()))
    db.session.flush()
    return {"unread": _unread(user.id)}


def _settings(s: NotifySettings | None) -> dict[str, Any]:
    kinds = list(ROLE_KINDS.get(current_user().role, ()))
    if s is None:
        return {"email": "", "email_kinds": [], "muted_kinds": [], "quiet_start": "", "quiet_end": "", "kinds": kinds}
    split = lambda v: [k for k in v.split(",") if k]  # noqa: E731
    return {
        "email": s.email,
        "email_kinds": split(s.email_kinds),
        "muted_kinds": split(s.muted_kinds),
        "quiet_start": quiet.fmt(s.quiet_start),
        "quiet_end": quiet.fmt(s.quiet_end),
        "kinds": kinds,
    }


@blp.route("/me/notifications")
@login_required()
@blp.response(200, NotifySettingsSchema)
def get_settings() -> Any:
    return _settings(db.session.get(NotifySettings, current_user().id))


@blp.route("/me/notifications", methods=["PUT"])
@login_required()
@blp.arguments(NotifySettingsSchema)
@blp.response(200, NotifySettingsSchema)
def put_settings(body: dict[str, Any]) -> Any:
    """Choose channels: every kind reaches the inbox unless muted; the kinds listed also go by e-mail (which
    needs an address), except during the quiet hours, when e-mail waits until they end."""
    user = current_user()
    if body["email_kinds"] and not body["email"]:
        raise DomainError(
            setup.EMAIL_MISSING,
            "选择了邮件通知，但未填写邮箱地址 / E-mail was chosen but no address is given",
            errors={"json": {"email": ["required when email_kinds is not empty"]}},
        )
    start, end = quiet.parse(body["quiet_start"], body["quiet_end"])
    s = db.session.get(NotifySettings, user.id) or NotifySettings(user_id=user.id)
    join = lambda ks: "," + ",".join(sorted(set(ks))) + "," if ks else ""  # noqa: E731
    s.email, s.email_kinds, s.muted_kinds = body["email"], join(body["email_kinds"]), join(body["muted_kinds"])
    s.quiet_start, s.quiet_end = start, end
    db.session.add(s)
    db.session.flush()
    return _settings(s)
