"""One unit of work: services add and flush, and only ``run`` commits, retrying what a retry can fix.

A deadlock (PostgreSQL 40P01), a serialization failure (40001) or SQLite's "database is locked" means
another transaction got in the way, not that the request was wrong: the whole unit runs again on a fresh
transaction, a few times. A unique violation that survives is a real conflict (409); any other database
error is a bug and propagates.

Two refinements, declared by the unit rather than written as commits:

- ``races=True``: a unique violation there means a first-write race (two first pushes of one device
  insert its row, two first writers create the feed's counter), so the unit runs again and finds the
  winner's row instead of answering 409;
- ``keeping(exc)``: a refusal raised after clean-up that must stay (an upload that failed its check is
  discarded and its stored parts deleted): the unit commits what it did, then lets the refusal through.
  Any other exception rolls the whole unit back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from .errors import CONFLICT, DomainError

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRIES = 4
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
UNIQUE_VIOLATION = "23505"


def is_retryable(exc: BaseException) -> bool:
    if not isinstance(exc, DBAPIError) or isinstance(exc, IntegrityError):
        return False
    if getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


def is_race(exc: BaseException) -> bool:
    """A unique violation (PostgreSQL 23505; SQLite says "UNIQUE constraint failed")."""
    if not isinstance(exc, IntegrityError):
        return False
    return getattr(exc.orig, "sqlstate", None) == UNIQUE_VIOLATION or "UNIQUE constraint failed" in str(exc.orig)


E = TypeVar("E", bound=BaseException)
_KEEP = "_unit_of_work_keeps"


def keeping(exc: E) -> E:
    """Mark a refusal whose unit's work so far must be committed before it is raised."""
    setattr(exc, _KEEP, True)
    return exc


def run(session: Session, work: Callable[[], T], *, retries: int = RETRIES, races: bool = False) -> T:
    """Run ``work`` and commit; on a retryable failure roll back and run it again (at most ``retries``).
    With ``races``, a unique violation is retried too (a first-write race), and a 409 once retries run out."""
    for attempt in range(1, retries + 1):
        try:
            result = work()
            session.commit()
            return result
        except DBAPIError as exc:
            session.rollback()
            retry = is_retryable(exc) or (races and is_race(exc))
            if retry and attempt < retries:
                log.warning("transaction retried after %s (attempt %d)", type(exc.orig).__name__, attempt)
                continue
            if isinstance(exc, IntegrityError):
                raise DomainError(CONFLICT, "数据冲突，请刷新后再试 / The change conflicts with existing data") from exc
            raise
        except BaseException as exc:
            if getattr(exc, _KEEP, False):
                session.commit()
            else:
                session.rollback()
            raise
    raise AssertionError("unreachable")
