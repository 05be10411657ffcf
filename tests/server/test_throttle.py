"""Login and invitation guessing is throttled per account at an address and per address, atomically."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import create_engine, delete
from sqlalchemy.orm import Session

from domain.models import LoginAttempt
from server.accounts import throttle
from server.extensions import db
from tests.factories import PASSWORD, UnitFactory, UserFactory


def _login(client, username, password, addr):
    return client.post(
        "/api/auth/login", json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": addr}
    )


def test_guesses_from_one_address_stop_at_the_limit_but_the_real_user_elsewhere_gets_in(client, app):
    app.config["LOGIN_MAX_FAILURES"] = 5
    UserFactory(username="zhang")
    db.session.commit()
    answers = [_login(client, "zhang", f"guess-{i}", "203.0.113.9").status_code for i in range(8)]
    assert answers == [401] * 5 + [429] * 3
    blocked = _login(client, "zhang", PASSWORD, "203.0.113.9")
    assert blocked.status_code == 429, "the right password is not even checked from the guessing address"
    assert blocked.get_json()["code"] == "rate_limited" and int(blocked.headers["Retry-After"]) > 0
    assert _login(client, "zhang", PASSWORD, "198.51.100.7").status_code == 200


def test_a_password_spray_across_accounts_is_slowed_per_address(client, app):
    app.config["LOGIN_MAX_PER_ADDRESS"] = 6
    users = [UserFactory().username for _ in range(8)]
    db.session.commit()
    answers = [_login(client, name, "Spring2026!", "203.0.113.50").status_code for name in users]
    assert answers == [401] * 6 + [429] * 2
    assert _login(client, users[7], PASSWORD, "192.0.2.1").status_code == 200


def test_a_successful_login_clears_that_address_failures(client, app):
    app.config["LOGIN_MAX_FAILURES"] = 3
    UserFactory(username="li")
    db.session.commit()
    for _ in range(2):
        assert _login(client, "li", "typo", "10.1.1.1").status_code == 401
    assert _login(client, "li", PASSWORD, "10.1.1.1").status_code == 200
    assert [_login(client, "li", "typo", "10.1.1.1").status_code for _ in range(3)] == [401] * 3


def test_invitation_guessing_is_throttled_per_address(client, app):
    app.config["LOGIN_MAX_PER_ADDRESS"] = 4
    unit = UnitFactory()
    db.session.commit()
    from server.accounts import service

    real = service.create_invitation(db.session, unit.id).code
    db.session.commit()

    def join(code, addr, username):
        body = {"code": code, "username": username, "password": "long-enough-1", "display_name": "X"}
        return client.post("/api/auth/join", json=body, environ_base={"REMOTE_ADDR": addr})

    answers = [join(f"WRONG{i:05d}", "203.0.113.77", f"guess{i}").status_code for i in range(6)]
    assert answers == [404] * 4 + [429] * 2
    assert join(real, "203.0.113.77", "owner1").status_code == 429
    assert join(real, "198.51.100.1", "owner1").status_code == 200


def test_concurrent_guesses_cannot_pass_the_limit(database_url, app):
    """40 threads, each its own connection, count attempts on one key at once: exactly `limit` pass."""
    engine = create_engine(database_url, pool_size=20, max_overflow=30)
    key = f"test-{uuid.uuid4()}"
    rules = [throttle.Rule(f"pair:{key}", 5), throttle.Rule(f"addr:{key}", 30)]
    barrier = threading.Barrier(40 if database_url.startswith("postgresql") else 8)
    allowed: list[bool] = []
    lock = threading.Lock()

    def guess() -> None:
        with Session(engine) as session:
            barrier.wait()
            wait = throttle.hit(session, rules, window=900)
            with lock:
                allowed.append(wait == 0)

    threads = [threading.Thread(target=guess) for _ in range(barrier.parties)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert len(allowed) == barrier.parties
        assert sum(allowed) == 5
        with Session(engine) as session:
            counts = {r.key: r.count for r in session.query(LoginAttempt).filter(LoginAttempt.key.contains(key))}
        assert counts == {f"pair:{key}": barrier.parties, f"addr:{key}": barrier.parties}
    finally:
        with engine.begin() as conn:
            conn.execute(delete(LoginAttempt).where(LoginAttempt.key.contains(key)))
        engine.dispose()


@pytest.mark.committed
@pytest.mark.parametrize("n", [40])
def test_forty_concurrent_logins_check_at_most_the_limit(database_url, app, n, is_postgres):
    """The whole login path under threads (PostgreSQL: real concurrency): at most 5 passwords are checked."""
    if not is_postgres:
        pytest.skip("SQLite serialises writers; the threaded race is a PostgreSQL property")
    app.config["LOGIN_MAX_FAILURES"] = 5
    UserFactory(username="target")
    db.session.commit()
    barrier = threading.Barrier(n)
    codes: list[int] = []
    lock = threading.Lock()

    def guess(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        r = _login(client, "target", f"guess-{i}", "203.0.113.200")
        with lock:
            codes.append(r.status_code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(codes)) == [401, 429]
    assert codes.count(401) == 5


def test_behind_a_trusted_proxy_the_forwarded_address_counts(monkeypatch, tmp_path, database_url):
    from server.app import create_app

    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "MEDIA_ROOT": str(tmp_path)})
    seen = []

    @app.get("/_probe_addr")
    def probe():
        from flask import request

        seen.append(request.remote_addr)
        return ""

    app.test_client().get("/_probe_addr", headers={"X-Forwarded-For": "203.0.113.5"})
    assert seen == ["203.0.113.5"]
