"""Rounds on the delivery calendar: the proposal from the delivery date, saving, adjusting, opening."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain.models import Inspection
from domain.rounds.calendar import covers, propose
from server.extensions import db
from tests import factories as f

DELIVERY = date(2027, 6, 30)


def test_proposal_follows_the_90_60_45_30_calendar() -> None:
    plan = propose(DELIVERY, "1栋")
    by_key = {r["key"]: r for r in plan["rounds"]}
    assert (
        by_key["group_joint"]["planned_start"] <= DELIVERY - timedelta(days=60) <= by_key["group_joint"]["planned_end"]
    )
    assert by_key["open_day"]["kind"] == "pre_inspection"
    assert by_key["open_day"]["planned_start"] <= DELIVERY - timedelta(days=45) <= by_key["open_day"]["planned_end"]
    assert by_key["regional_joint"]["planned_start"] <= DELIVERY - timedelta(days=30)
    assert by_key["handover"]["planned_end"] == DELIVERY - timedelta(days=15)  # finished 15 days before
    assert by_key["delivery"]["planned_start"] == DELIVERY
    assert [m["key"] for m in plan["milestones"]] == ["completion"]
    assert plan["milestones"][0]["date"] == DELIVERY - timedelta(days=90)
    assert sum(r["kind"] == "internal" for r in plan["rounds"]) == 3
    assert all(r["name"].startswith("1栋 ") for r in plan["rounds"])
    starts = [r["planned_start"] for r in plan["rounds"]]
    assert starts == sorted(starts)


def test_manager_proposes_adjusts_saves_and_opens(client: Any, world: Any, headers: Any) -> None:
    h = headers(world.manager)
    pid = world.project.id
    r = client.post(f"/api/projects/{pid}/calendar/propose", json={"delivery_date": DELIVERY.isoformat()}, headers=h)
    assert r.status_code == 200, r.get_json()
    rounds = r.get_json()["rounds"]
    pre = next(x for x in rounds if x["key"] == "open_day")
    pre["planned_end"] = (DELIVERY - timedelta(days=43)).isoformat()  # the manager gives it a third day
    body = {
        "rounds": [
            {k: pre[k] for k in ("kind", "name", "planned_start", "planned_end")}
            | {"floors": [3], "participants": [{"user_id": world.inspector.id, "role": "lead"}]}
        ]
    }
    r = client.post(f"/api/projects/{pid}/calendar", json=body, headers=h)
    assert r.status_code == 201, r.get_json()
    saved = r.get_json()[0]
    assert saved["status"] == "planned" and saved["floors"] == [3]
    assert saved["planned_end"] == (DELIVERY - timedelta(days=43)).isoformat()
    assert saved["participants"] == [
        {"user_id": world.inspector.id, "role": "lead", "username": world.inspector.username}
    ]
    rid = saved["id"]
    assert client.patch(f"/api/inspections/{rid}", json={"status": "closed"}, headers=h).status_code == 409
    r = client.patch(f"/api/inspections/{rid}", json={"status": "open"}, headers=h)
    assert r.status_code == 200 and r.get_json()["status"] == "open"
    listed = client.get(f"/api/projects/{pid}/rounds", headers=headers(world.inspector)).get_json()
    assert rid in {x["id"] for x in listed}


def test_round_units_building_floors_or_list(app: Any, world: Any) -> None:
    other_floor = f.UnitFactory(building=db.session.get(type(world.unit.building), world.unit.building_id), floor=9)
    insp = Inspection(project_id=world.project.id, kind="internal", name="x", started_on=date.today())
    assert covers(insp, world.unit) and covers(insp, other_floor)
    insp.building_id, insp.floors = world.unit.building_id, [3]
    assert covers(insp, world.unit) and not covers(insp, other_floor)
    insp.unit_ids = [other_floor.id]
    assert not covers(insp, world.unit) and covers(insp, other_floor)


@pytest.mark.parametrize(
    "body",
    [
        {"rounds": [{"kind": "nonsense", "name": "x", "planned_start": "2027-01-01", "planned_end": "2027-01-02"}]},
        {"rounds": [{"kind": "handover", "name": "x" * 201, "planned_start": "2027-01-01",
                     "planned_end": "2027-01-02"}]},
        {"rounds": [{"kind": "handover", "name": "x", "planned_start": "2027-01-05", "planned_end": "2027-01-02"}]},
        {"rounds": [{"kind": "handover", "name": "x", "planned_start": "2027-01-01", "planned_end": "2027-01-02",
                     "unit_ids": [2**40]}]},
        {"rounds": [{"kind": "handover", "name": "x", "planned_start": "2027-01-01", "planned_end": "2027-01-02",
                     "building_id": 2**31 - 1}]},
        {"rounds": "x"},
    ],
)  # fmt: skip
def test_hostile_calendar_input_is_a_4xx(client: Any, world: Any, headers: Any, body: Any) -> None:
    r = client.post(f"/api/projects/{world.project.id}/calendar", json=body, headers=headers(world.manager))
    assert 400 <= r.status_code < 500


def test_participants_must_be_members(client: Any, world: Any, headers: Any) -> None:
    rid = world.inspection.id
    body = {"participants": [{"user_id": world.outsider.id, "role": "inspector"}]}
    assert client.patch(f"/api/inspections/{rid}", json=body, headers=headers(world.manager)).status_code == 422


@pytest.mark.parametrize(("who", "status"), [("owner", 404), ("crew", 404), ("outsider", 404), ("inspector", 403)])
def test_only_the_projects_managers_plan(client: Any, world: Any, headers: Any, who: str, status: int) -> None:
    h = headers(getattr(world, who))
    pid = world.project.id
    if who == "owner":
        status = 403  # the homeowner sees the project (their unit is in it) but plans nothing
    r = client.post(f"/api/projects/{pid}/calendar/propose", json={"delivery_date": "2027-06-30"}, headers=h)
    assert r.status_code == status
    body = {"rounds": [{"kind": "handover", "name": "x", "planned_start": "2027-01-01", "planned_end": "2027-01-02"}]}
    assert client.post(f"/api/projects/{pid}/calendar", json=body, headers=h).status_code == status
    assert client.get(f"/api/projects/{pid}/calendar/people", headers=h).status_code == status
    rid = world.inspection.id  # customer-facing: the homeowner may see it, not change it
    assert client.patch(f"/api/inspections/{rid}", json={"status": "closed"}, headers=h).status_code == status


def test_homeowner_sees_customer_facing_rounds_only(client: Any, world: Any, headers: Any) -> None:
    internal = f.InspectionFactory(project_id=world.project.id, kind="internal")
    db.session.commit()
    h = headers(world.owner)
    assert client.get(f"/api/inspections/{internal.id}", headers=h).status_code == 404
    assert client.get(f"/api/inspections/{world.inspection.id}", headers=h).status_code == 200
    kinds = {r["kind"] for r in client.get(f"/api/projects/{world.project.id}/rounds", headers=h).get_json()}
    assert kinds == {"pre_inspection"}
    assert client.get(f"/api/inspections/{world.inspection.id}", headers=headers(world.outsider)).status_code == 404


def test_planning_sets_the_delivery_date_and_offers_the_members(client: Any, world: Any, headers: Any) -> None:
    h = headers(world.manager)
    pid = world.project.id
    people = client.get(f"/api/projects/{pid}/calendar/people", headers=h).get_json()
    assert {p["id"] for p in people} == {world.manager.id, world.inspector.id, world.inspector2.id}
    assert world.outsider.id not in {p["id"] for p in people}  # a member of another project only
    proposal = client.post(f"/api/projects/{pid}/calendar/propose", json={"delivery_date": "2027-06-30"}, headers=h)
    rounds = [
        {k: r[k] for k in ("kind", "name", "planned_start", "planned_end")} for r in proposal.get_json()["rounds"]
    ]
    r = client.post(f"/api/projects/{pid}/calendar", json={"rounds": rounds, "delivery_date": "2027-06-30"}, headers=h)
    assert r.status_code == 201 and len(r.get_json()) == len(rounds)
    db.session.expire_all()
    assert world.project.delivery_date == DELIVERY
    # the project's own date is now the default for the next proposal
    again = client.post(f"/api/projects/{pid}/calendar/propose", json={}, headers=h).get_json()
    assert again["delivery_date"] == DELIVERY.isoformat()
