"""Defect numbers: 1, 2, 3 … in each project, given by the server when a defect is created, never reused.

A device creates defects offline and cannot know the next number, so it shows a provisional label until the
defect comes back from the server with its number (pwa/src/store/numbers.js). The server keeps one counter
row per project in ``sync_counters`` (``defect_no:<project id>``); a push writes its new defects, then, just
before it publishes, takes as many numbers as it created, with one UPDATE per project. Two pushes creating
defects in one project wait for each other on that row until the first commits (as they already do on the
feed's row), so numbers are unique and in commit order; a number taken by a push that rolls back is simply
skipped. The statements go through the connection, so they never flush what the push has queued.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from domain.models import Defect
from domain.models.sync import SyncCounter

_COUNTERS: Table = SyncCounter.__table__  # type: ignore[assignment]
_DEFECTS: Table = Defect.__table__  # type: ignore[assignment]


def counter_name(project_id: int) -> str:
    return f"defect_no:{project_id}"  # at most 20 characters (an id has at most 10 digits)


def take_numbers(session: Session, project_id: int, n: int) -> int:
    """Reserve n consecutive numbers in the project; returns the first."""
    conn = session.connection()
    name = counter_name(project_id)
    stmt = update(_COUNTERS).where(_COUNTERS.c.name == name).values(value=_COUNTERS.c.value + n)
    top = conn.execute(stmt.returning(_COUNTERS.c.value)).scalar()
    if top is None:
        # The project's first number: continue after any defect numbered before the counter existed (the
        # migration numbered existing defects). Two racing first writers collide on the primary key; the
        # loser's push is retried (sync.unit_of_work).
        highest = conn.execute(select(func.max(Defect.number)).where(Defect.project_id == project_id)).scalar()
        top = int(highest or 0) + n
        conn.execute(insert(_COUNTERS).values(name=name, value=top))
    return int(top) - n + 1


def number_new(session: Session, created: dict[uuid.UUID, int], loaded: dict[uuid.UUID, Defect]) -> None:
    """Give the defects a push created (id → project, in creation order) the next numbers of their projects.

    Called last, right before the push publishes its changes: the project's counter row stays locked until
    the commit, so it is taken after every other lock of the push (always counter, then the feed's row) and
    held as briefly as the feed's own. One UPDATE per project for the counter, one executemany for the
    defects; a created defect already loaded as a model object is told its number without a flush."""
    by_project: dict[int, list[uuid.UUID]] = {}
    for defect_id, project_id in created.items():
        by_project.setdefault(project_id, []).append(defect_id)
    rows: list[dict[str, Any]] = []
    for project_id in sorted(by_project):  # one order for every push, so two never wait on each other crosswise
        ids = by_project[project_id]
        first = take_numbers(session, project_id, len(ids))
        rows += [{"b_id": defect_id, "b_number": first + k} for k, defect_id in enumerate(ids)]
    if not rows:
        return
    defects = _DEFECTS
    stmt = update(defects).where(defects.c.id == bindparam("b_id")).values(number=bindparam("b_number"))
    session.connection().execute(stmt, rows)
    for row in rows:
        obj = loaded.get(row["b_id"])
        if obj is not None:
            set_committed_value(obj, "number", row["b_number"])
