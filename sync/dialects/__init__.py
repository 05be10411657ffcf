"""What differs between PostgreSQL and SQLite, one small interface per concern, one module per engine.

The sync engine asks ``of(session)`` for the session's dialect and never tests the engine's name itself
(the way Kinto keeps each storage backend in its own module). The pull side's concerns:

* ``any_of(column, values)``: match a column against many values in one statement;
* ``defect_entries(session, *where, limit)``: the pull's defect entries (``(id, entry)`` by id);
* ``begin_read(session)``: settings for the few large statements of one pull page;
* ``lock_before_read``: whether a writer must take the feed's write lock before its first read.

``sync.dialects.base.Portable`` is the plain-SQL version every engine can run (SQLite uses it as is);
``sync.dialects.postgresql.PostgreSQL`` overrides what PostgreSQL does faster. ``tests/sync/test_dialects.py``
holds both to the same contract.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from .base import Entry, Portable
from .postgresql import PostgreSQL
from .sqlite import SQLite

__all__ = ["Dialect", "Entry", "PostgreSQL", "Portable", "SQLite", "of"]


class Dialect(Protocol):
    name: str
    lock_before_read: bool

    def any_of(self, column: Any, values: Any) -> ColumnElement[bool]: ...

    def defect_entries(self, session: Session, *where: Any, limit: int | None = None) -> list[tuple[Any, Entry]]: ...

    def begin_read(self, session: Session) -> None: ...


_DIALECTS: dict[str, Dialect] = {"postgresql": PostgreSQL(), "sqlite": SQLite()}


def of(session: Session) -> Dialect:
    """The dialect of the session's database."""
    name = session.get_bind().dialect.name
    try:
        return _DIALECTS[name]
    except KeyError:
        raise RuntimeError(f"unsupported database {name}") from None
