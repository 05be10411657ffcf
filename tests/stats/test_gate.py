"""The delivery gate: criteria per building with their blockers, permits only when every criterion passes
(or an admin's written override), a delivery round refused without one, and who may do what."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from server.extensions import db
from tests.stats.dataset import NOW, Data, at, build


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "STATS_NOW": NOW}


@pytest.fixture
def data(app: Any) -> Data:
    return build()


def url(data: Data, building: str = "b1", what: str = "delivery-readiness") -> str:
    return f"/api/projects/{data.ids['project']}/buildings/{data.ids[building]}/{what}"


def h(auth: Any, data: Data, who: str) -> dict[str, str]:
    return auth.headers(data.users[who])


def test_readiness_lists_each_criterion_with_its_blockers(client, auth, data):
    res = client.get(url(data), headers=h(auth, data, "manager"))
    assert res.status_code == 200, res.json
    body = res.json
    crit = {c["code"]: c for c in body["criteria"]}
    assert body["ready"] is False
    d4 = str(data.defects["d4"].id)
    assert (crit["open_leaks"]["value"], crit["open_leaks"]["passed"]) == (1, False)
    assert [b["id"] for b in crit["open_leaks"]["blocking"]] == [d4]
    assert (crit["handover_rectified"]["value"], crit["handover_rectified"]["target"]) == (0.0, 1.0)
    assert crit["pre_inspection_rectified"]["value"] == 1.0 and crit["pre_inspection_rectified"]["passed"]
    assert (crit["open_grade_a"]["value"], crit["open_grade_a"]["passed"]) == (1, False)
    assert crit["risk_checklist"]["skipped"] == "no_checklist" and crit["risk_checklist"]["passed"]
    # building 2: d7 is fixed but not re-checked, so its leak is still open
    crit2 = {c["code"]: c for c in client.get(url(data, "b2"), headers=h(auth, data, "manager")).json["criteria"]}
    assert [b["id"] for b in crit2["open_leaks"]["blocking"]] == [str(data.defects["d7"].id)]
    assert crit2["open_grade_a"]["passed"]


def test_permit_refused_until_the_blockers_close_then_delivery_may_start(client, auth, data):
    manager = h(auth, data, "manager")
    delivery = {"kind": "delivery", "name": "集中交付", "started_on": "2026-12-20", "building_id": data.ids["b1"]}
    inspections = f"/api/projects/{data.ids['project']}/inspections"
    res = client.post(inspections, json=delivery, headers=manager)
    assert res.status_code == 409 and res.json["code"] == "delivery_permit_required"
    blockers = res.json["params"]["buildings"][0]["blockers"]
    assert {b["code"] for b in blockers} == {"open_leaks", "handover_rectified", "open_grade_a"}

    res = client.post(url(data, what="delivery-permits"), json={}, headers=manager)
    assert res.status_code == 409 and res.json["code"] == "delivery_not_ready"

    d4 = data.defects["d4"]
    d4.status, d4.closed_at = "closed", at(29)
    db.session.commit()
    assert client.get(url(data), headers=manager).json["ready"] is True
    res = client.post(url(data, what="delivery-permits"), json={}, headers=manager)
    assert res.status_code == 201, res.json
    assert res.json["override"] is False
    assert client.post(inspections, json=delivery, headers=manager).status_code == 201
    # a delivery round for the whole project still needs building 2's permit
    whole = {**delivery, "building_id": None}
    res = client.post(inspections, json=whole, headers=manager)
    assert res.status_code == 409
    assert [b["building_id"] for b in res.json["params"]["buildings"]] == [data.ids["b2"]]


def test_override_needs_an_admin_and_a_written_reason_shown_on_the_permit(client, auth, data):
    reason = "业主集体要求按期交付，渗漏已临时封堵，承诺三日内完成整改"
    res = client.post(
        url(data, what="delivery-permits"), json={"override_reason": reason}, headers=h(auth, data, "manager")
    )
    assert res.status_code == 403 and res.json["code"] == "delivery_override_forbidden"
    admin = h(auth, data, "admin")
    for bad in ("太短", "x" * 1001, 12345):
        res = client.post(url(data, what="delivery-permits"), json={"override_reason": bad}, headers=admin)
        assert res.status_code == 422 and res.json["code"] == "delivery_permit_request_invalid"
    res = client.post(url(data, what="delivery-permits"), json={"override_reason": reason, "x": 1}, headers=admin)
    assert res.status_code == 422
    res = client.post(url(data, what="delivery-permits"), json={"override_reason": reason}, headers=admin)
    assert res.status_code == 201 and res.json["override"] is True
    pdf = client.get(f"/api/delivery-permits/{res.json['id']}/pdf", headers=h(auth, data, "manager"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "交付许可令" in text and "1栋" in text and "特批交付" in text
    assert reason[:10] in text.replace("\n", "")
    listed = client.get(url(data, what="delivery-permits"), headers=admin).json
    assert [p["override_reason"] for p in listed] == [reason]


def test_criteria_are_configurable_per_project(client, auth, data):
    path = f"/api/projects/{data.ids['project']}/delivery-criteria"
    manager = h(auth, data, "manager")
    res = client.put(path, json={"open_grade_a": {"enabled": False}, "open_leaks": {"target": 1}}, headers=manager)
    assert res.status_code == 200, res.json
    body = client.get(url(data), headers=manager).json
    assert "open_grade_a" not in {c["code"] for c in body["criteria"]}
    assert {c["code"]: c for c in body["criteria"]}["open_leaks"]["passed"] is True
    for bad in (
        {"colour": {}},
        {"open_leaks": {"target": -1}},
        {"handover_rectified": {"target": 2}},
        {"open_leaks": {"enabled": "yes"}},
        [1, 2],
        {"open_leaks": {"target": True}},
    ):
        res = client.put(path, json=bad, headers=manager)
        assert res.status_code == 422 and res.json["code"] == "delivery_criteria_invalid", bad


def test_who_may_see_and_issue(client, auth, data):
    paths = [
        url(data),
        url(data, what="delivery-permits"),
        f"/api/projects/{data.ids['project']}/delivery-criteria",
        f"/api/projects/{data.ids['project']}/delivery-readiness",
    ]
    for path in paths:
        for who in ("inspector", "crew1", "owner"):
            assert client.get(path, headers=h(auth, data, who)).status_code == 403, (who, path)
        assert client.get(path, headers=h(auth, data, "outsider")).status_code == 404, path
        assert client.get(path, headers=h(auth, data, "admin")).status_code == 200, path
    for who in ("inspector", "crew1", "owner"):
        assert client.post(url(data, what="delivery-permits"), json={}, headers=h(auth, data, who)).status_code == 403
    assert (
        client.post(url(data, what="delivery-permits"), json={}, headers=h(auth, data, "outsider")).status_code == 404
    )
    # a building of another project, named under this one
    from tests.factories import BuildingFactory

    foreign = BuildingFactory(project_id=data.ids["other"])
    db.session.commit()
    res = client.get(
        f"/api/projects/{data.ids['project']}/buildings/{foreign.id}/delivery-readiness",
        headers=h(auth, data, "manager"),
    )
    assert res.status_code == 404
    # the permit PDF: only managers of its project
    d4 = data.defects["d4"]
    d4.status, d4.closed_at = "closed", at(29)
    db.session.commit()
    permit = client.post(url(data, what="delivery-permits"), json={}, headers=h(auth, data, "manager")).json
    for who, status in (("crew1", 403), ("owner", 403), ("outsider", 404), ("inspector", 403)):
        assert client.get(f"/api/delivery-permits/{permit['id']}/pdf", headers=h(auth, data, who)).status_code == status


def test_ids_beyond_the_database_integer_are_not_found(client, auth, data):
    big = 2**40
    admin = h(auth, data, "admin")
    for path in (
        f"/api/projects/{big}/stats",
        f"/api/projects/{big}/stats/scorecard",
        f"/api/projects/{big}/delivery-readiness",
        f"/api/projects/{data.ids['project']}/buildings/{big}/delivery-readiness",
        f"/api/units/{big}/report.pdf",
        f"/api/projects/{big}/notices?contractor_id=1",
    ):
        res = client.get(path, headers=admin)
        assert res.status_code == 404, path
