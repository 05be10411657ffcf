"""Delivery through real servers on loopback: a webhook receiver that fails for a while, an SMTP server
that is down and then up; retries with backoff, dead letters, idempotency keys and signatures."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from domain.followup import delivery
from domain.models import NotifySettings, OutboxMessage, Webhook
from server.extensions import db

from .conftest import defect

SECRET = "s3cret-s3cret-s3cret"


class Receiver:
    """A webhook endpoint that answers 503 to its first ``fail`` requests, then accepts and verifies."""

    def __init__(self, fail: int):
        self.fail = fail
        self.requests = 0
        self.accepted: Counter[str] = Counter()
        self.bodies: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests += 1
                ts = self.headers["X-Yanshou-Timestamp"]
                want = "sha256=" + hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
                if outer.requests <= outer.fail or self.headers["X-Yanshou-Signature"] != want:
                    self.send_response(503)
                    self.end_headers()
                    return
                key = self.headers["Idempotency-Key"]
                if key not in outer.accepted:
                    outer.bodies.append(json.loads(body))
                outer.accepted[key] += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Any:
    r = Receiver(fail=5)
    yield r
    r.close()


def _dispatch(device: Any, world: Any, n: int) -> list[str]:
    import uuid

    from tests.sync.test_push import create_args

    inspector, manager = device(world.inspector), device(world.manager)
    ids = [str(uuid.uuid4()) for _ in range(n)]
    for did in ids:
        inspector.mutate("defect.create", **create_args(world, id=did))
    inspector.push()
    manager.pull()
    for did in ids:
        manager.mutate("defect.status", id=did, action="assign", contractor_id=world.contractor.id, **{"from": "open"})
    assert {r["status"] for r in manager.push()} == {"applied"}
    return ids


def test_a_receiver_that_fails_then_recovers_gets_every_message_once(world, device, receiver):
    db.session.add(Webhook(project_id=world.project.id, url=receiver.url, secret=SECRET, format="json", kinds=""))
    db.session.commit()
    ids = _dispatch(device, world, 4)
    now = datetime.now(UTC)
    settings = delivery.Settings(max_attempts=10, backoff_seconds=10, batch=3)
    rounds = 0
    while db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.status == "pending").limit(1)):
        delivery.deliver_all(db.session, now, settings)
        now += timedelta(minutes=30)  # past any backoff so far
        rounds += 1
        assert rounds < 10
    assert receiver.requests > 4  # it failed at first
    assert len(receiver.accepted) == 4 and set(receiver.accepted.values()) == {1}
    assert {b["data"]["defect_id"] for b in receiver.bodies} == set(ids)
    assert {b["kind"] for b in receiver.bodies} == {"dispatched"}
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert {r.status for r in rows} == {"sent"} and max(r.attempts for r in rows) > 1
    # Delivering again sends nothing twice.
    delivery.deliver_all(db.session, now, settings)
    assert set(receiver.accepted.values()) == {1}


def test_backoff_then_dead_letter(world, device):
    # Nothing listens on this port.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db.session.add(Webhook(project_id=world.project.id, url=f"http://127.0.0.1:{port}/", secret=SECRET))
    db.session.commit()
    _dispatch(device, world, 1)
    now = datetime.now(UTC)
    settings = delivery.Settings(max_attempts=3, backoff_seconds=60, timeout=1)
    assert delivery.deliver(db.session, now, settings).retried == 1
    msg = db.session.scalar(select(OutboxMessage))
    assert msg.next_attempt_at == now + timedelta(seconds=60)
    assert delivery.deliver(db.session, now + timedelta(seconds=30), settings).retried == 0  # not due yet
    assert delivery.deliver(db.session, now + timedelta(seconds=61), settings).retried == 1
    db.session.refresh(msg)
    assert msg.next_attempt_at == now + timedelta(seconds=61 + 120)  # doubled
    assert delivery.deliver(db.session, now + timedelta(hours=1), settings).dead == 1
    db.session.refresh(msg)
    assert (msg.status, msg.attempts) == ("dead", 3) and "Error" in msg.last_error


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(envelope)
        return "250 OK"


def test_email_waits_for_the_smtp_server(world, device, client, auth):
    r = client.put(
        "/api/me/notifications",
        json={"email": "crew@example.com", "email_kinds": ["dispatched"]},
        headers=auth.headers(world.crew),
    )
    assert r.status_code == 200, r.get_json()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    [did] = _dispatch(device, world, 1)
    now = datetime.now(UTC)
    settings = delivery.Settings(smtp_host="127.0.0.1", smtp_port=port, backoff_seconds=5, timeout=2)
    # The server is down: the message waits.
    assert delivery.deliver(db.session, now, settings).retried == 1
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert delivery.deliver(db.session, now + timedelta(seconds=6), settings).sent == 1
        assert delivery.deliver(db.session, now + timedelta(hours=1), settings).sent == 0
    finally:
        controller.stop()
    [mail] = handler.messages
    assert mail.rcpt_tos == ["crew@example.com"]
    parsed = email.message_from_bytes(mail.content, policy=email.policy.default)
    assert parsed["X-Idempotency-Key"].startswith(f"dispatched:{did}:")
    assert "Dispatched to you" in parsed["Subject"] and "整改期限" in parsed.get_content()
    assert db.session.scalar(select(NotifySettings.email)) == "crew@example.com"
    assert defect(did).status == "assigned"


def test_robot_formats_and_dingtalk_signature():
    hook = Webhook(
        id=1, project_id=1, url="https://oapi.dingtalk.com/robot/send?access_token=x", secret=SECRET, format="dingtalk"
    )
    msg = OutboxMessage(key="k1", kind="overdue", payload={})
    req = delivery.webhook_request(hook, msg, "已超时", "### 已超时", datetime(2026, 12, 1, tzinfo=UTC))
    body = json.loads(req.data)
    assert body == {"msgtype": "markdown", "markdown": {"title": "已超时", "text": "### 已超时"}}
    assert "timestamp=1796083200000&sign=" in req.full_url
    hook.format = "wecom"
    body = json.loads(delivery.webhook_request(hook, msg, "t", "### t", datetime.now(UTC)).data)
    assert body == {"msgtype": "markdown", "markdown": {"content": "### t"}}
