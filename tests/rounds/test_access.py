"""Every rounds endpoint against a homeowner, another contractor's crew and another project's inspector:
out of scope is 404, a visible thing their role may not change is 403, never a 2xx."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from domain.models import RiskItem
from server.extensions import db
from tests import factories as f

ENDPOINTS = [
    ("POST", "/api/projects/{pid}/calendar/propose", {"delivery_date": "2027-06-30"}),
    ("POST", "/api/projects/{pid}/calendar",
     {"rounds": [{"kind": "handover", "name": "x", "planned_start": "2027-01-01", "planned_end": "2027-01-02"}]}),
    ("GET", "/api/projects/{pid}/calendar/people", None),
    ("GET", "/api/projects/{pid}/rounds", None),
    ("GET", "/api/inspections/{internal}", None),
    ("PATCH", "/api/inspections/{rid}", {"status": "closed"}),
    ("GET", "/api/projects/{pid}/checklist", None),
    ("POST", "/api/projects/{pid}/checklist/items",
     {"code": "x1", "area_code": "surface", "room_kind": "all", "name_zh": "x", "type_code": "surface.crack"}),
    ("PATCH", "/api/projects/{pid}/checklist/items/1", {"tol_max": 3}),
    ("GET", "/api/inspections/{rid}/progress", None),
    ("GET", "/api/inspections/{rid}/results", None),
    ("GET", "/api/projects/{pid}/risk-checks", None),
    ("POST", "/api/projects/{pid}/risk-checks", {"code": "Z9", "category": "leaks", "title": "t"}),
    ("POST", "/api/projects/{pid}/risk-checks/seed", None),
    ("PATCH", "/api/risk-checks/{risk}", {"result": "pass"}),
    ("GET", "/api/projects/{pid}/risk-status", None),
    ("GET", "/api/projects/{pid}/duplicates", None),
    ("POST", "/api/defects/{d2}/merge", {"into": "{d1}"}),
    ("POST", "/api/defects/{d2}/not-duplicate", {"into": "{d1}"}),
]  # fmt: skip


@pytest.mark.parametrize("who", ["owner", "crew2", "outsider", "anon"])
def test_outsiders_are_refused_everywhere(client: Any, checklist_world: Any, headers: Any, who: str) -> None:
    w = checklist_world
    internal = f.InspectionFactory(project_id=w.project.id, kind="internal")
    d1 = f.DefectFactory(unit=w.unit, type_id=w.dtype.id, inspection_id=w.inspection.id)
    d2 = f.DefectFactory(unit=w.unit, type_id=w.dtype.id, inspection_id=w.inspection.id)
    risk = RiskItem(project_id=w.project.id, code="R1", category="leaks", title="t", result="pending", note="")
    db.session.add(risk)
    db.session.commit()
    ids = {"pid": w.project.id, "rid": w.inspection.id, "internal": internal.id, "risk": risk.id,
           "d1": d1.id, "d2": d2.id}  # fmt: skip
    h = {} if who == "anon" else headers(getattr(w, who))
    for method, path, body in ENDPOINTS:
        url = path.format(**ids)
        if body is not None:
            body = {k: (v.format(**ids) if isinstance(v, str) else v) for k, v in body.items()}
        r = client.open(url, method=method, json=body, headers=h)
        if who == "owner" and path.endswith("/rounds"):  # their customer-facing rounds, nothing internal
            assert r.status_code == 200 and {x["kind"] for x in r.get_json()} == {"pre_inspection"}
            continue
        expected = {401} if who == "anon" else {403, 404}
        assert r.status_code in expected, (method, url, r.status_code)
        if who in ("crew2", "outsider"):  # nothing of this project is theirs to see
            assert r.status_code == 404, (method, url, r.status_code)
    assert client.get(f"/api/inspections/{uuid.uuid4()}", headers=headers(w.manager)).status_code == 404
