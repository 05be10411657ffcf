"""SQLite (and any other database): an executemany INSERT, and a plain ``IN`` list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, insert
from sqlalchemy.engine import Connection

name = "sqlite"


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    conn.execute(insert(table), list(rows))


def one_of(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    result: ColumnElement[bool] = column.in_(list(values))
    return result
