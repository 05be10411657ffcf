"""Writing many rows of one table at once, and matching a column against many values, in the form each
database does best (``sync.dialects``: COPY and ``= ANY(array)`` on PostgreSQL, executemany INSERT and
``IN`` elsewhere).

Values are what the model's columns hold in Python (UUID, timezone-aware datetime, date, dict for JSON);
every row gives the same keys. Errors come back as SQLAlchemy's (IntegrityError, DBAPIError), as from
any other statement, so callers handle a unique violation or a deadlock the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Table
from sqlalchemy.orm import Session

from domain.models import Base

from . import dialects


def insert_rows(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column values, all with the same keys) into ``model``'s table."""
    if not rows:
        return
    conn = session.connection()
    dialects.of(conn).insert_rows(conn, cast(Table, model.__table__), rows)


def new_rows(objects: Sequence[Base]) -> list[dict[str, Any]]:
    """Column values of new ORM objects of one model, for ``insert_rows``: attributes never set take the
    column's Python-side default, and an autoincrement key is left to the database."""
    if not objects:
        return []
    table = cast(Table, objects[0].__table__)
    columns = [c for c in table.columns if c is not table.autoincrement_column]
    rows = []
    for obj in objects:
        row = {}
        for c in columns:
            value = getattr(obj, c.key)
            if value is None and c.default is not None:
                default: Any = c.default
                value = default.arg(None) if default.is_callable else default.arg
            row[c.key] = value
        rows.append(row)
    return rows


def one_of(session: Session, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN values`` (on PostgreSQL ``= ANY(:array)``, one statement text for any number of values)."""
    return dialects.of(session).one_of(column, values)
