"""Date arithmetic that SQLite and PostgreSQL spell differently, as SQL expressions.

Days, weeks and months are counted in the projects' local time, China Standard Time (UTC+8, no daylight
saving), so a defect closed at 23:30 Beijing time on its due date counts as closed that day.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Float, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

LOCAL_OFFSET = "+8 hours"


class local_date(FunctionElement[Any]):  # noqa: N801  (SQL function style)
    """The calendar date (UTC+8) of a UTC timestamp."""

    type = Date()
    inherit_cache = True


class week_start(FunctionElement[Any]):  # noqa: N801
    """The ISO week (Monday to Sunday, UTC+8) of a UTC timestamp, as a whole number of weeks since Monday
    1969-12-29 (plain arithmetic, cheaper per row than calendar functions); read it with ``week_monday``."""

    type = Integer()
    inherit_cache = True


class month_of(FunctionElement[Any]):  # noqa: N801
    """The month (UTC+8) of a UTC timestamp; read it with ``month_text``."""

    type = String()
    inherit_cache = True


class days_between(FunctionElement[Any]):  # noqa: N801
    """Days (fractional) from the first timestamp to the second."""

    type = Float()
    inherit_cache = True


def _pg_local(col: str) -> str:
    # China has kept UTC+8 without daylight saving since 1991: a fixed offset, no zone lookup per row.
    return f"(({col} AT TIME ZONE 'UTC') + INTERVAL '8 hours')"


# Seconds that move a UTC instant to local time (8 h) and Monday 1969-12-29 00:00 local to zero (3 days).
WEEK_SHIFT = 8 * 3600 + 3 * 86400
WEEK_ZERO = date(1969, 12, 29)


def week_monday(value: Any) -> str:
    """'YYYY-MM-DD' of the Monday of what week_start returns."""
    return (WEEK_ZERO + timedelta(weeks=int(value))).isoformat()


def month_text(value: Any) -> str:
    """'YYYY-MM' from what month_of returns on either database."""
    return str(value)[:7]


def _args(element: FunctionElement[Any], compiler: Any, **kw: Any) -> list[str]:
    return [compiler.process(c, **kw) for c in element.clauses]


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    (col,) = _args(element, compiler, **kw)
    return f"date({col}, '{LOCAL_OFFSET}')"


@compiles(local_date, "postgresql")
def _local_date_pg(element: Any, compiler: Any, **kw: Any) -> str:
    (col,) = _args(element, compiler, **kw)
    return f"CAST({_pg_local(col)} AS DATE)"


@compiles(week_start, "sqlite")
def _week_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    (col,) = _args(element, compiler, **kw)
    return f"CAST(((julianday({col}) - 2440587.5) * 86400 + {WEEK_SHIFT}) / 604800 AS INTEGER)"


@compiles(week_start, "postgresql")
def _week_pg(element: Any, compiler: Any, **kw: Any) -> str:
    (col,) = _args(element, compiler, **kw)
    return f"CAST(floor((date_part('epoch', {col}) + {WEEK_SHIFT}) / 604800) AS INTEGER)"


@compiles(month_of, "sqlite")
def _month_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    (col,) = _args(element, compiler, **kw)
    return f"strftime('%Y-%m', {col}, '{LOCAL_OFFSET}')"


@compiles(month_of, "postgresql")
def _month_pg(element: Any, compiler: Any, **kw: Any) -> str:
    (col,) = _args(element, compiler, **kw)
    return f"date_trunc('month', {_pg_local(col)})"


@compiles(days_between, "sqlite")
def _days_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    a, b = _args(element, compiler, **kw)
    return f"(julianday({b}) - julianday({a}))"


@compiles(days_between, "postgresql")
def _days_pg(element: Any, compiler: Any, **kw: Any) -> str:
    a, b = _args(element, compiler, **kw)
    return f"(date_part('epoch', {b} - {a}) / 86400.0)"
