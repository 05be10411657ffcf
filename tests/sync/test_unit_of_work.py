"""Pushes and conflict resolution commit through one helper that retries deadlocks and serialisation
failures and lets refusals through at once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

from domain.errors import DomainError
from sync import conflicts
from sync.unit_of_work import RETRIES, retrying


class _Orig(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


class _Session:
    def __init__(self) -> None:
        self.commits = self.rollbacks = 0

    def commit(self) -> None:
        self.commits += 1

    def rollback(self) -> None:
        self.rollbacks += 1


def _failing(times: int, sqlstate: str) -> Any:
    calls = {"n": 0}

    def work() -> str:
        calls["n"] += 1
        if calls["n"] <= times:
            raise DBAPIError("UPDATE …", None, _Orig(sqlstate))
        return "done"

    return work, calls


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_deadlocks_and_serialisation_failures_are_retried(sqlstate):
    session = _Session()
    work, calls = _failing(2, sqlstate)
    assert retrying(session, work, "test") == "done"  # type: ignore[arg-type]
    assert calls["n"] == 3 and session.rollbacks == 2 and session.commits == 1


def test_other_errors_and_refusals_are_not_retried():
    session = _Session()
    work, calls = _failing(1, "22003")  # numeric value out of range: retrying cannot help
    with pytest.raises(DBAPIError):
        retrying(session, work, "test")  # type: ignore[arg-type]
    assert calls["n"] == 1

    def refuse() -> None:
        raise DomainError("forbidden")

    with pytest.raises(DomainError):
        retrying(session, refuse, "test", (DomainError,))  # type: ignore[arg-type]
    work, calls = _failing(RETRIES, "40P01")
    with pytest.raises(DBAPIError):
        retrying(_Session(), work, "test")  # type: ignore[arg-type]
    assert calls["n"] == RETRIES


def test_resolution_is_retried_like_a_push(monkeypatch):
    session = _Session()
    work, calls = _failing(1, "40P01")
    monkeypatch.setattr(conflicts, "_resolve_once", lambda *a: work())
    assert conflicts.resolve(session, None, 1, "ours") == "done"  # type: ignore[arg-type]
    assert calls["n"] == 2 and session.commits == 1
