"""Who may read and change follow-up set-up, escalations and inboxes; hostile values get a 4xx."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.followup import job
from domain.models import FollowupChange, InboxMessage
from server.extensions import db

from .conftest import defect, inbox

POLICY = {"policy": [{"category": "工程质量", "severity": "A", "response_minutes": 60, "fix_minutes": 1440}]}
LADDER = {
    "steps": [
        {"level": 1, "after_hours": 0, "urgent_after_hours": 0, "notify": "crew"},
        {"level": 2, "after_hours": 48, "urgent_after_hours": 12, "notify": "manager"},
    ]
}


@pytest.mark.parametrize(("path", "body"), [("policy", POLICY), ("ladder", LADDER), ("routes", {"routes": []})])
def test_only_the_projects_managers_change_the_setup(world, client, auth, loop, path, body):
    url = f"/api/projects/{world.project.id}/followup/{path}"
    for who, status in (
        (world.inspector, 403),
        (world.crew, 404),
        (world.owner, 404),
        (world.outsider, 404),
    ):
        r = client.put(url, json=body, headers=auth.headers(who))
        assert r.status_code == status, (who.role, r.get_json())
    r = client.put(url, json=body, headers=auth.headers(world.manager))
    assert r.status_code == 200, r.get_json()
    [change] = db.session.scalars(select(FollowupChange)).all()
    assert (change.what, change.user_id) == (path, world.manager.id)
    seen = client.get(f"/api/projects/{world.project.id}/followup/changes", headers=auth.headers(world.inspector))
    assert [c["what"] for c in seen.get_json()] == [path]
    for who in (world.crew, world.owner, world.outsider):
        assert client.get(f"/api/projects/{world.project.id}/followup", headers=auth.headers(who)).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"policy": [{"category": "工程质量", "severity": "A", "response_minutes": 2**40, "fix_minutes": 1}]},
        {"policy": [{"category": "其他", "severity": "A", "response_minutes": 1, "fix_minutes": 1}]},
        {"policy": [{"category": "工程质量", "severity": "Z", "response_minutes": 1, "fix_minutes": 1}]},
        {"policy": [{"category": "工程质量", "severity": "A", "response_minutes": "soon", "fix_minutes": 1}]},
        {"types": [{"type_id": 2**31, "response_minutes": 1, "fix_minutes": 1}]},
        {"types": [{"type_id": 999999, "response_minutes": 1, "fix_minutes": 1}]},
        {"due_soon_hours": -1},
    ],
)
def test_hostile_policy_values_are_refused(world, client, auth, body):
    r = client.put(f"/api/projects/{world.project.id}/followup/policy", json=body, headers=auth.headers(world.manager))
    assert r.status_code == 422, r.get_json()


def test_a_ladder_must_climb(world, client, auth):
    url = f"/api/projects/{world.project.id}/followup/ladder"
    h = auth.headers(world.manager)
    gap = {"steps": [{**LADDER["steps"][0]}, {**LADDER["steps"][1], "level": 3}]}
    down = {"steps": [{**LADDER["steps"][0], "after_hours": 50}, LADDER["steps"][1]]}
    for body in (gap, down, {"steps": []}, {"steps": [{**LADDER["steps"][0], "notify": "mayor"}]}):
        assert client.put(url, json=body, headers=h).status_code == 422


def test_escalations_and_inboxes_are_private(world, client, auth, loop):
    job.run(db.session, defect(loop).assigned_at + timedelta(days=4, hours=1))  # levels 1 and 2
    for who, levels in (
        (world.crew, [1, 2]),
        (world.manager, [1, 2]),
        (world.crew2, []),
        (world.owner, []),
        (world.outsider, []),
    ):
        rows = client.get("/api/escalations", headers=auth.headers(who)).get_json()
        assert sorted(r["level"] for r in rows) == levels, who.role
    first = client.get("/api/escalations", headers=auth.headers(world.crew)).get_json()[0]
    for who in (world.crew2, world.owner, world.outsider):
        assert client.post(f"/api/escalations/{first['id']}/ack", headers=auth.headers(who)).status_code == 404
    assert client.post(f"/api/escalations/{first['id']}/ack", headers=auth.headers(world.inspector)).status_code == 403

    # The crew's inbox: its own messages only; marking another user's message read does nothing.
    h = auth.headers(world.crew)
    r = client.get("/api/inbox", headers=h)
    assert int(r.headers["X-Unread-Count"]) == len(r.get_json()) >= 2
    theirs = inbox(world.manager)[0].id
    assert client.post("/api/inbox/read", json={"ids": [theirs]}, headers=h).get_json()["unread"] == len(r.get_json())
    assert db.session.get(InboxMessage, theirs).read_at is None
    mine = r.get_json()[0]["id"]
    assert client.post("/api/inbox/read", json={"ids": [mine]}, headers=h).get_json()["unread"] == len(r.get_json()) - 1
    assert client.post("/api/inbox/read", json={"all": True}, headers=h).get_json()["unread"] == 0
    assert client.get("/api/inbox/unread-count", headers=h).get_json() == {"unread": 0}
    for bad in ({"ids": [2**40]}, {"ids": "x"}, {"all": "maybe"}):
        assert client.post("/api/inbox/read", json=bad, headers=h).status_code == 422
    # A homeowner hears nothing of internal escalations.
    assert client.get("/api/inbox", headers=auth.headers(world.owner)).get_json() == []


def test_dispatch_suggestion_follows_the_routes(world, client, auth, loop):
    h = auth.headers(world.manager)
    url = f"/api/defects/{loop}/dispatch-suggestion"
    routes = {"routes": [{"trade": "土建", "contractor_id": world.contractor2.id}]}
    assert client.put(f"/api/projects/{world.project.id}/followup/routes", json=routes, headers=h).status_code == 200
    assert client.get(url, headers=h).get_json()["contractor_id"] == world.contractor2.id
    building = world.unit.building_id
    routes["routes"].append({"trade": "土建", "building_id": building, "contractor_id": world.contractor.id})
    client.put(f"/api/projects/{world.project.id}/followup/routes", json=routes, headers=h)
    assert client.get(url, headers=h).get_json() == {
        "contractor_id": world.contractor.id,
        "trade": "土建",
        "building_id": building,
    }
    for who in (world.crew, world.owner, world.outsider):
        assert client.get(url, headers=auth.headers(who)).status_code == 404


def test_defect_list_filters(world, client, auth, loop):
    h = auth.headers(world.manager)
    d = defect(loop)

    def ids(**params):
        r = client.get("/api/defects", query_string=params, headers=h)
        assert r.status_code == 200, r.get_json()
        return [x["id"] for x in r.get_json()]

    assert ids(overdue="true") == [] and ids(overdue="false") == [loop]
    later = (d.fix_due_at + timedelta(hours=1)).isoformat()
    assert ids(due_before=later) == [loop] and ids(due_before=d.fix_due_at.isoformat()) == []
    from domain.models import utcnow

    d.response_due_at = utcnow() - timedelta(minutes=1)  # nobody accepted it in time
    db.session.commit()
    job.run(db.session, utcnow())
    assert ids(overdue="true") == [loop] and ids(escalation_level=1) == [loop] and ids(escalation_level=2) == []
    for bad in ({"escalation_level": 2**40}, {"escalation_level": "x"}, {"due_before": "soon"}, {"overdue": "x"}):
        assert client.get("/api/defects", query_string=bad, headers=h).status_code == 422
