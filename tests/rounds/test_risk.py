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
