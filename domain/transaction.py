"""One unit of work: services add and flush, and only ``run`` commits, retrying what a retry can fix.

A deadlock (PostgreSQL 40P01), a serialization failure (40001) or SQLite's "database is locked" means
another transaction got in the way, not that the request was wrong: the whole unit runs again on a fresh
transaction, a few times. A unique violation that survives is a real conflict (409); any other database
error is a bug and propagates.
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


def is_retryable(exc: BaseException) -> bool:
    if not isinstance(exc, DBAPIError) or isinstance(exc, IntegrityError):
        return False
    if getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


def run(session: Session, work: Callable[[], T], *, retries: int = RETRIES) -> T:
    """Run ``work`` and commit; on a retryable failure roll back and run it again (at most ``retries``)."""
    for attempt in range(1, retries + 1):
        try:
            result = work()
            session.commit()
            return result
        except DBAPIError as exc:
            session.rollback()
            if isinstance(exc, IntegrityError):
                raise DomainError(CONFLICT, "数据冲突，请刷新后再试 / The change conflicts with existing data") from exc
            if not is_retryable(exc) or attempt == retries:
                raise
            log.warning("transaction retried after %s (attempt %d)", type(exc.orig).__name__, attempt)
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")
