"""The portable version of each dialect concern: plain SQL and Python that any engine runs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from domain.models import Defect

from ..payloads import DEFECT_COLUMNS, DEFECT_FIELDS

# A defect entry of a pull page: a dict built in Python, or JSON text the database built (orjson.Fragment).
Entry = dict[str, Any] | orjson.Fragment


class Portable:
    name = "portable"
    # Whether a writer takes the feed's write lock before its first read (sync.feed.lock_for_write).
    lock_before_read = False

    def any_of(self, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
        """``column IN (values)``."""
        return column.in_(list(values))

    def defect_entries(self, session: Session, *where: Any, limit: int | None = None) -> list[tuple[uuid.UUID, Entry]]:
        """``(id, entry)`` for the defects matching ``where``, by id, at most ``limit``, built in Python from
        the columns of ``payloads.DEFECT_FIELDS`` and the stored ``photo_list``."""
        stmt = select(*DEFECT_COLUMNS, Defect.photo_list).where(*where).order_by(Defect.id).limit(limit)
        return [(row.id, python_entry(row)) for row in session.connection().execute(stmt).all()]

    def begin_read(self, session: Session) -> None:
        """Nothing to set for a pull page."""


def python_entry(row: Any) -> dict[str, Any]:
    data = dict(zip(DEFECT_FIELDS, row, strict=False))
    data["photos"] = orjson.Fragment(row.photo_list)
    return {"kind": "defect", "id": str(row.id), "op": "upsert", "data": data}
