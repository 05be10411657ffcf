"""Login, tokens (revoked, expired), throttling, and homeowner sign-up by invitation code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.models import ApiToken, HomeownerUnit, Invitation, User, utcnow
from server.accounts import service, throttle
from server.extensions import db
from tests.factories import PASSWORD, UnitFactory, UserFactory


def test_login_returns_token_that_works(client, auth):
    UserFactory(username="zhang", role="inspector")
    db.session.commit()
    r = auth.login("zhang", PASSWORD)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["user"]["username"] == "zhang"
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json()["role"] == "inspector"


def test_username_is_case_insensitive(auth):
    UserFactory(username="zhang")
    db.session.commit()
    assert auth.login("ZHANG", PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [("zhang", "wrong-password"), ("nobody", PASSWORD), ("zhang", "")],
)
def test_wrong_credentials_are_refused_with_a_message(auth, username, password):
    UserFactory(username="zhang")
    db.session.commit()
    r = auth.login(username, password)
    assert r.status_code in (401, 422)
    assert r.get_json()["message"]
    assert "token" not in r.get_json()


def test_inactive_user_cannot_log_in(auth):
    UserFactory(username="gone", active=False)
    db.session.commit()
    r = auth.login("gone", PASSWORD)
    assert r.status_code == 403
    assert r.get_json()["code"] == "account_inactive"
    assert auth.login("gone", "wrong-password").get_json()["code"] == "login_failed"


def test_logout_revokes_the_token(client, auth):
    user = UserFactory()
    db.session.commit()
    headers = auth.headers(user)
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    r = client.get("/api/auth/me", headers=headers)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_expired_token_is_refused(client, auth):
    user = UserFactory()
    db.session.commit()
    headers = auth.headers(user)
    for row in db.session.scalars(select(ApiToken)):
        row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/auth/me", headers=headers).status_code == 401


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer not-a-token", "Basic abc", "bearer " + "x" * 5000])
def test_malformed_authorization_is_401(client, header):
    assert client.get("/api/auth/me", headers={"Authorization": header}).status_code == 401


def test_token_ttl_lasts_a_week_offline(client, app):
    UserFactory(username="li")
    db.session.commit()
    body = client.post("/api/auth/login", json={"username": "li", "password": PASSWORD}).get_json()
    token = db.session.scalar(select(ApiToken))
    assert token is not None
    assert token.expires_at - utcnow() > timedelta(days=7)
    assert body["expires_at"]


def test_repeated_failures_are_slowed_down(client, app):
    app.config["LOGIN_MAX_FAILURES"] = 3
    UserFactory(username="zhang")
    db.session.commit()
    for _ in range(3):
        assert client.post("/api/auth/login", json={"username": "zhang", "password": "bad"}).status_code == 401
    r = client.post("/api/auth/login", json={"username": "zhang", "password": PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    # Another user is not affected.
    UserFactory(username="li")
    db.session.commit()
    assert client.post("/api/auth/login", json={"username": "li", "password": PASSWORD}).status_code == 200


def test_throttle_lifts_after_the_window(app):
    rules = throttle.login_rules("zhang", "10.0.0.1", per_pair=5, per_address=30, per_account=100)
    start = utcnow()
    waits = [throttle.hit(db.session, rules, window=900, now=start) for _ in range(6)]
    assert waits[:5] == [0] * 5 and 890 < waits[5] <= 901
    assert throttle.hit(db.session, rules, window=900, now=start + timedelta(seconds=899)) > 0
    assert throttle.hit(db.session, rules, window=900, now=start + timedelta(seconds=901)) == 0


def _invite(unit_id: int, **kw) -> str:
    inv = service.create_invitation(db.session, unit_id, **kw)
    db.session.commit()
    return inv.code


def test_homeowner_joins_with_invitation_and_sees_only_that_unit(client):
    unit, other = UnitFactory(), UnitFactory()
    db.session.commit()
    code = _invite(unit.id)
    r = client.post(
        "/api/auth/join",
        json={"code": code.lower(), "username": "chen", "password": "long-enough-1", "display_name": "陈先生"},
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert [u["id"] for u in body["user"]["units"]] == [unit.id]
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert client.get(f"/api/units/{unit.id}", headers=headers).status_code == 200
    assert client.get(f"/api/units/{other.id}", headers=headers).status_code == 404


def test_invitation_cannot_be_reused(client):
    unit = UnitFactory()
    db.session.commit()
    code = _invite(unit.id)
    first = client.post(
        "/api/auth/join", json={"code": code, "username": "aa1", "password": "long-enough-1", "display_name": "A"}
    )
    assert first.status_code == 200
    again = client.post(
        "/api/auth/join", json={"code": code, "username": "aa2", "password": "long-enough-1", "display_name": "B"}
    )
    assert again.status_code == 409
    assert again.get_json()["code"] == "invitation_used"
    assert db.session.scalar(select(User).where(User.username == "aa2")) is None  # nothing half-written


def test_invitation_for_another_unit_binds_only_that_unit(client, auth):
    mine, theirs = UnitFactory(), UnitFactory()
    owner = UserFactory(role="homeowner")
    db.session.flush()
    db.session.add(HomeownerUnit(user_id=owner.id, unit_id=mine.id))
    db.session.commit()
    code = _invite(theirs.id)
    headers = auth.headers(owner)
    # A logged-in owner redeeming a second unit's code gains exactly that unit.
    r = client.post("/api/auth/join", json={"code": code}, headers=headers)
    assert r.status_code == 200
    assert sorted(u["id"] for u in r.get_json()["user"]["units"]) == sorted([mine.id, theirs.id])


@pytest.mark.parametrize("code", ["NOSUCHCODE", "0000", "ABCD-EFGH-JK"])
def test_unknown_invitation_code(client, code):
    r = client.post(
        "/api/auth/join", json={"code": code, "username": "x1y", "password": "long-enough-1", "display_name": "X"}
    )
    assert r.status_code == 404
    assert r.get_json()["code"] == "invitation_invalid"
    assert db.session.scalar(select(User).where(User.username == "x1y")) is None


def test_expired_invitation(client):
    unit = UnitFactory()
    db.session.commit()
    code = _invite(unit.id, valid_days=1)
    inv = db.session.scalar(select(Invitation).where(Invitation.code == code))
    assert inv is not None
    inv.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    r = client.post(
        "/api/auth/join", json={"code": code, "username": "late", "password": "long-enough-1", "display_name": "L"}
    )
    assert r.status_code == 410
    assert r.get_json()["code"] == "invitation_expired"


def test_staff_cannot_redeem_homeowner_codes(client, auth):
    unit = UnitFactory()
    staff = UserFactory(role="inspector")
    db.session.commit()
    code = _invite(unit.id)
    r = client.post("/api/auth/join", json={"code": code}, headers=auth.headers(staff))
    assert r.status_code == 403
    assert db.session.scalar(select(Invitation.used_at).where(Invitation.code == code)) is None


def test_join_requires_account_fields_for_new_users(client):
    unit = UnitFactory()
    db.session.commit()
    code = _invite(unit.id)
    r = client.post("/api/auth/join", json={"code": code})
    assert r.status_code == 422
    assert "username" in r.get_json()["errors"]["json"]


def test_manager_issues_invitation_with_qr_code(client, auth):
    from domain.models import Membership

    unit = UnitFactory()
    manager = UserFactory(role="manager")
    db.session.flush()
    db.session.add(Membership(user_id=manager.id, project_id=unit.project_id))
    db.session.commit()
    r = client.post(f"/api/units/{unit.id}/invitations", json={}, headers=auth.headers(manager))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert len(body["code"]) == 10
    assert body["qr_svg"].lstrip().startswith("<")
    assert "svg" in body["qr_svg"][:200]
