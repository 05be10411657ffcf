"""A new password, a new role and deactivation end every session of the user; reactivating revives none."""

from __future__ import annotations

import pytest

from server.extensions import db
from tests.factories import PASSWORD, ContractorFactory, UserFactory


@pytest.fixture
def admin_headers(auth):
    admin = UserFactory(role="admin")
    db.session.commit()
    return auth.headers(admin)


def _sessions(auth, user, n=2):
    return [auth.headers(user) for _ in range(n)]


def _alive(client, headers):
    return client.get("/api/auth/me", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "change",
    [{"password": "a-new-password-1"}, {"role": "manager"}, {"active": False}],
    ids=["password reset", "role change", "deactivation"],
)
def test_admin_change_ends_every_session_of_the_user(client, auth, admin_headers, change):
    user = UserFactory(role="inspector")
    db.session.commit()
    tokens = _sessions(auth, user)
    assert all(_alive(client, h) for h in tokens)
    r = client.patch(f"/api/users/{user.id}", json=change, headers=admin_headers)
    assert r.status_code == 200, r.get_json()
    assert not any(_alive(client, h) for h in tokens)
    assert _alive(client, admin_headers), "the admin's own session is untouched"


def test_changing_name_or_phone_keeps_sessions(client, auth, admin_headers):
    user = UserFactory()
    db.session.commit()
    headers = auth.headers(user)
    assert client.patch(f"/api/users/{user.id}", json={"phone": "138"}, headers=admin_headers).status_code == 200
    assert _alive(client, headers)


def test_reactivating_does_not_revive_old_tokens(client, auth, admin_headers):
    user = UserFactory(username="wang")
    db.session.commit()
    old = auth.headers(user)
    assert client.patch(f"/api/users/{user.id}", json={"active": False}, headers=admin_headers).status_code == 200
    assert client.patch(f"/api/users/{user.id}", json={"active": True}, headers=admin_headers).status_code == 200
    assert not _alive(client, old)
    assert auth.login("wang", PASSWORD).status_code == 200, "logging in again works"


def test_role_change_to_crew_needs_a_contractor_and_ends_sessions(client, auth, admin_headers):
    user = UserFactory(role="inspector")
    contractor = ContractorFactory()
    db.session.commit()
    headers = auth.headers(user)
    r = client.patch(f"/api/users/{user.id}", json={"role": "crew"}, headers=admin_headers)
    assert r.status_code == 422 and r.get_json()["code"] == "crew_needs_contractor"
    assert _alive(client, headers), "a refused change ends nothing"
    r = client.patch(
        f"/api/users/{user.id}", json={"role": "crew", "contractor_id": contractor.id}, headers=admin_headers
    )
    assert r.status_code == 200 and r.get_json()["role"] == "crew"
    assert not _alive(client, headers)


def test_own_password_change_ends_other_sessions_and_keeps_this_device(client, auth):
    user = UserFactory(username="liu")
    db.session.commit()
    other_device, this_device = _sessions(auth, user)
    wrong = client.post(
        "/api/auth/password", json={"current_password": "nope", "new_password": "brand-new-pw-1"}, headers=this_device
    )
    assert wrong.status_code == 401 and wrong.get_json()["code"] == "login_failed"
    r = client.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": "brand-new-pw-1", "device": "tablet"},
        headers=this_device,
    )
    assert r.status_code == 200, r.get_json()
    assert not _alive(client, other_device)
    assert not _alive(client, this_device), "the old token of this device ends too"
    assert _alive(client, {"Authorization": f"Bearer {r.get_json()['token']}"})
    assert auth.login("liu", PASSWORD).status_code == 401
    assert auth.login("liu", "brand-new-pw-1").status_code == 200
