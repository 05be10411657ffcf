"""What the sync engine does differently per database, behind one small interface.

Each backend is one module (``postgresql``, ``sqlite``) with the same functions; ``of(session)`` picks
the module for the session's database. Code outside this package never branches on the dialect for these
concerns, and ``tests/sync/test_dialects.py`` runs one contract test against both."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Table
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from . import postgresql, sqlite


class Dialect(Protocol):
    name: str

    def insert_rows(self, conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        """Insert many rows (dicts with the same keys, values as the model's columns hold them)."""

    def one_of(self, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
        """``column IN values``, in the form this database plans best."""


_BY_NAME: dict[str, Any] = {"postgresql": postgresql, "sqlite": sqlite}


def of(session: Session | Connection) -> Dialect:
    """The backend for a session (or a scoped session) or a connection."""
    bind = session if isinstance(session, Connection) else session.get_bind()
    module: Dialect = _BY_NAME.get(bind.dialect.name, sqlite)  # anything else: plain, portable SQL
    return module
