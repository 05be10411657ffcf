"""One unit of work per request: it commits once, retries what a retry can fix, and maps real conflicts."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from domain import transaction
from domain.errors import DomainError
from domain.models import Contractor
from server.extensions import db
from tests.factories import UserFactory


class _PgError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _failure(sqlstate: str) -> OperationalError:
    return OperationalError("UPDATE …", {}, _PgError(sqlstate))


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"], ids=["deadlock", "serialization"])
def test_a_deadlock_or_serialization_failure_reruns_the_whole_unit(app, sqlstate):
    attempts = []

    def work():
        attempts.append(1)
        db.session.add(Contractor(name=f"承建商{len(attempts)}", trade="土建"))
        db.session.flush()
        if len(attempts) < 3:
            raise _failure(sqlstate)
        return "done"

    assert transaction.run(db.session, work) == "done"
    assert len(attempts) == 3
    names = db.session.scalars(select(Contractor.name)).all()
    assert names == ["承建商3"], "the failed attempts were rolled back, only the last one committed"


def test_retries_are_bounded(app):
    calls = []

    def work():
        calls.append(1)
        raise _failure("40P01")

    with pytest.raises(OperationalError):
        transaction.run(db.session, work, retries=3)
    assert len(calls) == 3


def test_other_database_errors_are_not_retried(app):
    calls = []

    def work():
        calls.append(1)
        raise _failure("42601")

    with pytest.raises(OperationalError):
        transaction.run(db.session, work)
    assert calls == [1]


def test_a_unique_violation_is_a_conflict(app):
    def work():
        raise IntegrityError("INSERT …", {}, _PgError("23505"))

    with pytest.raises(DomainError) as exc:
        transaction.run(db.session, work)
    assert exc.value.code == "conflict"


def test_a_view_is_retried_after_a_deadlock(app, client, auth, monkeypatch):
    """The request wrapper reruns the view: the response is the second attempt's, committed once."""
    admin = UserFactory(role="admin")
    db.session.commit()
    headers = auth.headers(admin)
    from sqlalchemy.orm import Session

    real_flush = Session.flush
    state = {"failed": False}

    def flaky_flush(self, *a, **k):
        if not state["failed"] and any(isinstance(o, Contractor) for o in self.new):
            state["failed"] = True
            raise _failure("40P01")
        return real_flush(self, *a, **k)

    monkeypatch.setattr(Session, "flush", flaky_flush)
    r = client.post("/api/contractors", json={"name": "重试建设", "trade": "土建"}, headers=headers)
    assert r.status_code == 201, r.get_json()
    assert state["failed"]
    assert db.session.scalars(select(Contractor.name)).all() == ["重试建设"]


def test_a_refused_request_writes_nothing(client, auth):
    """A DomainError after a flush rolls the whole unit back (the join creates the user, then the code fails)."""
    from domain.models import User

    r = client.post(
        "/api/auth/join",
        json={"code": "NOSUCHCODE", "username": "ghost", "password": "long-enough-1", "display_name": "G"},
    )
    assert r.status_code == 404
    assert db.session.scalar(select(User).where(User.username == "ghost")) is None


def test_a_created_row_is_answered_with_its_id(client, auth):
    """The unit of work commits after the view; the response still carries the generated id."""
    admin = UserFactory(role="admin")
    db.session.commit()
    headers = auth.headers(admin)
    created = client.post("/api/projects", json={"code": "NEW1", "name": "新项目"}, headers=headers).get_json()
    assert isinstance(created["id"], int)
    assert client.get(f"/api/projects/{created['id']}", headers=headers).get_json()["code"] == "NEW1"


def _unique_violation() -> IntegrityError:
    return IntegrityError("INSERT …", {}, _PgError("23505"))


def test_a_unit_that_races_reruns_after_a_unique_violation(app):
    """Two first writers of the same row: the loser runs again and finds the winner's row."""
    attempts = []

    def work():
        attempts.append(1)
        if len(attempts) == 1:
            raise _unique_violation()
        return "done"

    assert transaction.run(db.session, work, races=True) == "done"
    assert len(attempts) == 2
    assert transaction.is_race(IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed: devices.id")))
    assert not transaction.is_race(IntegrityError("INSERT …", {}, _PgError("23503")))  # a foreign key


def test_a_race_that_keeps_failing_is_a_conflict(app):
    calls = []

    def work():
        calls.append(1)
        raise _unique_violation()

    with pytest.raises(DomainError) as exc:
        transaction.run(db.session, work, races=True, retries=3)
    assert exc.value.code == "conflict" and len(calls) == 3


@pytest.mark.parametrize("kept", [True, False], ids=["kept", "rolled-back"])
def test_a_refusal_keeps_the_work_only_when_marked(app, kept):
    def work():
        db.session.add(Contractor(name="清理记录", trade="土建"))
        db.session.flush()
        refusal = DomainError("conflict", "上传有误 / The upload is wrong")
        raise transaction.keeping(refusal) if kept else refusal

    with pytest.raises(DomainError):
        transaction.run(db.session, work)
    db.session.rollback()  # anything still pending goes; what was committed stays
    assert db.session.scalars(select(Contractor.name)).all() == (["清理记录"] if kept else [])
