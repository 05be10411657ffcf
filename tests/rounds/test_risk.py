"""The pre-delivery risk check: the starter list, results with a responsible party and deadline, and the
answer the delivery gate reads."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.models import RiskItem
from domain.rounds import risk_status
from domain.rounds.risk_list import CATEGORIES, RISK_ITEMS
from server.extensions import db
from tests import factories as f


def test_starter_list_has_60_items_in_every_category() -> None:
    assert len(RISK_ITEMS) >= 60
    assert {c for c, _t, _r in RISK_ITEMS} == set(CATEGORIES)
    assert len({t for _c, t, _r in RISK_ITEMS}) == len(RISK_ITEMS)


def test_gate_answer_follows_the_results(client: Any, world: Any, headers: Any) -> None:
    pid = world.project.id
    h = headers(world.manager)
    assert risk_status(db.session, pid, None) == (None, [])  # nothing set up: undecided
    r = client.post(f"/api/projects/{pid}/risk-checks/seed", headers=h)
    assert r.get_json() == {"added": len(RISK_ITEMS)}
    assert client.post(f"/api/projects/{pid}/risk-checks/seed", headers=h).get_json() == {"added": 0}
    items = client.get(f"/api/projects/{pid}/risk-checks", headers=headers(world.inspector)).get_json()
    assert len(items) == len(RISK_ITEMS)
    assert risk_status(db.session, pid, None) == (None, [])  # still pending
    hi = headers(world.inspector)
    for it in items[1:]:
        assert client.patch(f"/api/risk-checks/{it['id']}", json={"result": "pass"}, headers=hi).status_code == 200
    leak = items[0]
    assert client.patch(f"/api/risk-checks/{leak['id']}", json={"result": "fail"}, headers=hi).status_code == 422
    body = {"result": "fail", "responsible": "总包", "deadline": "2020-01-01", "note": "3 栋屋面渗漏"}
    r = client.patch(f"/api/risk-checks/{leak['id']}", json=body, headers=hi)
    assert r.status_code == 200, r.get_json()
    db.session.expire_all()
    passed, failing = risk_status(db.session, pid, None)
    assert passed is False and [i.id for i in failing] == [leak["id"]]
    st = client.get(f"/api/projects/{pid}/risk-status", headers=h).get_json()
    assert st["passed"] is False and [i["id"] for i in st["overdue"]] == [leak["id"]]
    client.patch(f"/api/risk-checks/{leak['id']}", json={"result": "pass"}, headers=hi)
    db.session.expire_all()
    assert risk_status(db.session, pid, None) == (True, [])


def test_building_items_count_for_their_building_only(app: Any, world: Any) -> None:
    other = f.BuildingFactory(project_id=world.project.id)
    db.session.add(RiskItem(project_id=world.project.id, building_id=other.id, code="X1", category="safety",
                            title="t", result="fail", responsible="r", deadline=date(2030, 1, 1), note=""))  # fmt: skip
    db.session.add(
        RiskItem(project_id=world.project.id, code="X2", category="leaks", title="t", result="pass", note="")
    )
    db.session.commit()
    assert risk_status(db.session, world.project.id, world.unit.building_id) == (True, [])
    assert risk_status(db.session, world.project.id, other.id)[0] is False


@pytest.mark.parametrize(
    "body",
    [{"result": "maybe"}, {"responsible": "x" * 81}, {"deadline": "soon"}, {"contractor_id": 2**31}, {"note": 1}],
)
def test_hostile_risk_input(client: Any, world: Any, headers: Any, body: Any) -> None:
    client.post(f"/api/projects/{world.project.id}/risk-checks/seed", headers=headers(world.manager))
    item = db.session.query(RiskItem).first()
    assert item is not None
    r = client.patch(f"/api/risk-checks/{item.id}", json=body, headers=headers(world.manager))
    assert r.status_code == 422


@pytest.mark.parametrize(("who", "status"), [("owner", 403), ("crew", 404), ("outsider", 404)])
def test_risk_check_is_for_the_projects_staff(client: Any, world: Any, headers: Any, who: str, status: int) -> None:
    pid = world.project.id
    client.post(f"/api/projects/{pid}/risk-checks/seed", headers=headers(world.manager))
    item = db.session.query(RiskItem).first()
    assert item is not None
    h = headers(getattr(world, who))
    assert client.get(f"/api/projects/{pid}/risk-checks", headers=h).status_code == status
    assert client.get(f"/api/projects/{pid}/risk-status", headers=h).status_code == status
    assert client.post(f"/api/projects/{pid}/risk-checks/seed", headers=h).status_code == status
    assert client.patch(f"/api/risk-checks/{item.id}", json={"result": "pass"}, headers=h).status_code == status
    assert client.post(f"/api/projects/{pid}/risk-checks/seed", headers=headers(world.inspector)).status_code == 403


def test_delivery_gate_refuses_the_permit_while_a_risk_item_fails(client: Any, world: Any, headers: Any) -> None:
    """The gate's 风险检查通过 criterion reads the risk check: a failed item (or one nobody checked) blocks the
    building's permit; once it is re-checked as passed, the permit is issued."""
    pid, bid = world.project.id, world.unit.building_id
    h, hi = headers(world.manager), headers(world.inspector)
    readiness = f"/api/projects/{pid}/buildings/{bid}/delivery-readiness"
    permits = f"/api/projects/{pid}/buildings/{bid}/delivery-permits"

    def risk_criterion() -> dict[str, Any]:
        crit = {c["code"]: c for c in client.get(readiness, headers=h).get_json()["criteria"]}
        return crit["risk_checklist"]

    assert risk_criterion()["skipped"] == "no_checklist"  # a project without a risk check: not judged
    client.post(f"/api/projects/{pid}/risk-checks/seed", headers=h)
    items = client.get(f"/api/projects/{pid}/risk-checks", headers=hi).get_json()
    pending = risk_criterion()
    assert pending["passed"] is False and pending["blocking_total"] == len(RISK_ITEMS)  # nothing checked yet
    for it in items[1:]:
        client.patch(f"/api/risk-checks/{it['id']}", json={"result": "pass"}, headers=hi)
    leak = items[0]
    body = {"result": "fail", "responsible": "总包", "deadline": "2030-01-01", "note": "屋面渗漏"}
    assert client.patch(f"/api/risk-checks/{leak['id']}", json=body, headers=hi).status_code == 200

    failing = risk_criterion()
    assert failing["passed"] is False and failing["value"] == 0
    assert [(b["kind"], b["risk_item_id"], b["status"]) for b in failing["blocking"]] == [("risk", leak["id"], "fail")]
    r = client.post(permits, json={}, headers=h)
    assert r.status_code == 409 and r.get_json()["code"] == "delivery_not_ready"
    assert [b["code"] for b in r.get_json()["params"]["blockers"]] == ["risk_checklist"]
    # A delivery round for the building cannot open without the permit either.
    delivery = {"kind": "delivery", "name": "集中交付", "started_on": "2030-02-01", "building_id": bid}
    r = client.post(f"/api/projects/{pid}/inspections", json=delivery, headers=h)
    assert r.status_code == 409 and r.get_json()["code"] == "delivery_permit_required"
    planned = {"kind": "delivery", "name": "集中交付·陪验", "planned_start": "2030-02-01", "planned_end": "2030-02-03",
               "building_id": bid}  # fmt: skip
    r = client.post(f"/api/projects/{pid}/calendar", json={"rounds": [planned]}, headers=h)
    round_url = f"/api/inspections/{r.get_json()[0]['id']}"
    r = client.patch(round_url, json={"status": "open"}, headers=h)  # opening it from the calendar: the same gate
    assert r.status_code == 409 and r.get_json()["code"] == "delivery_permit_required"

    assert client.patch(f"/api/risk-checks/{leak['id']}", json={"result": "pass"}, headers=hi).status_code == 200
    resolved = risk_criterion()
    assert resolved["passed"] is True and resolved["blocking"] == []
    r = client.post(permits, json={}, headers=h)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["override"] is False
    assert client.post(f"/api/projects/{pid}/inspections", json=delivery, headers=h).status_code == 201
    assert client.patch(round_url, json={"status": "open"}, headers=h).get_json()["status"] == "open"


def test_a_risk_item_not_applicable_to_the_building_does_not_block(client: Any, world: Any, headers: Any) -> None:
    pid = world.project.id
    other = f.BuildingFactory(project_id=pid)
    db.session.add(RiskItem(project_id=pid, building_id=other.id, code="X1", category="safety", title="t",
                            result="fail", responsible="r", deadline=date(2030, 1, 1), note=""))  # fmt: skip
    db.session.add(RiskItem(project_id=pid, code="X2", category="leaks", title="t", result="na", note=""))
    db.session.commit()
    url = f"/api/projects/{pid}/buildings/{{}}/delivery-readiness"
    h = headers(world.manager)
    mine = {c["code"]: c for c in client.get(url.format(world.unit.building_id), headers=h).get_json()["criteria"]}
    theirs = {c["code"]: c for c in client.get(url.format(other.id), headers=h).get_json()["criteria"]}
    assert mine["risk_checklist"]["passed"] is True
    assert theirs["risk_checklist"]["passed"] is False and theirs["risk_checklist"]["blocking_total"] == 1
