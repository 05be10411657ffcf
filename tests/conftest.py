"""Fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is the local server (TEST_DATABASE_URL, default the trust-auth ``test`` database). Each
pytest-xdist worker gets a database of its own. If PostgreSQL cannot be reached the run fails: a
suite that silently skipped the production engine would prove nothing.

Speed: each worker builds one app per database engine (and per distinct ``app_config``), and every test
runs inside a transaction on one connection that is rolled back at the end. The app's own commits and
rollbacks become SAVEPOINTs (SQLAlchemy's ``join_transaction_mode="create_savepoint"``), so the code under
test behaves as it does in production while nothing it writes outlives the test.

A test that needs data committed for other connections, threads or processes to see (concurrency,
worker kills, a live HTTP server, its own engine) is marked ``@pytest.mark.committed``: it gets a fresh
app on the plain session, and the tables are emptied before and after it. Tests that use ``live_server``
are treated as committed automatically. A rolled-back test that touches the database from another thread
fails at once with a message saying so.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flask_sqlalchemy.session
import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url

from domain.models import Base
from server.app import create_app
from server.extensions import db

# Property tests explore at random on developers' machines and walk a fixed path in CI (reproducible).
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

PG_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]
COMMITTED = "committed"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{COMMITTED}: the test needs committed data (other connections, threads or processes see it); "
        "it runs on a fresh app and the tables are emptied around it instead of a rolled-back transaction",
    )


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
    _forget_apps(url)
    if request.param == "postgresql":
        _pg_admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _scratch_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scratch")


@pytest.fixture
def scratch_dir(_scratch_root: Path) -> Iterator[Path]:
    """A directory at the same path for every test of this worker, empty at the start of each one.

    Configuration that points into it (MEDIA_ROOT…) stays the same from test to test, so the app built for
    it is reused, while each test still starts with nothing on disk."""
    path = _scratch_root / "t"
    path.mkdir(exist_ok=True)
    _empty(path)
    yield path
    _empty(path)


def _empty(path: Path) -> None:
    """Remove everything below the folders directly in ``path`` (an app built earlier may hold those)."""
    for child in path.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
            child.mkdir()
        else:
            child.unlink()


@pytest.fixture
def app_config(scratch_dir: Path, database_url: str) -> dict[str, Any]:
    """Override in a test module to change settings; the app fixture applies it.

    An app is built once per distinct configuration (per worker): paths that must be fresh for each test
    belong under ``scratch_dir``, which is emptied between tests, rather than under ``tmp_path``."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MEDIA_ROOT": str(scratch_dir / "media"),
    }


# ---- apps, one per (database, configuration) and worker ------------------------------------------------

_APPS: OrderedDict[str, Flask] = OrderedDict()
_MAX_APPS = 6  # configurations that change per test (tmp_path in them) would otherwise pile up engines


def _forget_apps(url: str | None = None) -> None:
    for key, app in list(_APPS.items()):
        if url is None or app.config["SQLALCHEMY_DATABASE_URI"] == url:
            del _APPS[key]
            _dispose(app)


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.engine.dispose()


def _sqlite_savepoints(engine: Engine) -> None:
    """pysqlite begins transactions lazily and turns the release of an outermost SAVEPOINT into a commit.
    Let SQLAlchemy emit BEGIN itself, so the test's outer transaction really holds everything."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")


def _shared_app(config: dict[str, Any]) -> Flask:
    key = repr(sorted(config.items(), key=lambda kv: kv[0]))
    app = _APPS.get(key)
    if app is not None:
        _APPS.move_to_end(key)
        return app
    app = create_app(config)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.engine.dispose()
            _sqlite_savepoints(db.engine)
    _APPS[key] = app
    while len(_APPS) > _MAX_APPS:
        _dispose(_APPS.popitem(last=False)[1])
    return app


class _BoundSession(flask_sqlalchemy.session.Session):
    """The app's session class, but always on the test's connection (Flask-SQLAlchemy would pick the engine)."""

    owner_thread: int = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if threading.get_ident() != self.owner_thread:
            raise RuntimeError(
                "this test uses the database from another thread, which cannot share the test's rolled-back "
                f"transaction: mark it @pytest.mark.{COMMITTED}"
            )
        super().__init__(*args, **kwargs)

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any) -> Any:
        return bind if bind is not None else self.bind


def _truncate_all(url: str) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if url.startswith("postgresql"):
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(text(f'DELETE FROM "{t}"'))


def _is_committed(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker(COMMITTED) is not None or "live_server" in request.fixturenames


@pytest.fixture
def app(request: pytest.FixtureRequest, app_config: dict[str, Any], database_url: str) -> Iterator[Flask]:
    if _is_committed(request):
        yield from _committed_app(app_config, database_url)
    else:
        yield from _rolled_back_app(app_config)


def _committed_app(config: dict[str, Any], url: str) -> Iterator[Flask]:
    app = create_app(config)
    with app.app_context():
        _truncate_all(url)
        try:
            yield app
        finally:
            db.session.remove()
            _truncate_all(url)
            db.engine.dispose()


def _rolled_back_app(config: dict[str, Any]) -> Iterator[Flask]:
    app = _shared_app(config)
    saved_config = dict(app.config)
    media = app.extensions.get("media")
    saved_media = dict(vars(media)) if media is not None else None
    with app.app_context():
        conn = db.engine.connect()
    outer = conn.begin()
    plain_session = db.session
    _BoundSession.owner_thread = threading.get_ident()
    db.session = db._make_scoped_session(
        {"class_": _BoundSession, "bind": conn, "join_transaction_mode": "create_savepoint"}
    )
    try:
        with app.app_context():
            yield app
            db.session.remove()
    finally:
        db.session = plain_session
        outer.rollback()
        conn.close()
        app.config.clear()
        app.config.update(saved_config)
        if media is not None and saved_media is not None:
            app.extensions["media"] = media
            vars(media).clear()
            vars(media).update(saved_media)


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


@pytest.fixture(autouse=True)
def _fresh_server_clock() -> Iterator[None]:
    """The push's hybrid logical clock lives in the process: start each test from the wall clock, so one
    test's tablet whose clock ran ahead does not reorder the next test's status commands."""
    from sync.push import SERVER_CLOCK

    saved = SERVER_CLOCK._last
    SERVER_CLOCK._last = type(saved)(0, 0, SERVER_CLOCK.node)
    yield
