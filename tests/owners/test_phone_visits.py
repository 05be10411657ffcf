"""回访 after the repairs: when a unit's items are all closed and the owner has not rated them within the
project's time (default 7 days), the unit is in the manager's 回访 queue and the follow-up pass tells the
managers once; staff record the phone call's score and remark, which count in the statistics as by phone,
apart from the owners' own ratings."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from domain.followup import job, visits
from domain.models import Defect, InboxMessage
from server.extensions import db
from tests.walkthroughs.test_owner_repairs import _fixed


@pytest.fixture
def closed(world: Any, device: Any) -> str:
    """A defect found with the owner, repaired and re-checked: closed, not rated."""
    staff, defect_id = _fixed(world, device)
    staff.mutate("defect.status", id=defect_id, action="pass", **{"from": "fixed"})
    assert staff.push()[0]["status"] == "applied"
    return defect_id


def _queue(client: Any, auth: Any, world: Any, user: Any = None) -> Any:
    return client.get(f"/api/projects/{world.project.id}/visits/due", headers=auth.headers(user or world.manager))


def _in(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def test_due_after_the_timeout_then_recorded_by_phone(
    app: Any, client: Any, auth: Any, world: Any, device: Any, closed: str
) -> None:
    app.config["STATS_NOW"] = _in(6)
    assert _queue(client, auth, world).json == {"timeout_days": 7, "units": []}
    app.config["STATS_NOW"] = _in(8)
    body = _queue(client, auth, world).json
    [unit] = body["units"]
    assert unit["unit_id"] == world.unit.id and [i["id"] for i in unit["items"]] == [closed]
    assert unit["owners"][0]["user_id"] == world.owner.id and unit["days_waiting"] == 1
    stats = client.get(f"/api/projects/{world.project.id}/stats", headers=auth.headers(world.manager)).json
    assert stats["numbers"]["visits_due"] == 1

    phone = device(world.manager)
    phone.mutate("defect.status", id=closed, action="visit", **{"from": "closed"}, satisfaction=4, note="业主表示满意")
    assert phone.push()[0]["status"] == "applied"
    d = db.session.get(Defect, uuid.UUID(closed))
    db.session.refresh(d)
    assert (d.status, d.satisfaction, d.visit_method) == ("visited", 4, "phone")
    assert _queue(client, auth, world).json["units"] == []
    n = client.get(f"/api/projects/{world.project.id}/stats", headers=auth.headers(world.manager)).json["numbers"]
    assert (n["visits_by_phone"], n["visits_by_owner"], n["satisfaction_count"], n["visits_due"]) == (1, 0, 1, 0)
    owner = device(world.owner)
    owner.pull()
    assert owner.defects[closed]["visit_method"] == "phone" and owner.defects[closed]["satisfaction"] == 4


def test_the_owner_rating_in_time_is_theirs(
    app: Any, client: Any, auth: Any, world: Any, device: Any, closed: str
) -> None:
    owner = device(world.owner)
    owner.mutate("defect.status", id=closed, action="visit", **{"from": "closed"}, satisfaction=5)
    assert owner.push()[0]["status"] == "applied"
    app.config["STATS_NOW"] = _in(30)
    assert _queue(client, auth, world).json["units"] == []
    n = client.get(f"/api/projects/{world.project.id}/stats", headers=auth.headers(world.manager)).json["numbers"]
    assert (n["visits_by_owner"], n["visits_by_phone"]) == (1, 0)


def test_not_due_while_another_item_is_unfinished(
    app: Any, client: Any, auth: Any, world: Any, device: Any, closed: str
) -> None:
    _fixed(world, device)  # a second item of the unit, fixed but not re-checked: the owner cannot rate yet
    app.config["STATS_NOW"] = _in(30)
    assert _queue(client, auth, world).json["units"] == []


def test_the_project_sets_the_timeout(app: Any, client: Any, auth: Any, world: Any, closed: str) -> None:
    headers = auth.headers(world.manager)
    res = client.put(
        f"/api/projects/{world.project.id}/followup/policy", json={"visit_timeout_days": 3}, headers=headers
    )
    assert res.status_code == 200 and res.json["visit_timeout_days"] == 3
    app.config["STATS_NOW"] = _in(4)
    assert [u["unit_id"] for u in _queue(client, auth, world).json["units"]] == [world.unit.id]
    bad = client.put(
        f"/api/projects/{world.project.id}/followup/policy", json={"visit_timeout_days": 0}, headers=headers
    )
    assert bad.status_code == 422


def test_the_follow_up_pass_tells_the_managers_once(world: Any, closed: str) -> None:
    def told() -> list[int]:
        return list(db.session.scalars(select(InboxMessage.user_id).where(InboxMessage.kind == "visit_due")))

    assert visits.notify_due(db.session, _in(6)) == 0
    assert told() == []
    report = job.run(db.session, _in(8))
    assert report.visits_due == 1
    assert told() == [world.manager.id]
    job.run(db.session, _in(9))
    assert told() == [world.manager.id]  # once per unit and closure


@pytest.mark.parametrize(("who", "status"), [("inspector", 403), ("crew", 403), ("owner", 403), ("outsider", 404)])
def test_the_queue_is_the_managers(
    app: Any, client: Any, auth: Any, world: Any, closed: str, who: str, status: int
) -> None:
    app.config["STATS_NOW"] = _in(8)
    res = _queue(client, auth, world, getattr(world, who))
    assert res.status_code == status
    assert "units" not in (res.json or {})
