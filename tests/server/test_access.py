"""The access matrix: every role against every endpoint, including attempts to cross the lines.

A homeowner sees only their unit; a crew only its contractor's defects; staff only their projects.
Out-of-scope reads answer 404 so that ids of other people's data cannot be probed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from domain.models import HomeownerUnit, Membership
from server.extensions import db
from tests.factories import (
    BuildingFactory,
    ContractorFactory,
    DefectFactory,
    DefectTypeFactory,
    InspectionFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

ROLES = ["anon", "admin", "manager", "inspector", "other_inspector", "crew1", "crew2", "owner_a", "owner_b"]


@dataclass
class World:
    ids: dict[str, Any]
    headers: dict[str, dict[str, str]]

    def path(self, template: str) -> str:
        return template.format(**self.ids)


@pytest.fixture
def world(app, auth) -> World:
    p1, p2 = ProjectFactory(delivery_date=date(2026, 12, 20)), ProjectFactory()
    b1, b2 = BuildingFactory(project_id=p1.id), BuildingFactory(project_id=p2.id)
    unit_a, unit_b = UnitFactory(building=b1), UnitFactory(building=b1)
    unit_c = UnitFactory(building=b2)
    k1, k2 = ContractorFactory(), ContractorFactory()
    dtype = DefectTypeFactory()
    pre = InspectionFactory(project_id=p1.id, kind="pre_inspection")
    internal = InspectionFactory(project_id=p1.id, kind="internal")
    d_a = DefectFactory(unit=unit_a, contractor_id=k1.id, type_id=dtype.id, inspection_id=pre.id)
    d_a_internal = DefectFactory(unit=unit_a, contractor_id=k2.id, type_id=dtype.id, inspection_id=internal.id)
    d_b = DefectFactory(unit=unit_b, contractor_id=k2.id, type_id=dtype.id, inspection_id=pre.id)
    d_c = DefectFactory(unit=unit_c, contractor_id=k1.id, type_id=dtype.id)
    users = {
        "admin": UserFactory(role="admin"),
        "manager": UserFactory(role="manager"),
        "inspector": UserFactory(role="inspector"),
        "other_inspector": UserFactory(role="inspector"),
        "crew1": UserFactory(role="crew", contractor_id=k1.id),
        "crew2": UserFactory(role="crew", contractor_id=k2.id),
        "owner_a": UserFactory(role="homeowner"),
        "owner_b": UserFactory(role="homeowner"),
    }
    db.session.flush()
    db.session.add_all(
        [
            Membership(user_id=users["manager"].id, project_id=p1.id),
            Membership(user_id=users["inspector"].id, project_id=p1.id),
            Membership(user_id=users["other_inspector"].id, project_id=p2.id),
            HomeownerUnit(user_id=users["owner_a"].id, unit_id=unit_a.id),
            HomeownerUnit(user_id=users["owner_b"].id, unit_id=unit_b.id),
        ]
    )
    db.session.commit()
    ids = dict(
        p1=p1.id,
        p2=p2.id,
        unit_a=unit_a.id,
        unit_b=unit_b.id,
        unit_c=unit_c.id,
        d_a=d_a.id,
        d_a_internal=d_a_internal.id,
        d_b=d_b.id,
        d_c=d_c.id,
        k1=k1.id,
        area=dtype.area_id,
    )
    headers = {name: auth.headers(user) for name, user in users.items()}
    headers["anon"] = {}
    return World(ids, headers)


# (method, path, body, {role: expected status}); roles not named expect `default`.
OK, CREATED, NOAUTH, FORBID, HIDDEN = 200, 201, 401, 403, 404
# Project set-up: the project's managers and admins; other members are refused, outsiders see nothing.
SETUP_BY_MANAGERS = {
    "admin": 201,
    "manager": 201,
    "inspector": 403,
    "crew1": 403,
    "crew2": 403,
    "owner_a": 403,
    "owner_b": 403,
}
MATRIX: list[tuple[str, str, Any, dict[str, int], int]] = [
    (
        "GET",
        "/api/projects/{p1}",
        None,
        {"admin": OK, "manager": OK, "inspector": OK, "crew1": OK, "crew2": OK, "owner_a": OK, "owner_b": OK},
        HIDDEN,
    ),
    ("GET", "/api/projects/{p2}", None, {"admin": OK, "other_inspector": OK, "crew1": OK}, HIDDEN),
    ("GET", "/api/projects/{p1}/buildings", None, {"other_inspector": HIDDEN}, OK),
    ("GET", "/api/projects/{p1}/plan-types", None, {"other_inspector": HIDDEN}, OK),
    ("GET", "/api/projects/{p1}/units", None, {"other_inspector": HIDDEN}, OK),
    ("GET", "/api/projects/{p1}/inspections", None, {"other_inspector": HIDDEN}, OK),
    (
        "GET",
        "/api/units/{unit_a}",
        None,
        {"admin": OK, "manager": OK, "inspector": OK, "crew1": OK, "crew2": OK, "owner_a": OK},
        HIDDEN,
    ),
    (
        "GET",
        "/api/units/{unit_b}",
        None,
        {"admin": OK, "manager": OK, "inspector": OK, "crew2": OK, "owner_b": OK},
        HIDDEN,
    ),
    ("GET", "/api/units/{unit_c}", None, {"admin": OK, "other_inspector": OK, "crew1": OK}, HIDDEN),
    (
        "GET",
        "/api/defects/{d_a}",
        None,
        {"admin": OK, "manager": OK, "inspector": OK, "crew1": OK, "owner_a": OK},
        HIDDEN,
    ),
    # Internal findings are not shown to the homeowner, even on their own unit.
    ("GET", "/api/defects/{d_a_internal}", None, {"admin": OK, "manager": OK, "inspector": OK, "crew2": OK}, HIDDEN),
    (
        "GET",
        "/api/defects/{d_b}",
        None,
        {"admin": OK, "manager": OK, "inspector": OK, "crew2": OK, "owner_b": OK},
        HIDDEN,
    ),
    ("GET", "/api/defects/{d_c}", None, {"admin": OK, "other_inspector": OK, "crew1": OK}, HIDDEN),
    ("GET", "/api/contractors", None, {"owner_a": FORBID, "owner_b": FORBID}, OK),
    ("GET", "/api/defect-library", None, {}, OK),
    ("GET", "/api/auth/me", None, {}, OK),
    ("GET", "/api/users", None, {"admin": OK}, FORBID),
    (
        "POST",
        "/api/users",
        {"username": "newbie", "display_name": "新人", "role": "inspector", "password": "long-enough-1"},
        {"admin": CREATED},
        FORBID,
    ),
    ("POST", "/api/projects", {"code": "NEW1", "name": "新项目"}, {"admin": CREATED}, FORBID),
    (
        "POST",
        "/api/projects/{p1}/buildings",
        {"code": "9", "name": "9栋"},
        SETUP_BY_MANAGERS,
        HIDDEN,
    ),
    (
        "POST",
        "/api/projects/{p1}/plan-types",
        {"code": "Z", "name": "Z户型"},
        SETUP_BY_MANAGERS,
        HIDDEN,
    ),
    (
        "POST",
        "/api/projects/{p1}/inspections",
        {"kind": "pre_inspection", "name": "复验", "started_on": "2026-11-20"},
        {
            "admin": CREATED,
            "manager": CREATED,
            "inspector": CREATED,
            "crew1": FORBID,
            "crew2": FORBID,
            "owner_a": FORBID,
            "owner_b": FORBID,
        },
        HIDDEN,
    ),
    ("POST", "/api/units/{unit_a}/invitations", {}, {"admin": CREATED, "manager": CREATED}, FORBID),
    (
        "POST",
        "/api/units/{unit_c}/invitations",
        {},
        {"admin": CREATED, "other_inspector": FORBID, "manager": HIDDEN},
        FORBID,
    ),
    ("POST", "/api/contractors", {"name": "新承建商", "trade": "土建"}, {"admin": CREATED}, FORBID),
    (
        "POST",
        "/api/defect-types",
        {"area_id": "{area}", "code": "x.new", "name_zh": "新类型", "name_en": "New", "trade": "土建"},
        {"admin": CREATED},
        FORBID,
    ),
]


def _cases() -> list[Any]:
    cases = []
    for method, path, body, expected, default in MATRIX:
        for role in ROLES:
            status = NOAUTH if role == "anon" else expected.get(role, default)
            cases.append(pytest.param(method, path, body, role, status, id=f"{method} {path} as {role}"))
    return cases


def _fill(body: Any, world: World) -> Any:
    if body is None:
        return None
    return {k: (int(world.path(v)) if isinstance(v, str) and v.startswith("{") else v) for k, v in body.items()}


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), _cases())
def test_access_matrix(client, world, method, path, body, role, status):
    r = client.open(world.path(path), method=method, json=_fill(body, world), headers=world.headers[role])
    assert r.status_code == status, r.get_json()
    if status >= 400:
        assert r.get_json()["message"], "every refusal says why"
        text = r.get_data(as_text=True)
        assert "description" not in text or status != 404  # a 404 never leaks the record


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("admin", {"d_a", "d_a_internal", "d_b", "d_c"}),
        ("manager", {"d_a", "d_a_internal", "d_b"}),
        ("inspector", {"d_a", "d_a_internal", "d_b"}),
        ("other_inspector", {"d_c"}),
        ("crew1", {"d_a", "d_c"}),
        ("crew2", {"d_a_internal", "d_b"}),
        ("owner_a", {"d_a"}),
        ("owner_b", {"d_b"}),
    ],
)
def test_defect_list_is_scoped(client, world, role, visible):
    r = client.get("/api/defects", headers=world.headers[role])
    assert r.status_code == 200
    got = {item["id"] for item in r.get_json()}
    assert got == {str(world.ids[name]) for name in visible}
    assert r.headers["X-Total-Count"] == str(len(visible))


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("admin", {"p1", "p2"}),
        ("manager", {"p1"}),
        ("other_inspector", {"p2"}),
        ("crew1", {"p1", "p2"}),
        ("crew2", {"p1"}),
        ("owner_a", {"p1"}),
    ],
)
def test_project_list_is_scoped(client, world, role, visible):
    r = client.get("/api/projects", headers=world.headers[role])
    assert r.status_code == 200, r.get_json()
    assert {p["id"] for p in r.get_json()} == {world.ids[n] for n in visible}
    if "p1" in visible:
        assert next(p for p in r.get_json() if p["id"] == world.ids["p1"])["delivery_date"] == "2026-12-20"


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("owner_a", {"unit_a"}),
        ("owner_b", {"unit_b"}),
        ("crew1", {"unit_a"}),
        ("crew2", {"unit_a", "unit_b"}),
        ("inspector", {"unit_a", "unit_b"}),
    ],
)
def test_unit_list_is_scoped(client, world, role, visible):
    r = client.get(world.path("/api/projects/{p1}/units"), headers=world.headers[role])
    assert {u["id"] for u in r.get_json()} == {world.ids[n] for n in visible}


def test_homeowner_cannot_filter_their_way_into_another_unit(client, world):
    r = client.get(world.path("/api/defects?unit_id={unit_b}"), headers=world.headers["owner_a"])
    assert r.status_code == 200
    assert r.get_json() == []


def test_crew_cannot_filter_to_another_contractor(client, world):
    r = client.get(f"/api/defects?contractor_id={world.ids['k1']}", headers=world.headers["crew2"])
    assert r.get_json() == []


PUBLIC = {
    "/healthz",
    "/readyz",
    "/api/openapi.json",
    "/api/docs",
    "/api/errors",
    "/api/auth/login",
    "/api/auth/join",
    "/static",
}


def test_every_other_route_needs_a_login(app, client):
    """A new endpoint that forgets to require a login fails here, whoever adds it."""
    checked = 0
    for rule in app.url_map.iter_rules():
        path = rule.rule
        if any(path == p or path.startswith(p + "/") for p in PUBLIC) or not path.startswith("/api/"):
            continue
        if path.startswith("/api/docs/assets") or "signed" in rule.endpoint:
            continue
        url = re.sub(
            r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>",
            lambda m: {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001"}.get(m.group(1) or "", "x"),
            path,
        )
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            r = client.open(url, method=method)
            assert r.status_code == 401, f"{method} {path} answered {r.status_code} without a login"
            checked += 1
    assert checked >= 20


def test_manager_sets_the_plan_image_of_a_plan_type(client, world):
    import hashlib
    import io

    from PIL import Image

    from tests.factories import PlanTypeFactory

    plan = PlanTypeFactory(project_id=world.ids["p1"])
    db.session.commit()
    buf = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buf, "PNG")
    data = buf.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    manager = world.headers["manager"]
    missing = client.patch(f"/api/plan-types/{plan.id}", json={"plan_sha256": sha}, headers=manager)
    assert missing.status_code == 422
    put = client.put(f"/api/photos/{sha}", data=data, headers={**manager, "Content-Type": "image/png"})
    assert put.status_code in (200, 201), put.get_json()
    r = client.patch(f"/api/plan-types/{plan.id}", json={"plan_sha256": sha, "name": "A户型"}, headers=manager)
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["plan_width"], r.get_json()["plan_height"]) == (400, 300)
    # Everyone who sees the project may now load the plan image; others may not.
    from media import jobs
    from server.photos import media

    jobs.work_one(db.session, media().storage, media().settings)  # the image worker makes the thumbnail
    with client.get(f"/api/photos/{sha}?size=thumb", headers=world.headers["owner_a"]) as seen:
        assert seen.status_code == 200
    with client.get(f"/api/photos/{sha}?size=thumb", headers=world.headers["other_inspector"]) as hidden:
        assert hidden.status_code == 404
    for role in ("inspector", "crew1", "owner_a"):
        refused = client.patch(f"/api/plan-types/{plan.id}", json={"name": "x"}, headers=world.headers[role])
        assert refused.status_code == 403
    assert (
        client.patch(
            f"/api/plan-types/{plan.id}", json={"name": "x"}, headers=world.headers["other_inspector"]
        ).status_code
        == 404
    )
