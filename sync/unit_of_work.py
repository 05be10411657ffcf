"""One place that commits the sync engine's writes and retries what the database asks to be retried."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRIES = 5
# PostgreSQL: deadlock, serialisation failure, unique violation (two first pushes of one device).
RETRYABLE_PG = {"40P01", "40001", "23505"}


def retrying(session: Session, work: Callable[[], T], what: str, refusals: tuple[type[Exception], ...] = ()) -> T:
    """Run ``work`` and commit; on a deadlock, serialisation failure or first-write race, roll back and run
    it again (at most RETRIES times). A refusal (one of ``refusals``) rolls back and is raised at once."""
    for attempt in range(RETRIES):
        try:
            result = work()
            session.commit()
            return result
        except refusals:
            session.rollback()
            raise
        except (IntegrityError, DBAPIError) as exc:
            session.rollback()
            code = getattr(exc.orig, "sqlstate", None)
            if code not in RETRYABLE_PG or attempt == RETRIES - 1:
                raise
            log.warning("%s retried after %s (attempt %d)", what, code, attempt + 1)
    raise AssertionError("unreachable")
