"""Each user's own notification settings (channels per kind, e-mail address, quiet hours), the daily digest
by e-mail through the outbox and a real SMTP server (aiosmtpd), and e-mail held back in quiet hours."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import UTC, datetime, time, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from domain.followup import deadlines, defaults, delivery, digest, job
from domain.followup.events import ROLE_KINDS
from domain.models import NotifySettings, OutboxMessage
from server.extensions import db
from tests import factories as f

from .conftest import inbox
from .test_delivery import Inbox, _dispatch

URL = "/api/me/notifications"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _local(days: int, hour: int, minute: int = 0) -> datetime:
    """A time of day (China time) some days from today, as the job's injected clock."""
    day = deadlines.local_date(datetime.now(UTC)) + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), deadlines.CHINA)


def test_each_user_chooses_their_own_channels(world, client, auth):
    for who in (world.crew, world.manager, world.owner):
        got = client.get(URL, headers=auth.headers(who)).get_json()
        assert got == {
            "email": "",
            "email_kinds": [],
            "muted_kinds": [],
            "quiet_start": "",
            "quiet_end": "",
            "kinds": list(ROLE_KINDS[who.role]),
        }
    assert "digest" in ROLE_KINDS["crew"] and ROLE_KINDS["homeowner"] == ("fixed", "closed")
    body = {
        "email": "crew@example.com",
        "email_kinds": ["overdue", "digest"],
        "muted_kinds": ["due_soon"],
        "quiet_start": "22:00",
        "quiet_end": "07:30",
    }
    r = client.put(URL, json=body, headers=auth.headers(world.crew))
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {**body, "email_kinds": ["digest", "overdue"], "kinds": list(ROLE_KINDS["crew"])}
    row = db.session.get(NotifySettings, world.crew.id)
    assert (row.quiet_start, row.quiet_end, row.email_kinds) == (22 * 60, 7 * 60 + 30, ",digest,overdue,")
    # Nobody else's settings changed, and turning quiet hours off clears them.
    assert db.session.get(NotifySettings, world.manager.id) is None
    assert client.get(URL, headers=auth.headers(world.crew2)).get_json()["email"] == ""
    off = client.put(URL, json={**body, "quiet_start": "", "quiet_end": ""}, headers=auth.headers(world.crew))
    assert off.get_json()["quiet_start"] == "" and db.session.get(NotifySettings, world.crew.id).quiet_start is None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"email_kinds": ["overdue"]}, "notify_email_missing"),
        ({"quiet_start": "22:00"}, "quiet_hours_invalid"),
        ({"quiet_start": "22:00", "quiet_end": "22:00"}, "quiet_hours_invalid"),
        ({"quiet_start": "25:00", "quiet_end": "07:00"}, "invalid"),
        ({"quiet_start": "7:00", "quiet_end": "08:00"}, "invalid"),
        ({"quiet_start": "22:00" * 100, "quiet_end": "07:00"}, "invalid"),
        ({"email": "x" * 300 + "@example.com"}, "invalid"),
        ({"email": "not-an-address"}, "invalid"),
        ({"muted_kinds": ["spam"]}, "invalid"),
        ({"muted_kinds": ["overdue"] * 10}, "invalid"),
        ({"email_kinds": "overdue", "email": "a@example.com"}, "invalid"),
        ({"user_id": 1}, "invalid"),  # nobody sets another user's choice
    ],
)
def test_bad_settings_are_refused_with_a_code(world, client, auth, body, code):
    r = client.put(URL, json=body, headers=auth.headers(world.crew))
    assert (r.status_code, r.get_json()["code"]) == (422, code), r.get_json()
    assert db.session.get(NotifySettings, world.crew.id) is None


def test_settings_need_a_login(client):
    assert client.get(URL).status_code == 401
    assert client.put(URL, json={}).status_code == 401


def test_the_daily_digest_reaches_the_inbox_and_by_email_those_who_chose_it_once_a_day(world, client, auth, device):
    mate = f.UserFactory(role="crew", contractor_id=world.contractor.id)  # same contractor, digest turned off
    db.session.commit()
    assert (
        client.put(
            URL, json={"email": "crew@example.com", "email_kinds": ["digest"]}, headers=auth.headers(world.crew)
        ).status_code
        == 200
    )
    assert client.put(URL, json={"muted_kinds": ["digest"]}, headers=auth.headers(mate)).status_code == 200
    _dispatch(device, world, 2)
    noon = _local(10, 12)  # ten days on: both defects are overdue
    assert digest.digest(db.session, noon) == 1
    [note] = inbox(world.crew, "digest")
    assert "待整改 2" in note.body and "已超时 2" in note.body
    assert inbox(mate, "digest") == [] and inbox(world.crew2, "digest") == []
    [mail] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")).all()
    assert (mail.channel, mail.target, mail.user_id) == ("email", "crew@example.com", world.crew.id)

    port = _port()
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = delivery.Settings(smtp_host="127.0.0.1", smtp_port=port, timeout=5)
        assert delivery.deliver_all(db.session, noon, settings).sent == 1
        # Run again the same day (as cron would): nothing new, nothing sent twice.
        assert digest.digest(db.session, noon + timedelta(hours=3)) == 1
        assert delivery.deliver_all(db.session, noon + timedelta(hours=3), settings).sent == 0
        assert len(inbox(world.crew, "digest")) == 1
        # The next day brings the next digest.
        digest.digest(db.session, noon + timedelta(days=1))
        assert delivery.deliver_all(db.session, noon + timedelta(days=1), settings).sent == 1
    finally:
        controller.stop()
    assert [m.rcpt_tos for m in handler.messages] == [["crew@example.com"], ["crew@example.com"]]
    first = email.message_from_bytes(handler.messages[0].content, policy=email.policy.default)
    assert "Daily digest" in first["Subject"] and noon.date().isoformat() in first["Subject"]
    assert (
        first["X-Idempotency-Key"] == f"digest:{world.contractor.id}:{world.project.id}:{noon.date()}:e{world.crew.id}"
    )
    assert "已超时 2 / overdue" in first.get_content()
    assert len(inbox(world.crew, "digest")) == 2


def test_email_waits_for_the_end_of_quiet_hours(world, client, auth, device):
    body = {
        "email": "crew@example.com",
        "email_kinds": ["dispatched", "overdue"],
        "quiet_start": "22:00",
        "quiet_end": "07:00",
    }
    assert client.put(URL, json=body, headers=auth.headers(world.crew)).status_code == 200
    defaults.ensure_project(db.session, world.project.id)  # the ladder
    db.session.commit()
    [did] = _dispatch(device, world, 1)
    night = _local(1, 23, 30)
    settings = delivery.Settings(smtp_host="127.0.0.1", smtp_port=_port(), timeout=2)
    report = delivery.deliver(db.session, night, settings)
    assert (report.deferred, report.sent, report.retried) == (1, 0, 0)
    msg = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "dispatched"))
    assert msg.next_attempt_at == _local(2, 7) and msg.attempts == 0 and msg.user_id == world.crew.id
    assert delivery.deliver(db.session, night + timedelta(hours=2), settings).deferred == 0  # still waiting

    # Escalation e-mail from the set-based pass carries its recipient too, so it waits the same way.
    job.run(db.session, _local(30, 3))
    late = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "overdue")).all()
    assert late and {m.user_id for m in late} == {world.crew.id}

    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=settings.smtp_port)
    controller.start()
    try:
        assert delivery.deliver_all(db.session, _local(2, 7), settings).sent == 1  # the dispatch, at 07:00
        assert delivery.deliver_all(db.session, _local(30, 3), settings).deferred == len(late)  # 03:00: quiet
        assert delivery.deliver_all(db.session, _local(30, 7), settings).sent == len(late)
    finally:
        controller.stop()
    keys = [
        email.message_from_bytes(m.content, policy=email.policy.default)["X-Idempotency-Key"] for m in handler.messages
    ]
    assert keys[0].startswith(f"dispatched:{did}:") and len(keys) == 1 + len(late)
