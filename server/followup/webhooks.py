"""A project's webhooks (企业微信 / 钉钉 group robots, or signed JSON): managers list, add, test and remove
them; the list shows how the latest message to each fared, so a wrong URL or secret is noticed."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from domain.models import OutboxMessage, Webhook

from ..accounts.auth import login_required
from ..extensions import db
from ..http import abort
from .schemas import WebhookSchema, WebhookTestSchema
from .views import _managed, _record, blp

TEST_TITLE = "测试消息 / Test message"


def _config(h: Webhook) -> dict[str, Any]:
    """What a manager set (the history records this; never the secret)."""
    return {
        "id": h.id,
        "project_id": h.project_id,
        "url": h.url,
        "format": h.format,
        "kinds": [k for k in h.kinds.split(",") if k],
        "active": h.active,
    }


def _hook(h: Webhook) -> dict[str, Any]:
    """The configuration and how the latest message to it fared."""
    last = db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.channel == "webhook", OutboxMessage.target == str(h.id))
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return {
        **_config(h),
        "last_status": last.status if last else None,
        "last_error": last.last_error if last else "",
        "last_at": (last.sent_at or last.created_at) if last else None,
    }


def _own(project_id: int, webhook_id: int) -> Webhook:
    h = db.session.get(Webhook, webhook_id)
    if h is None or h.project_id != project_id:
        abort(404, message="Webhook 不存在 / No such webhook")
    return h


@blp.route("/projects/<int:project_id>/webhooks")
@login_required()
@blp.response(200, WebhookSchema(many=True))
def list_webhooks(project_id: int) -> Any:
    """The project's webhooks (removed ones with ``active: false``), with their latest delivery."""
    _managed(project_id)
    hooks = db.session.scalars(select(Webhook).where(Webhook.project_id == project_id).order_by(Webhook.id)).all()
    return [_hook(h) for h in hooks]


@blp.route("/projects/<int:project_id>/webhooks", methods=["POST"])
@login_required()
@blp.arguments(WebhookSchema)
@blp.response(201, WebhookSchema)
def add_webhook(body: dict[str, Any], project_id: int) -> Any:
    """Add a webhook; the signing secret (钉钉: the robot's 加签 secret) is generated unless given, and shown
    once in ``X-Webhook-Secret``."""
    user = _managed(project_id)
    secret = body.get("secret") or secrets.token_urlsafe(32)
    kinds = "," + ",".join(sorted(set(body["kinds"]))) + "," if body["kinds"] else ""
    h = Webhook(
        project_id=project_id, url=body["url"], secret=secret, format=body["format"], kinds=kinds, active=body["active"]
    )
    db.session.add(h)
    db.session.flush()
    _record(project_id, user, "webhook", None, _config(h))
    db.session.flush()
    return _hook(h), 201, {"X-Webhook-Secret": secret}


@blp.route("/projects/<int:project_id>/webhooks/<int:webhook_id>/test", methods=["POST"])
@login_required()
@blp.response(202, WebhookTestSchema)
def test_webhook(project_id: int, webhook_id: int) -> Any:
    """Queue a test message to the webhook; the deliverer sends it like any other (see the list for how it
    fared)."""
    _managed(project_id)
    h = _own(project_id, webhook_id)
    if not h.active:
        abort(404, message="Webhook 不存在 / No such webhook")
    now = datetime.now(UTC)
    msg = OutboxMessage(
        key=f"test:w{h.id}:{uuid.uuid4()}",
        channel="webhook",
        target=str(h.id),
        kind="test",
        project_id=project_id,
        payload={"kind": "test", "project_id": project_id, "title": TEST_TITLE, "text": "验收 Yanshou"},
        status="pending",
        attempts=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )
    db.session.add(msg)
    db.session.flush()
    return {"id": msg.id, "key": msg.key, "status": msg.status}


@blp.route("/projects/<int:project_id>/webhooks/<int:webhook_id>", methods=["DELETE"])
@login_required()
@blp.response(204)
def remove_webhook(project_id: int, webhook_id: int) -> None:
    """Stop sending to the webhook (kept, inactive, for the record)."""
    user = _managed(project_id)
    h = _own(project_id, webhook_id)
    _record(project_id, user, "webhook", _config(h), None)
    h.active = False
    db.session.flush()
