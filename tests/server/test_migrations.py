"""The Alembic migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from domain.models import Base
from server.app import create_app
from tests.conftest import PG_ADMIN_URL, _pg_admin


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    name = f"yanshou_migrate_{os.getpid()}"
    try:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL unreachable: {exc}", pytrace=False)
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrations_match_models_and_downgrade(empty_database, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "MEDIA_ROOT": str(tmp_path / "media")})
    with app.app_context():
        upgrade()
    engine = create_engine(empty_database)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"
        with app.app_context():
            downgrade(revision="base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
        with app.app_context():
            from server.extensions import db

            db.engine.dispose()


def test_photo_list_migration_fills_existing_defects(empty_database, tmp_path):
    """Going back before ``photo_list`` and up again fills it from the photos, removed ones left out, in
    the order they were added."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select, update

    from domain.models import Defect, DefectPhoto
    from server.extensions import db
    from tests import factories as f

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "MEDIA_ROOT": str(tmp_path / "media")})
    t = datetime(2026, 5, 1, tzinfo=UTC)
    with app.app_context():
        upgrade()
        d, bare = f.DefectFactory(), f.DefectFactory()
        for i, (sha, removed) in enumerate([("c" * 64, None), ("a" * 64, t), ("b" * 64, None)]):
            db.session.add(
                DefectPhoto(defect_id=d.id, sha256=sha, kind="before", added_at=t + timedelta(i), removed_at=removed)
            )
        db.session.commit()
        d_id, bare_id = d.id, bare.id
        expected = '[{"sha256":"' + "c" * 64 + '","kind":"before"},{"sha256":"' + "b" * 64 + '","kind":"before"}]'
        assert db.session.get(Defect, d_id).photo_list == expected  # kept in step on write
        db.session.execute(update(Defect).values(photo_list="[]"))
        db.session.commit()
        db.session.remove()
        downgrade(revision="dc136b112ea7")
        upgrade()
        lists = dict(db.session.execute(select(Defect.id, Defect.photo_list)).all())
        assert lists == {d_id: expected, bare_id: "[]"}
        db.session.remove()
        db.engine.dispose()


def test_defect_number_migration_numbers_existing_defects_per_project(empty_database, tmp_path):
    """Existing defects get 1, 2, 3 … per project in the order they were found; new ones continue after."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from domain.models import Defect
    from server.extensions import db
    from sync.numbering import take_numbers
    from tests import factories as f

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "MEDIA_ROOT": str(tmp_path / "media")})
    t = datetime(2026, 5, 1, tzinfo=UTC)
    with app.app_context():
        upgrade()
        unit, other = f.UnitFactory(), f.UnitFactory()
        later, first, second = (f.DefectFactory(unit=unit, created_at=t + timedelta(days=d)) for d in (3, 1, 2))
        elsewhere = f.DefectFactory(unit=other, created_at=t)
        db.session.commit()
        expected = {x.id: n for x, n in ((first, 1), (second, 2), (later, 3), (elsewhere, 1))}
        project_id = unit.project_id
        db.session.remove()
        downgrade(revision="b3d8e1f4a6c7")  # the revision before the numbers
        upgrade()
        got = dict(db.session.execute(select(Defect.id, Defect.number)).all())
        assert got == expected
        assert take_numbers(db.session, project_id, 1) == 4
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
