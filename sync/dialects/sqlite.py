"""SQLite (and any other database): an executemany INSERT, and a plain ``IN`` list; pull entries built in
Python; one writer at a time, so a writer takes the write lock before it reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..payloads import python_entries

name = "sqlite"


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    conn.execute(insert(table), list(rows))


def one_of(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    result: ColumnElement[bool] = column.in_(list(values))
    return result


# One writer at a time: a push takes the write lock first, so it never upgrades a stale read snapshot.
lock_before_read = True


def defect_entries(session: Session, *where: Any, limit: int | None = None) -> list[tuple[Any, Any]]:
    return python_entries(session, *where, limit=limit)


def begin_read(session: Session) -> None:
    """Nothing to set for a pull page."""
