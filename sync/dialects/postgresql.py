"""PostgreSQL: rows go through ``COPY … FROM STDIN`` (one round trip, rows formatted by psycopg's C code,
no per-row statement on the server: about half the client CPU and database time of an executemany
INSERT), and ``IN`` lists become ``= ANY(:array)`` (one parameter however many values, so the statement's
text is the same every time and is parsed and planned once).

Pull entries (``{"kind": "defect", "id": …, "op": "upsert", "data": {…, "photos": […]}}``) are built as
JSON text by the database and handed to orjson as a ``Fragment``: a 5,000-defect page then costs a few
milliseconds of Python instead of turning 90,000 column values into objects one by one. They are the same
JSON values as the entries built in Python (``payloads.python_entries``): timestamps as
``datetime.isoformat()`` writes a UTC time (``2026-11-23T08:05:09.250000+00:00``, no fraction when it is
zero), dates as ``YYYY-MM-DD``, ids as canonical UUID strings. (A whole number in a float column is
written ``1`` by PostgreSQL and ``1.0`` by Python; both read back as the same number.)"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
import psycopg
from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Date,
    Float,
    Integer,
    Table,
    Text,
    Uuid,
    any_,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from domain.models import Defect
from domain.models.base import UTCDateTime

from ..payloads import DEFECT_COLUMNS, DEFECT_FIELDS

name = "postgresql"


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    names = list(rows[0])
    json_at = [i for i, n in enumerate(names) if isinstance(table.c[n].type, JSON)]
    time_at = [i for i, n in enumerate(names) if _is_datetime(table.c[n])]
    sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    driver = conn.connection.driver_connection
    assert driver is not None
    try:
        with driver.cursor() as cur, cur.copy(sql) as copy:
            for row in rows:
                values = [row[n] for n in names]
                for i in json_at:
                    if values[i] is not None:
                        values[i] = orjson.dumps(values[i]).decode()
                for i in time_at:
                    if values[i] is not None:
                        values[i] = _utc(values[i])
                copy.write_row(values)
    except psycopg.Error as exc:
        # Raised as SQLAlchemy's error, like any other statement's, so a deadlock or a unique violation
        # is retried or reported the same way.
        raise DBAPIError.instance(sql, None, exc, psycopg.Error) from exc


def one_of(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    result: ColumnElement[bool] = column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return result


def _is_datetime(column: Column[Any]) -> bool:
    try:
        return column.type.python_type is datetime
    except NotImplementedError:
        return False


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime stored; use timezone-aware UTC")
    return value.astimezone(UTC)


# Writers take the feed's lock as their last statement (sync.feed): reads before it see committed rows.
lock_before_read = False


def defect_entries(session: Session, *where: Any, limit: int | None = None) -> list[tuple[Any, Any]]:
    stmt = select(Defect.id, _entry()).where(*where).order_by(Defect.id).limit(limit)
    return [(i, orjson.Fragment(t)) for i, t in session.connection().execute(stmt).all()]


def begin_read(session: Session) -> None:
    # A page's few statements are planned to cost more than PostgreSQL's JIT threshold on a large
    # project, and compiling them takes longer than running them. And a page reads a thousand rows by
    # index, from pages that are in memory: at the default random_page_cost (4, a spinning disk's) the
    # planner prices a thousand index probes above reading a whole 50,000-row comments table, and the
    # page cost grows with the project. 1.1 is the usual figure for data in memory or on SSD.
    session.execute(text("SET LOCAL jit = off"))
    session.execute(text("SET LOCAL random_page_cost = 1.1"))


def _sql(value: str) -> ColumnElement[str]:
    """A constant string written into the statement."""
    return literal_column("'" + value.replace("'", "''") + "'", Text)


def _value(column: Any) -> ColumnElement[str]:
    """The column's JSON text. Concatenating text is several times faster in PostgreSQL 15 than
    json_build_object, which looks up each argument's type and output function row by row."""
    kind = column.type
    if isinstance(kind, UTCDateTime):
        stamp = func.to_char(func.timezone(_sql("UTC"), column), _sql('YYYY-MM-DD"T"HH24:MI:SS.US'))
        out = _sql('"') + func.replace(stamp, _sql(".000000"), _sql("")) + _sql('+00:00"')
    elif isinstance(kind, Date):
        out = _sql('"') + func.to_char(column, _sql("YYYY-MM-DD")) + _sql('"')
    elif isinstance(kind, Uuid):
        out = _sql('"') + cast(column, Text) + _sql('"')
    elif isinstance(kind, Integer | Float):
        out = cast(column, Text)
    else:  # strings: quoted and escaped by PostgreSQL's own JSON encoder
        out = cast(func.to_json(column), Text)
    return func.coalesce(out, _sql("null")) if column.nullable else out


def _object(pairs: list[tuple[str, Any]]) -> ColumnElement[str]:
    out: ColumnElement[str] = _sql("{")
    for i, (name_, value) in enumerate(pairs):
        out = out + _sql(("," if i else "") + orjson.dumps(name_).decode() + ":") + value
    return out + _sql("}")


@functools.cache
def _entry() -> ColumnElement[str]:
    fields = [(n, _value(column)) for n, column in zip(DEFECT_FIELDS, DEFECT_COLUMNS, strict=True)]
    data = _object([*fields, ("photos", Defect.photo_list)])
    return _object([("kind", _sql('"defect"')), ("id", _value(Defect.id)), ("op", _sql('"upsert"')), ("data", data)])
