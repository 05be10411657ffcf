"""One error path: every error the API answers is problem+json with a stable, documented code."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest

from domain.errors import CODES
from server.extensions import db
from tests.factories import UnitFactory, UserFactory

SERVER = Path(__file__).resolve().parents[2] / "server"


def _problem(r, status, code):
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.mimetype == "application/problem+json"
    body = r.get_json()
    assert body["code"] == code
    assert body["type"] == f"/api/errors#{code}"
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.fixture
def admin(auth):
    user = UserFactory(role="admin")
    db.session.commit()
    return auth.headers(user)


def test_framework_refusals_have_generic_codes(client, admin):
    _problem(client.get("/api/no-such-thing", headers=admin), 404, "not_found")
    _problem(client.delete("/api/projects", headers=admin), 405, "method_not_allowed")
    _problem(client.get("/api/projects"), 401, "unauthorized")
    body = _problem(client.post("/api/projects", json={"code": "!"}, headers=admin), 422, "invalid")
    assert set(body["errors"]["json"]) == {"code", "name"}
    _problem(client.post("/api/auth/login", data="{not json", content_type="application/json"), 400, "bad_request")


def test_a_body_over_the_limit_is_413_with_a_code(app, client, admin):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    r = client.post("/api/projects", json={"code": "x" * 5000, "name": "n"}, headers=admin)
    _problem(r, 413, "payload_too_large")


def test_domain_refusals_have_specific_codes(client, admin):
    UserFactory(username="taken")
    db.session.commit()
    body = {"username": "taken", "display_name": "T", "role": "inspector", "password": "long-enough-1"}
    _problem(client.post("/api/users", json=body, headers=admin), 409, "username_taken")
    _problem(
        client.post("/api/users", json={**body, "username": "crew1", "role": "crew"}, headers=admin),
        422,
        "crew_needs_contractor",
    )
    _problem(client.post("/api/auth/login", json={"username": "taken", "password": "wrong-one"}), 401, "login_failed")
    join = {"code": "NOSUCHCODE", "username": "newbie", "password": "long-enough-1", "display_name": "N"}
    _problem(client.post("/api/auth/join", json=join), 404, "invitation_invalid")
    p = client.post("/api/projects", json={"code": "P1", "name": "一期"}, headers=admin)
    assert p.status_code == 201
    _problem(client.post("/api/projects", json={"code": "P1", "name": "二期"}, headers=admin), 409, "code_taken")


def test_unit_import_errors_have_codes_and_rows(client, admin):
    unit = UnitFactory()
    db.session.commit()
    url = f"/api/projects/{unit.project_id}/units/import"

    def send(content: bytes, name: str):
        return client.post(
            url, data={"file": (io.BytesIO(content), name)}, headers=admin, content_type="multipart/form-data"
        )

    _problem(send(b"\xff\xfe\x00garbage\x00", "x.csv"), 422, "unit_import_unreadable")
    body = _problem(send(b"building,floor,number\n1,abc,101\n", "u.csv"), 422, "unit_import_invalid")
    assert body["errors"]["rows"][0]["row"] == 2


def test_an_unexpected_error_is_internal_without_a_traceback(app, client, admin, monkeypatch):
    from server.projects import views

    def boom(*a, **k):
        raise RuntimeError("secret stack detail")

    monkeypatch.setattr(views.policy, "project_filter", boom)
    r = client.get("/api/projects", headers=admin)
    body = _problem(r, 500, "internal")
    assert "secret" not in r.get_data(as_text=True)
    assert body["detail"]


def test_openapi_lists_every_code_and_documents_problems(client):
    spec = client.get("/api/openapi.json").get_json()
    listed = {c["code"]: c["status"] for c in spec["x-error-codes"]}
    assert listed == {c.code: c.status for c in CODES.values()}
    default = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert "application/problem+json" in default
    assert "code" in spec["components"]["schemas"]["Problem"]["properties"]


def test_error_catalogue_page(client):
    rows = client.get("/api/errors").get_json()
    assert {r["code"] for r in rows} == set(CODES)
    html = client.get("/api/errors", headers={"Accept": "text/html"})
    assert html.mimetype == "text/html" and 'id="login_failed"' in html.get_data(as_text=True)


def _calls(tree: ast.AST, attr: str) -> list[int]:
    return [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == attr
    ]


OWN = ["accounts", "projects", "defects", "library", "errors.py", "http.py", "inputguard.py", "app.py", "query.py"]


@pytest.mark.parametrize("part", OWN)
def test_views_neither_commit_nor_abort_by_hand(part):
    """One unit of work commits (domain/transaction.py); errors are raised as DomainError, not aborted."""
    path = SERVER / part
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    for f in files:
        tree = ast.parse(f.read_text(encoding="utf-8"))
        assert _calls(tree, "commit") == [], f"{f} commits"
        aborts = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "abort"]
        assert aborts == [], f"{f} calls abort() at lines {aborts}"
