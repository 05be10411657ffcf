"""One contract for the domain's database backends (domain/dialects): each gives the same answers on its
own database. Runs on SQLite and PostgreSQL like every database test."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, literal, select, text

from domain import dialects
from domain.models import Defect, LoginAttempt
from domain.models.base import UTCDateTime
from domain.stats.sqlfn import days_between, local_date, month_of, month_text, week_monday, week_start
from server.extensions import db
from tests import factories as f


def _backend() -> dialects.Dialect:
    return dialects.of(db.session())


def test_the_backend_is_the_sessions(app, database_url):
    assert _backend().name == database_url.split(":")[0].split("+")[0]
    assert dialects.of(db.session.connection()) is _backend()
    assert dialects.named("mysql").name == "sqlite", "any other database gets the portable backend"


def test_insert_on_conflict_writes_a_row_once_and_says_so(app):
    insert = _backend().insert
    at = datetime(2026, 12, 1, tzinfo=UTC)
    values = {"key": "k1", "window_start": at, "count": 1}
    first = db.session.execute(
        insert(LoginAttempt).values(**values).on_conflict_do_nothing().returning(LoginAttempt.key)
    )
    assert first.all() == [("k1",)]
    again = db.session.execute(
        insert(LoginAttempt).values(**values).on_conflict_do_nothing().returning(LoginAttempt.key)
    )
    assert again.all() == []
    bumped = (
        insert(LoginAttempt)
        .values(**values)
        .on_conflict_do_update(index_elements=[LoginAttempt.key], set_={"count": LoginAttempt.count + 1})
        .returning(LoginAttempt.count)
    )
    assert db.session.execute(bumped).scalar() == 2
    rows = select(LoginAttempt.key, func.count()).group_by(LoginAttempt.key)
    assert db.session.execute(rows).all() == [("k1", 1)]


def test_insert_from_select_skips_rows_already_there(app):
    insert = _backend().insert
    at = literal(datetime(2026, 12, 1, tzinfo=UTC), UTCDateTime())
    db.session.execute(insert(LoginAttempt).values(key="a", window_start=datetime(2026, 1, 1, tzinfo=UTC), count=5))
    source = select(literal("a").label("key"), at, literal(1)).union_all(select(literal("b"), at, literal(1)))
    stmt = insert(LoginAttempt).from_select(["key", "window_start", "count"], source).on_conflict_do_nothing()
    assert db.session.execute(stmt.returning(LoginAttempt.key)).all() == [("b",)]
    assert dict(db.session.execute(select(LoginAttempt.key, LoginAttempt.count)).all()) == {"a": 5, "b": 1}


def test_uuid_text_is_canonical(app):
    defect = f.DefectFactory()
    db.session.flush()
    assert db.session.scalar(select(_backend().uuid_text(Defect.id))) == str(defect.id)
    assert str(uuid.UUID(str(defect.id))) == str(defect.id)


def test_json_object_builds_an_object(app):
    value = db.session.scalar(select(_backend().json_object("kind", "overdue", "level", 3, "title", "超时 L3")))
    got = json.loads(value) if isinstance(value, str) else value
    assert got == {"kind": "overdue", "level": 3, "title": "超时 L3"}


MOMENTS = [
    datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
    datetime(2026, 12, 1, 8, 0, 0, 999999, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 59, 59, 999500, tzinfo=UTC),  # rounds up at millisecond precision
    datetime(2026, 2, 28, 23, 30, 12, 345678, tzinfo=UTC),
]


@pytest.mark.parametrize("at", MOMENTS, ids=lambda d: d.isoformat())
@pytest.mark.parametrize("hours", [0, 1, 24, 72, 168, 24 * 400])
def test_hours_after_is_exact_to_the_microsecond(app, at, hours):
    column = literal(at, UTCDateTime())
    later = _backend().hours_after(column, hours)
    expected = at + timedelta(hours=hours)
    assert db.session.scalar(select(later)) == expected
    tick = timedelta(microseconds=1)
    assert db.session.scalar(select(later <= expected)) in (True, 1)
    assert db.session.scalar(select(later <= expected - tick)) in (False, 0)
    assert db.session.scalar(select(later > expected - tick)) in (True, 1)


def test_hours_after_takes_a_column_of_hours(app):
    defect = f.DefectFactory(fix_due_at=MOMENTS[1], repeat_count=30)
    db.session.flush()
    later = _backend().hours_after(Defect.fix_due_at, Defect.repeat_count)
    got = db.session.scalar(select(later).where(Defect.id == defect.id))
    assert got == MOMENTS[1] + timedelta(hours=30)


def test_the_calendar_counts_in_china_time(app):
    # 2026-11-30 16:30 UTC is Tuesday 2026-12-01 00:30 in Beijing.
    at = literal(datetime(2026, 11, 30, 16, 30, tzinfo=UTC), UTCDateTime())
    start = literal(datetime(2026, 11, 29, 4, 30, tzinfo=UTC), UTCDateTime())
    day, week, month, days = db.session.execute(
        select(local_date(at), week_start(at), month_of(at), days_between(start, at))
    ).one()
    assert (day if isinstance(day, date) else date.fromisoformat(day)) == date(2026, 12, 1)
    assert week_monday(week) == "2026-11-30"
    assert month_text(month) == "2026-12"
    assert days == pytest.approx(1.5)


def test_the_jobs_lock_is_held_by_the_transaction(app, is_postgres):
    """PostgreSQL: another connection cannot take the lock while this transaction holds it (it is let go
    when the transaction ends: tests/followup/test_concurrency.py). SQLite takes none: one writer at a time."""
    key = 0x7E57
    _backend().lock(db.session(), key)
    _backend().lock(db.session(), key)  # the holder may take it again
    if not is_postgres:
        return
    with db.engine.connect() as other:
        taken = other.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": key}).scalar()
        other.rollback()
    assert taken is False
