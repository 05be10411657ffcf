"""SQLite (and any other database): SQLite's own INSERT … ON CONFLICT; no lock for jobs (SQLite lets one
writer in at a time, and every job's write is idempotent anyway); timestamps are text
(``YYYY-MM-DD HH:MM:SS.ffffff``, as SQLAlchemy stores them), so date arithmetic goes through SQLite's
date functions and UUIDs are 32 hex digits that are dashed in SQL when text is wanted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, type_coerce
from sqlalchemy.dialects import sqlite as lite
from sqlalchemy.orm import Session

name = "sqlite"

LOCAL_OFFSET = "+8 hours"
# Seconds that move a UTC instant to local time (8 h) and Monday 1969-12-29 00:00 local to zero (3 days).
WEEK_SHIFT = 8 * 3600 + 3 * 86400


def insert(model: Any) -> Any:
    return lite.insert(model)


def lock(session: Session, key: int) -> None:
    """Nothing to take: SQLite lets one writer in at a time."""


def uuid_text(column: Any) -> ColumnElement[str]:
    h = func.lower(cast(column, String))
    parts = [func.substr(h, 1, 8), func.substr(h, 9, 4), func.substr(h, 13, 4), func.substr(h, 17, 4)]
    out: ColumnElement[str] = parts[0]
    for part in parts[1:]:
        out = out + "-" + part
    return out + "-" + func.substr(h, 21, 12)


def json_object(*pairs: Any) -> ColumnElement[Any]:
    return func.json_object(*pairs)


def hours_after(at: Any, hours: Any) -> ColumnElement[Any]:
    # SQLite's date functions keep milliseconds (and round what is finer), so the time is moved with the
    # last three digits of the microseconds set aside and put back: whole hours leave them as they were.
    hours_text = cast(hours, String) + " hours"
    moved = func.strftime("%Y-%m-%d %H:%M:%f", func.substr(at, 1, 23), hours_text, type_=String)
    return type_coerce(moved.concat(func.substr(at, 24, 3, type_=String)), at.type)


def local_date(at: str) -> str:
    return f"date({at}, '{LOCAL_OFFSET}')"


def week_number(at: str) -> str:
    return f"CAST(((julianday({at}) - 2440587.5) * 86400 + {WEEK_SHIFT}) / 604800 AS INTEGER)"


def month_of(at: str) -> str:
    return f"strftime('%Y-%m', {at}, '{LOCAL_OFFSET}')"


def days_between(start: str, end: str) -> str:
    return f"(julianday({end}) - julianday({start}))"


def on_connect(dbapi_connection: Any) -> None:
    # WAL lets the PWA's pulls read while a push writes; foreign keys are off by default in SQLite.
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
