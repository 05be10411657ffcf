"""Defect numbers: 1, 2, 3 … in each project, given by the server when a defect is created, never reused.

A device creates defects offline and cannot know the next number, so it shows a provisional label until the
defect comes back from the server with its number (pwa/src/store/numbers.js). The server keeps one counter
row per project in ``sync_counters`` (``defect_no:<project id>``); a push takes as many numbers as it
creates defects, with one UPDATE per project. Two pushes creating defects in one project wait for each
other on that row until the first commits, so numbers are unique and in commit order; a number taken by a
push that rolls back is simply skipped. The statements go through the connection, so taking numbers in the
middle of a push never flushes what the push has queued (sync.push writes it in bulk at the end).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from domain.models import Defect
from domain.models.sync import SyncCounter

_COUNTERS: Table = SyncCounter.__table__  # type: ignore[assignment]


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


def number_rows(session: Session, rows: Iterable[dict[str, Any]]) -> None:
    """Give each new defect row without a number the next numbers of its project, in the rows' order."""
    by_project: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row.get("number") is None:
            by_project.setdefault(row["project_id"], []).append(row)
    for project_id in sorted(by_project):  # one order for every push, so two never wait on each other crosswise
        todo = by_project[project_id]
        first = take_numbers(session, project_id, len(todo))
        for i, row in enumerate(todo):
            row["number"] = first + i
