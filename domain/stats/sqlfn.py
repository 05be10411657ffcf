"""Date arithmetic for the statistics, as SQL expressions (each database spells them in ``domain.dialects``).

Days, weeks and months are counted in the projects' local time, China Standard Time (UTC+8, no daylight
saving), so a defect closed at 23:30 Beijing time on its due date counts as closed that day.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Float, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from .. import dialects


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


# Monday 1969-12-29 (UTC+8): week number 0 (the dialects' ``week_number`` counts from it).
WEEK_ZERO = date(1969, 12, 29)


def week_monday(value: Any) -> str:
    """'YYYY-MM-DD' of the Monday of what week_start returns."""
    return (WEEK_ZERO + timedelta(weeks=int(value))).isoformat()


def month_text(value: Any) -> str:
    """'YYYY-MM' from what month_of returns on either database."""
    return str(value)[:7]


def _args(element: FunctionElement[Any], compiler: Any, **kw: Any) -> list[str]:
    return [compiler.process(c, **kw) for c in element.clauses]


# Each function is spelled by the database's module in domain.dialects.
@compiles(local_date)
def _local_date(element: Any, compiler: Any, **kw: Any) -> str:
    return dialects.for_compiler(compiler).local_date(*_args(element, compiler, **kw))


@compiles(week_start)
def _week(element: Any, compiler: Any, **kw: Any) -> str:
    return dialects.for_compiler(compiler).week_number(*_args(element, compiler, **kw))


@compiles(month_of)
def _month(element: Any, compiler: Any, **kw: Any) -> str:
    return dialects.for_compiler(compiler).month_of(*_args(element, compiler, **kw))


@compiles(days_between)
def _days(element: Any, compiler: Any, **kw: Any) -> str:
    return dialects.for_compiler(compiler).days_between(*_args(element, compiler, **kw))
