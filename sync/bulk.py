"""Many rows in few statements.

A plain ``session.execute(insert(T), rows)`` is a DBAPI executemany, which psycopg runs as one INSERT per
row (pipelined, but the server still parses and executes each one): most of a push's database time.
With RETURNING, SQLAlchemy instead uses its "insertmanyvalues" mode: one cached statement rewritten into
multi-row ``INSERT … VALUES (…), (…) RETURNING …`` batches (of up to 1,000 rows, within the bound
parameter limits of both engines). Compiling ``insert().values([...])`` afresh for each push would cost
more than it saves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT the rows (dicts with the same keys) in multi-row statements."""
    if not rows:
        return
    table = model.__table__
    stmt = insert(table).returning(*table.primary_key.columns)
    session.connection().execute(stmt, list(rows)).close()
