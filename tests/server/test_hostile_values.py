"""Hostile values anywhere in a request are a 4xx with a code, never a 500.

The routes and parameters come from the URL map and the OpenAPI document, so an endpoint added later is
covered without editing this file.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from domain.models import Membership
from server.extensions import db
from server.inputguard import json_depth_exceeds
from tests.factories import (
    BuildingFactory,
    ContractorFactory,
    DefectFactory,
    DefectTypeFactory,
    InspectionFactory,
    UnitFactory,
    UserFactory,
)

HUGE = 2**31
FILLERS = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001"}


@pytest.fixture
def admin(auth):
    unit = UnitFactory()
    user = UserFactory(role="admin")
    db.session.flush()
    db.session.add(Membership(user_id=user.id, project_id=unit.project_id))
    db.session.commit()
    return auth.headers(user)


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").get_json()


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, op, item.get("parameters", []) + op.get("parameters", [])


def _fill(path, params, override=None):
    def value(m):
        name = m.group(1)
        if override and name in override:
            return str(override[name])
        p = next(p for p in params if p["in"] == "path" and p["name"] == name)
        return "00000000-0000-0000-0000-000000000001" if p["schema"].get("format") == "uuid" else "1"

    return re.sub(r"\{(\w+)\}", value, path)


def _no_500(r, what):
    assert r.status_code < 500, f"{what} answered {r.status_code}: {r.get_data(as_text=True)[:300]}"
    if r.status_code >= 400:
        assert r.mimetype == "application/problem+json", what
        assert isinstance(r.get_json()["code"], str), what


@pytest.mark.parametrize("huge", [str(HUGE), str(10**30), "9" * 5000], ids=["2**31", "10**30", "5000 digits"])
def test_huge_route_ids_are_404_everywhere(app, client, admin, huge):
    checked = 0
    for rule in app.url_map.iter_rules():
        if not any(type(conv).__name__.endswith("IntegerConverter") for conv in rule._converters.values()):
            continue
        url = rule.rule
        for name, conv in rule._converters.items():
            filler = huge if type(conv).__name__.endswith("IntegerConverter") else FILLERS["uuid"]
            if type(conv).__name__ in ("UnicodeConverter", "PathConverter"):
                filler = "x"
            url = url.replace(f"<{name}>", filler)
            url = re.sub(rf"<[\w]+(?:\([^)]*\))?:{name}>", filler, url)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            r = client.open(url, method=method, headers=admin, json={})
            _no_500(r, f"{method} {url}")
            assert r.status_code == 404, f"{method} {url}: {r.status_code}"
            checked += 1
    assert checked >= 8


def test_every_integer_parameter_and_body_field_refuses_huge_values(client, admin, spec):
    checked = 0
    for path, method, op, params in _operations(spec):
        for p in params:
            schema = p.get("schema", {})
            if p["in"] == "query" and "integer" in (schema.get("type"), schema.get("items", {}).get("type")):
                url = _fill(path, params) + f"?{p['name']}={HUGE}"
                r = client.open(url, method=method.upper(), headers=admin)
                _no_500(r, f"{method} {url}")
                assert 400 <= r.status_code < 500, f"{method} {url} accepted {HUGE}"
                checked += 1
            if p["in"] == "query" and p["schema"].get("type") == "integer":
                assert "maximum" in p["schema"], f"{method} {path} ?{p['name']} has no upper bound"
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if body and "$ref" in body:
            body = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
        for name, prop in (body or {}).get("properties", {}).items():
            if prop.get("type") == "integer" and not prop.get("readOnly"):
                r = client.open(_fill(path, params), method=method.upper(), headers=admin, json={name: HUGE})
                _no_500(r, f"{method} {path} body {name}")
                assert 400 <= r.status_code < 500
                checked += 1
    assert checked >= 10


def test_deeply_nested_json_is_refused_on_every_json_endpoint(client, admin, spec):
    deep = "[" * 100_000 + "]" * 100_000
    checked = 0
    for path, method, op, params in _operations(spec):
        if "application/json" not in op.get("requestBody", {}).get("content", {}):
            continue
        r = client.open(
            _fill(path, params), method=method.upper(), headers=admin, data=deep, content_type="application/json"
        )
        _no_500(r, f"{method} {path}")
        assert r.status_code == 400 and r.get_json()["code"] == "json_too_deep", f"{method} {path}"
        checked += 1
    assert checked >= 8


def test_depth_counting_ignores_brackets_inside_strings():
    assert not json_depth_exceeds(b'{"a": "' + b"[" * 1000 + b'"}')
    assert not json_depth_exceeds(b'["\\"[[[[' + b"[" * 100 + b'"]')
    assert json_depth_exceeds(b"[" * 65 + b"]" * 65)
    assert not json_depth_exceeds(b"[" * 64 + b"]" * 64)


def test_unknown_filters_are_refused_with_the_supported_list(client, admin):
    for query in ("overdue_days=1", "severity_level=A", "typeid=3", "page=1&sort=due"):
        r = client.get(f"/api/defects?{query}", headers=admin)
        assert r.status_code == 400, query
        body = r.get_json()
        assert body["code"] == "unknown_filter"
        assert {"severity", "type_id", "status", "page"} <= set(body["params"]["supported"])


def test_defect_list_filters_work(client, auth):
    unit_a = UnitFactory()
    building_b = BuildingFactory(project_id=unit_a.project_id)
    unit_b = UnitFactory(building=building_b, project_id=unit_a.project_id)
    crack = DefectTypeFactory(category="安全")
    hollow = DefectTypeFactory()
    k = ContractorFactory()
    insp = InspectionFactory(project_id=unit_a.project_id, started_on=date(2026, 11, 1))
    ids = {
        "a_crack": DefectFactory(unit=unit_a, type_id=crack.id, severity="A", description="墙面裂缝 crack"),
        "a_hollow": DefectFactory(unit=unit_a, type_id=hollow.id, severity="B", contractor_id=k.id),
        "b_hollow": DefectFactory(unit=unit_b, type_id=hollow.id, severity="C", status="fixed", inspection_id=insp.id),
    }
    user = UserFactory(role="admin")
    db.session.commit()
    headers = auth.headers(user)
    ids = {name: str(d.id) for name, d in ids.items()}

    def names(query):
        r = client.get(f"/api/defects?{query}", headers=headers)
        assert r.status_code == 200, (query, r.get_json())
        got = {d["id"] for d in r.get_json()}
        return sorted(n for n, i in ids.items() if i in got)

    assert names("severity=A") == ["a_crack"]
    assert names("severity=A&severity=C") == ["a_crack", "b_hollow"]
    assert names(f"type_id={hollow.id}") == ["a_hollow", "b_hollow"]
    assert names("category=安全") == ["a_crack"]
    assert names(f"building_id={building_b.id}") == ["b_hollow"]
    assert names(f"unit_id={unit_a.id}") == ["a_crack", "a_hollow"]
    assert names(f"contractor_id={k.id}") == ["a_hollow"]
    assert names(f"inspection_id={insp.id}") == ["b_hollow"]
    assert names("status=fixed") == ["b_hollow"]
    assert names("q=CRACK") == ["a_crack"]
    assert names("q=100%") == []
    assert names(f"severity=B&unit_id={unit_a.id}") == ["a_hollow"]
    bad = client.get("/api/defects?severity=Z", headers=headers)
    assert bad.status_code == 422 and bad.get_json()["code"] == "invalid"
    assert "severity" in bad.get_json()["errors"]["query"]


def test_filters_never_widen_what_a_role_sees(client, auth):
    mine, theirs = UnitFactory(), UnitFactory()
    DefectFactory(unit=theirs, severity="A")
    owner = UserFactory(role="homeowner")
    db.session.flush()
    from domain.models import HomeownerUnit

    db.session.add(HomeownerUnit(user_id=owner.id, unit_id=mine.id))
    db.session.commit()
    headers = auth.headers(owner)
    for query in (
        f"unit_id={theirs.id}",
        f"project_id={theirs.project_id}",
        "severity=A",
        f"building_id={theirs.building_id}",
    ):
        assert client.get(f"/api/defects?{query}", headers=headers).get_json() == [], query
