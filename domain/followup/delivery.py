"""Sending the outbox: webhooks (signed JSON, or 企业微信 / 钉钉 robot markdown) and e-mail (SMTP).

``deliver`` claims due messages with ``FOR UPDATE SKIP LOCKED`` (several deliverers share the work, none
sends a message another holds), sends each, and marks it sent, or schedules a retry with exponential
backoff, or after ``max_attempts`` failures leaves it dead (a dead letter, kept for a person to look at).
Every request carries the message's idempotency key, so a receiver that saw a message whose answer was
lost can drop the repeat.

E-mail to a user in their quiet hours (``quiet``) is not sent: it waits, without counting an attempt, until
they end.

Webhook signature: ``X-Yanshou-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`` with
``X-Yanshou-Timestamp`` (Unix seconds): a receiver recomputes it and refuses stale timestamps (replays).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Defect, DefectType, NotifySettings, OutboxMessage, Unit, Webhook
from . import quiet


@dataclass(frozen=True)
class Settings:
    smtp_host: str = "localhost"
    smtp_port: int = 25
    mail_from: str = "yanshou@localhost"
    max_attempts: int = 8
    backoff_seconds: float = 30.0
    backoff_cap_seconds: float = 3600.0
    timeout: float = 5.0
    batch: int = 100


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    deferred: int = 0  # e-mail held back by the recipient's quiet hours


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def render(session: Session, data: dict[str, Any]) -> tuple[str, str]:
    """(title, markdown text) for a message, with the unit and defect type named."""
    title = str(data.get("title") or data.get("kind") or "")
    lines = [f"### {title}"]
    defect = session.get(Defect, _uuid(data.get("defect_id"))) if data.get("defect_id") else None
    if defect is not None:
        unit = session.get(Unit, defect.unit_id)
        dtype = session.get(DefectType, defect.type_id)
        lines.append(f"- 位置 / unit: {unit.label if unit else defect.unit_id}")
        lines.append(f"- 缺陷 / defect: {dtype.name_zh if dtype else defect.type_id} ({defect.severity})")
        if defect.fix_due_at:
            lines.append(f"- 整改期限 / fix by: {defect.fix_due_at.isoformat(timespec='minutes')}")
        if defect.escalation_level:
            lines.append(f"- 升级级别 / level: L{defect.escalation_level}")
    for name in ("text", "note"):
        if data.get(name):
            lines.append(str(data[name]))
    return title, "\n".join(lines)


def _uuid(value: Any) -> Any:
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def webhook_request(hook: Webhook, msg: OutboxMessage, title: str, text: str, now: datetime) -> urllib.request.Request:
    ts = int(now.timestamp())
    url = hook.url
    if hook.format == "wecom":
        body = {"msgtype": "markdown", "markdown": {"content": text}}
    elif hook.format == "dingtalk":
        body = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        ms = int(now.timestamp() * 1000)
        mac = hmac.new(hook.secret.encode(), f"{ms}\n{hook.secret}".encode(), hashlib.sha256).digest()
        sep = "&" if "?" in url else "?"
        url += f"{sep}timestamp={ms}&sign={urllib.parse.quote_plus(base64.b64encode(mac))}"
    else:
        body = {"id": msg.key, "kind": msg.kind, "title": title, "text": text, "data": msg.payload}
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": msg.key,
        "X-Yanshou-Timestamp": str(ts),
        "X-Yanshou-Signature": sign(hook.secret, ts, raw),
    }
    return urllib.request.Request(url, data=raw, headers=headers, method="POST")


def _send(session: Session, msg: OutboxMessage, settings: Settings, now: datetime) -> None:
    title, text = render(session, msg.payload or {})
    if msg.channel == "webhook":
        hook = session.get(Webhook, int(msg.target))
        if hook is None or not hook.active:
            raise RuntimeError("webhook removed or disabled")
        with urllib.request.urlopen(webhook_request(hook, msg, title, text, now), timeout=settings.timeout) as r:
            if not 200 <= r.status < 300:
                raise RuntimeError(f"HTTP {r.status}")
    elif msg.channel == "email":
        mail = EmailMessage()
        mail["Subject"] = title
        mail["From"] = settings.mail_from
        mail["To"] = msg.target
        mail["Message-ID"] = f"<{hashlib.sha256(msg.key.encode()).hexdigest()[:32]}@yanshou>"
        mail["X-Idempotency-Key"] = msg.key
        mail.set_content(text)
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout) as smtp:
            smtp.send_message(mail)
    else:
        raise RuntimeError(f"unknown channel {msg.channel}")


def _quiet_until(session: Session, msg: OutboxMessage, now: datetime) -> datetime | None:
    if msg.channel != "email" or msg.user_id is None:
        return None
    prefs = session.get(NotifySettings, msg.user_id)
    return quiet.ends(prefs.quiet_start, prefs.quiet_end, now) if prefs is not None else None


def deliver(session: Session, now: datetime, settings: Settings = Settings()) -> Report:
    """Send one batch of due messages and commit; call again while it reports work."""
    report = Report()
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(settings.batch)
        .with_for_update(skip_locked=True)
    )
    for msg in session.scalars(stmt).all():
        wait = _quiet_until(session, msg, now)
        if wait is not None:
            msg.next_attempt_at = wait
            report.deferred += 1
            continue
        try:
            _send(session, msg, settings, now)
        except Exception as exc:  # any failure of the channel: retry later, never lose the message
            msg.attempts += 1
            msg.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if msg.attempts >= settings.max_attempts:
                msg.status = "dead"
                report.dead += 1
            else:
                delay = min(settings.backoff_seconds * 2 ** (msg.attempts - 1), settings.backoff_cap_seconds)
                msg.next_attempt_at = now + timedelta(seconds=delay)
                report.retried += 1
        else:
            msg.attempts += 1
            msg.status, msg.sent_at = "sent", datetime.now(now.tzinfo)
            report.sent += 1
    session.commit()
    return report


def deliver_all(session: Session, now: datetime, settings: Settings = Settings()) -> Report:
    """Batches until nothing due is left (messages that fail wait for their next attempt)."""
    total = Report()
    while True:
        r = deliver(session, now, settings)
        total.sent, total.retried, total.dead = total.sent + r.sent, total.retried + r.retried, total.dead + r.dead
        total.deferred += r.deferred
        if r.sent + r.retried + r.dead + r.deferred < settings.batch:
            return total
