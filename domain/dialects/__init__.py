"""What the domain's SQL spells differently per database, behind one small interface.

Each backend is one module (``postgresql``, ``sqlite``) with the same names; ``of(session)`` picks the
module for a session's database (``for_compiler`` in an ``@compiles`` function, ``for_driver`` for a new
DBAPI connection). Code outside the ``dialects`` packages never branches on the database (tests/test_dialect_branches.py
checks), and ``tests/test_dialects.py`` holds both modules to one contract on both engines. The sync
engine's own differences (bulk COPY, pull entries as JSON text) live in ``sync.dialects`` the same way.

The concerns, each a few names:

- writing a row once: ``insert`` (an INSERT with ``on_conflict_do_nothing`` / ``on_conflict_do_update``);
- jobs: ``lock`` (a lock held until the transaction ends, so two passes started at once run in turn);
- spellings inside a statement: ``uuid_text``, ``json_object``, ``hours_after``;
- calendar SQL for the statistics (``domain.stats.sqlfn`` compiles its functions with these):
  ``local_date``, ``week_number``, ``month_of``, ``days_between``;
- connection set-up: ``on_connect``.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import ColumnElement
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from . import postgresql, sqlite


class Dialect(Protocol):
    name: str

    def insert(self, model: Any) -> Any:
        """``INSERT INTO model`` as this database's construct, which has ``on_conflict_do_nothing`` and
        ``on_conflict_do_update`` (and ``returning``, ``from_select``, ``values`` like any insert)."""

    def lock(self, session: Session, key: int) -> None:
        """Hold the lock named ``key`` until the session's transaction ends (a second holder waits)."""

    def uuid_text(self, column: Any) -> ColumnElement[str]:
        """A UUID column as its canonical text (``8-4-4-4-12`` lower-case hex digits)."""

    def json_object(self, *pairs: Any) -> ColumnElement[Any]:
        """A JSON object from alternating keys and values."""

    def hours_after(self, at: Any, hours: Any) -> ColumnElement[Any]:
        """The timestamp ``hours`` (a whole number, column or value) after ``at``, comparable with ``at``'s
        column type (exact to the microsecond)."""

    def local_date(self, at: str) -> str:
        """SQL: the calendar date in China Standard Time (UTC+8) of the UTC timestamp ``at``."""

    def week_number(self, at: str) -> str:
        """SQL: whole weeks from Monday 1969-12-29 00:00 UTC+8 to ``at`` (``domain.stats.sqlfn``)."""

    def month_of(self, at: str) -> str:
        """SQL: the month (UTC+8) of ``at``, as a value whose text starts ``YYYY-MM``."""

    def days_between(self, start: str, end: str) -> str:
        """SQL: days (fractional) from ``start`` to ``end``."""

    def on_connect(self, dbapi_connection: Any) -> None:
        """Settings for each new connection of this database."""


_BY_NAME: dict[str, Any] = {"postgresql": postgresql, "sqlite": sqlite}
# The DBAPI module a new connection comes from (``psycopg``, ``sqlite3``): its first dotted name.
_BY_DRIVER: dict[str, Any] = {"psycopg": postgresql, "psycopg2": postgresql, "sqlite3": sqlite}


def named(name: str) -> Dialect:
    """The backend for a SQLAlchemy dialect name; any other database gets the portable one (sqlite)."""
    module: Dialect = _BY_NAME.get(name, sqlite)
    return module


def of(session: Session | Connection) -> Dialect:
    """The backend for a session (or a scoped session) or a connection."""
    bind = session if isinstance(session, Connection) else session.get_bind()
    return named(bind.dialect.name)


def for_compiler(compiler: Any) -> Dialect:
    """The backend a SQL compiler writes for (in an ``@compiles`` function)."""
    return named(compiler.dialect.name)


def for_driver(dbapi_connection: Any) -> Dialect | None:
    """The backend of a raw DBAPI connection (None for a driver this app does not set up)."""
    module: Dialect | None = _BY_DRIVER.get(type(dbapi_connection).__module__.split(".")[0])
    return module
