"""PostgreSQL: its own INSERT … ON CONFLICT, transaction-scoped advisory locks, interval arithmetic and
time zones in SQL. The calendar functions use a fixed offset: China has kept UTC+8 without daylight
saving since 1991, so no zone lookup per row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, text
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import Session

name = "postgresql"

# Seconds that move a UTC instant to local time (8 h) and Monday 1969-12-29 00:00 local to zero (3 days).
WEEK_SHIFT = 8 * 3600 + 3 * 86400


def insert(model: Any) -> Any:
    return pg.insert(model)


def lock(session: Session, key: int) -> None:
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def uuid_text(column: Any) -> ColumnElement[str]:
    return cast(column, String)


def json_object(*pairs: Any) -> ColumnElement[Any]:
    return func.json_build_object(*pairs)


def hours_after(at: Any, hours: Any) -> ColumnElement[Any]:
    result: ColumnElement[Any] = at + func.make_interval(0, 0, 0, 0, hours)
    return result


def _local(at: str) -> str:
    return f"(({at} AT TIME ZONE 'UTC') + INTERVAL '8 hours')"


def local_date(at: str) -> str:
    return f"CAST({_local(at)} AS DATE)"


def week_number(at: str) -> str:
    return f"CAST(floor((date_part('epoch', {at}) + {WEEK_SHIFT}) / 604800) AS INTEGER)"


def month_of(at: str) -> str:
    return f"date_trunc('month', {_local(at)})"


def days_between(start: str, end: str) -> str:
    return f"(date_part('epoch', {end} - {start}) / 86400.0)"


def on_connect(dbapi_connection: Any) -> None:
    """Nothing to set: the server's defaults serve."""
