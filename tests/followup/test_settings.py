"""The managers' follow-up settings as the PWA edits them: time limits (and their history), type overrides
removed, the ladder, group-chat webhooks with a test message; each refusal has its own code; and every
endpoint refuses a homeowner, another contractor's crew, this contractor's crew and another project's
manager."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from domain.followup import delivery
from domain.models import Membership, OutboxMessage, TypeDeadline, Webhook
from server.extensions import db
from tests import factories as f
from tests.sync.test_push import create_args

from .conftest import defect
from .test_delivery import SECRET, Receiver

DAY = 24 * 60


@pytest.fixture
def other_manager(world: Any) -> Any:
    """A manager of another project (the world's outsider's project)."""
    other = db.session.scalar(select(Membership.project_id).where(Membership.user_id == world.outsider.id))
    user = f.UserFactory(role="manager")
    db.session.flush()
    db.session.add(Membership(user_id=user.id, project_id=other))
    db.session.commit()
    return user


def _dispatch(world: Any, device: Any) -> str:
    inspector, manager = device(world.inspector), device(world.manager)
    did = str(uuid.uuid4())
    inspector.mutate("defect.create", **create_args(world, id=did))
    assert inspector.push()[0]["status"] == "applied"
    manager.pull()
    manager.mutate("defect.status", id=did, action="assign", contractor_id=world.contractor.id, **{"from": "open"})
    assert manager.push()[0]["status"] == "applied"
    return did


def test_a_changed_time_limit_sets_the_next_dispatch_deadline_and_is_in_the_history(world, client, auth, device):
    h = auth.headers(world.manager)
    url = f"/api/projects/{world.project.id}/followup"
    setup = client.get(url, headers=h).get_json()
    severity = create_args(world).get("severity") or world.dtype.default_severity
    category = world.dtype.category
    before = next(p for p in setup["policy"] if (p["category"], p["severity"]) == (category, severity))
    row = {"category": category, "severity": severity, "response_minutes": 90, "fix_minutes": 3 * DAY}
    r = client.put(f"{url}/policy", json={"policy": [row]}, headers=h)
    assert r.status_code == 200, r.get_json()

    d = defect(_dispatch(world, device))
    assert d.fix_due_at - d.assigned_at == timedelta(days=3)
    assert d.response_due_at - d.assigned_at == timedelta(minutes=90)

    [change] = client.get(f"{url}/changes", headers=auth.headers(world.inspector)).get_json()
    assert (change["what"], change["user_id"], change["user_name"]) == (
        "policy",
        world.manager.id,
        world.manager.display_name,
    )
    old = next(p for p in change["old"]["policy"] if (p["category"], p["severity"]) == (category, severity))
    new = next(p for p in change["new"]["policy"] if (p["category"], p["severity"]) == (category, severity))
    assert (old["fix_minutes"], new["fix_minutes"]) == (before["fix_minutes"], 3 * DAY)


def test_a_type_override_is_added_then_removed(world, client, auth, device):
    h = auth.headers(world.manager)
    url = f"/api/projects/{world.project.id}/followup/policy"
    body = {"types": [{"type_id": world.dtype.id, "response_minutes": 30, "fix_minutes": DAY, "urgent": True}]}
    got = client.put(url, json=body, headers=h).get_json()
    assert {"type_id": world.dtype.id, "response_minutes": 30, "fix_minutes": DAY, "urgent": True} in got["types"]
    d = defect(_dispatch(world, device))
    assert d.fix_due_at - d.assigned_at == timedelta(days=1)

    got = client.put(url, json={"remove_types": [world.dtype.id]}, headers=h).get_json()
    assert world.dtype.id not in [t["type_id"] for t in got["types"]]
    assert db.session.scalar(select(TypeDeadline).where(TypeDeadline.type_id == world.dtype.id)) is None
    changes = client.get(f"/api/projects/{world.project.id}/followup/changes", headers=h).get_json()
    assert [c["what"] for c in changes] == ["policy", "policy"]
    assert [t["type_id"] for t in changes[0]["old"]["types"]].count(world.dtype.id) == 1
    assert world.dtype.id not in [t["type_id"] for t in changes[0]["new"]["types"]]
    # Removing a type that has no limits of its own changes nothing and is no error.
    assert client.put(url, json={"remove_types": [world.dtype.id]}, headers=h).status_code == 200


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"policy": [{"category": "工程质量", "severity": "A", "response_minutes": 600, "fix_minutes": 60}]},
            "followup_fix_before_response",
        ),
        ({"types": [{"type_id": 1, "response_minutes": 60, "fix_minutes": 59}]}, "followup_fix_before_response"),
        ({"types": [{"type_id": 999999, "response_minutes": 1, "fix_minutes": 1}]}, "followup_type_unknown"),
        ({"remove_types": [2**31]}, "invalid"),
        ({"remove_types": "all"}, "invalid"),
        ({"policy": [{"category": "工程质量", "severity": "A", "response_minutes": -1, "fix_minutes": 1}]}, "invalid"),
    ],
)
def test_policy_refusals_have_their_own_codes(world, client, auth, body, code):
    r = client.put(f"/api/projects/{world.project.id}/followup/policy", json=body, headers=auth.headers(world.manager))
    assert (r.status_code, r.get_json()["code"]) == (422, code), r.get_json()


def test_ladder_refusals_have_their_own_codes_and_a_valid_ladder_is_recorded(world, client, auth):
    url = f"/api/projects/{world.project.id}/followup/ladder"
    h = auth.headers(world.manager)
    one = {"level": 1, "after_hours": 0, "urgent_after_hours": 0, "notify": "crew"}
    gap = {"steps": [one, {**one, "level": 3}]}
    down = {"steps": [{**one, "after_hours": 50}, {**one, "level": 2, "after_hours": 10, "notify": "manager"}]}
    assert client.put(url, json=gap, headers=h).get_json()["code"] == "ladder_levels_gap"
    refused = client.put(url, json=down, headers=h).get_json()
    assert (refused["code"], refused["params"]) == ("ladder_not_rising", {"level": 2})
    four = {"steps": [one, {**one, "level": 2, "after_hours": 24, "urgent_after_hours": 8, "notify": "manager"}]}
    four["steps"] += [
        {"level": 3, "after_hours": 96, "urgent_after_hours": 24, "notify": "regional"},
        {"level": 4, "after_hours": 240, "urgent_after_hours": 72, "notify": "regional"},
    ]
    got = client.put(url, json=four, headers=h)
    assert got.status_code == 200 and [s["level"] for s in got.get_json()["ladder"]] == [1, 2, 3, 4]
    [change] = client.get(f"/api/projects/{world.project.id}/followup/changes", headers=h).get_json()
    assert change["what"] == "ladder" and len(change["old"]) == 3 and len(change["new"]) == 4


def _attackers(world: Any, other_manager: Any) -> list[tuple[Any, tuple[int, ...]]]:
    """Who must be refused, and the answers allowed: in scope but not a manager → 403, else 404."""
    return [
        (world.owner, (404,)),
        (world.crew, (404,)),  # sees the project through its defects, not its set-up
        (world.crew2, (404,)),
        (other_manager, (404,)),
        (world.outsider, (404,)),
        (world.inspector, (403,)),
    ]


def test_attackers_cannot_change_or_read_the_setup(world, client, auth, device, other_manager):
    _dispatch(world, device)  # the crew now sees the project (its defect is there)
    pid = world.project.id
    policy = {"policy": [{"category": "工程质量", "severity": "A", "response_minutes": 1, "fix_minutes": 2}]}
    ladder = {"steps": [{"level": 1, "after_hours": 0, "urgent_after_hours": 0, "notify": "crew"}]}
    for who, allowed in _attackers(world, other_manager):
        h = auth.headers(who)
        for path, body in (
            ("policy", policy),
            ("policy", {"remove_types": [world.dtype.id]}),
            ("ladder", ladder),
            ("routes", {"routes": [{"trade": "土建", "contractor_id": world.contractor2.id}]}),
        ):
            r = client.put(f"/api/projects/{pid}/followup/{path}", json=body, headers=h)
            assert r.status_code in allowed, (who.role, path, r.status_code)
        if who is not world.inspector:  # staff of the project read the set-up and its history
            assert client.get(f"/api/projects/{pid}/followup", headers=h).status_code == 404
            assert client.get(f"/api/projects/{pid}/followup/changes", headers=h).status_code == 404
    from domain.models import FollowupChange

    assert db.session.scalar(select(FollowupChange.id)) is None


def test_attackers_cannot_see_add_test_or_remove_webhooks(world, client, auth, device, other_manager):
    _dispatch(world, device)
    pid = world.project.id
    hook = Webhook(
        project_id=pid, url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", secret=SECRET, format="wecom"
    )
    db.session.add(hook)
    db.session.commit()
    body = {"url": "https://evil.example/steal", "format": "json"}
    for who, allowed in _attackers(world, other_manager):
        h = auth.headers(who)
        assert client.get(f"/api/projects/{pid}/webhooks", headers=h).status_code in allowed, who.role
        assert client.post(f"/api/projects/{pid}/webhooks", json=body, headers=h).status_code in allowed, who.role
        assert client.post(f"/api/projects/{pid}/webhooks/{hook.id}/test", headers=h).status_code in allowed
        assert client.delete(f"/api/projects/{pid}/webhooks/{hook.id}", headers=h).status_code in allowed
    # Another project's manager, through their own project's address, cannot reach this project's webhook.
    other_pid = db.session.scalar(select(Membership.project_id).where(Membership.user_id == other_manager.id))
    h = auth.headers(other_manager)
    assert client.post(f"/api/projects/{other_pid}/webhooks/{hook.id}/test", headers=h).status_code == 404
    assert client.delete(f"/api/projects/{other_pid}/webhooks/{hook.id}", headers=h).status_code == 404
    db.session.refresh(hook)
    assert hook.active
    assert db.session.scalars(select(Webhook.url)).all() == [hook.url]
    assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.kind == "test")) is None


def test_a_manager_tests_a_webhook_and_sees_how_it_fared(world, client, auth):
    receiver = Receiver(fail=1)
    try:
        h = auth.headers(world.manager)
        pid = world.project.id
        r = client.post(
            f"/api/projects/{pid}/webhooks",
            json={"url": receiver.url, "format": "json", "secret": SECRET, "kinds": ["overdue", "overdue"]},
            headers=h,
        )
        assert r.status_code == 201, r.get_json()
        hook = r.get_json()
        assert hook["kinds"] == ["overdue"] and hook["last_status"] is None
        assert r.headers["X-Webhook-Secret"] == SECRET
        assert client.post(f"/api/projects/{pid}/webhooks/{hook['id']}/test", headers=h).status_code == 202
        now = datetime.now(UTC)
        settings = delivery.Settings(backoff_seconds=1)
        assert delivery.deliver_all(db.session, now, settings).retried == 1  # the receiver fails once
        [listed] = client.get(f"/api/projects/{pid}/webhooks", headers=h).get_json()
        assert listed["last_status"] == "pending" and "503" in listed["last_error"]
        assert delivery.deliver_all(db.session, now + timedelta(seconds=2), settings).sent == 1
        [listed] = client.get(f"/api/projects/{pid}/webhooks", headers=h).get_json()
        assert listed["last_status"] == "sent"
        [body] = receiver.bodies
        assert body["kind"] == "test" and "Test message" in body["title"]
        # A removed webhook is listed inactive and takes no test.
        assert client.delete(f"/api/projects/{pid}/webhooks/{hook['id']}", headers=h).status_code == 204
        assert client.post(f"/api/projects/{pid}/webhooks/{hook['id']}/test", headers=h).status_code == 404
        assert client.get(f"/api/projects/{pid}/webhooks", headers=h).get_json()[0]["active"] is False
        whats = [c["what"] for c in client.get(f"/api/projects/{pid}/followup/changes", headers=h).get_json()]
        assert whats == ["webhook", "webhook"]
    finally:
        receiver.close()


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://example.com/x"},
        {"url": "https://example.com/" + "x" * 600},
        {"url": "https://example.com/x", "format": "slack"},
        {"url": "https://example.com/x", "secret": "short"},
        {"url": "https://example.com/x", "kinds": ["everything"]},
        {"url": "https://example.com/x", "kinds": ["overdue"] * 21},
    ],
)
def test_hostile_webhooks_are_refused(world, client, auth, body):
    r = client.post(f"/api/projects/{world.project.id}/webhooks", json=body, headers=auth.headers(world.manager))
    assert (r.status_code, r.get_json()["code"]) == (422, "invalid")
