"""Fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is the local server (TEST_DATABASE_URL, default the trust-auth ``test`` database). Each
pytest-xdist worker gets a database of its own. If PostgreSQL cannot be reached the run fails: a
suite that silently skipped the production engine would prove nothing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from domain.models import Base
from server.app import create_app
from server.extensions import db

# Property tests explore at random on developers' machines and walk a fixed path in CI (reproducible).
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

PG_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


def _pg_admin(sql: str) -> None:
    admin = make_url(PG_ADMIN_URL)
    with psycopg.connect(
        host=admin.host,
        port=admin.port or 5432,
        user=admin.username,
        dbname=admin.database,
        autocommit=True,
        connect_timeout=5,
    ) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _pg_database(worker: str) -> str:
    """Create a database for this test process (worker and pid, so concurrent runs never collide)."""
    name = f"yanshou_test_{worker}_{os.getpid()}"
    try:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is required for the test suite and is unreachable at {PG_ADMIN_URL}: {exc}\n"
            "Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
            pytrace=False,
        )
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        url = _pg_database(worker)
    engine = create_engine(url)
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        Base.metadata.create_all(conn)
    engine.dispose()
    yield url
    if request.param == "postgresql":
        _pg_admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def _truncate_all(url: str) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if url.startswith("postgresql"):
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(text(f'DELETE FROM "{t}"'))


@pytest.fixture
def app_config(tmp_path: Path, database_url: str) -> dict[str, Any]:
    """Override in a test module to change settings; the app fixture applies it."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
    }


@pytest.fixture
def app(app_config: dict[str, Any], database_url: str) -> Iterator[Flask]:
    app = create_app(app_config)
    with app.app_context():
        _truncate_all(database_url)
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


class AuthActions:
    """Headers for a user, by issuing a token directly (logging in costs an argon2 hash each time)."""

    def __init__(self, client: FlaskClient):
        self._client = client

    def headers(self, user: Any) -> dict[str, str]:
        from datetime import timedelta

        from server.accounts.service import issue_token

        issued = issue_token(db.session, user, timedelta(days=1), device="pytest")
        db.session.commit()
        return {"Authorization": f"Bearer {issued.token}"}

    def login(self, username: str, password: str) -> Any:
        return self._client.post("/api/auth/login", json={"username": username, "password": password})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def new_id() -> Callable[[], str]:
    return lambda: str(uuid.uuid4())
