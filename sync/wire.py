"""Defect entries of a pull page, as the device receives them.

Each entry is ``{"kind": "defect", "id": …, "op": "upsert", "data": {…, "photos": […]}}`` with the fields
of ``payloads.DEFECT_FIELDS`` and the defect's stored ``photo_list`` (domain.models.photo_list). How it is
built is the dialect's concern (sync.dialects): JSON text made by PostgreSQL, or a dict made in Python
(``payloads.python_entries``, on any engine). Both give the same JSON values (``tests/sync/test_wire.py``
compares them with the REST API).
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from sqlalchemy.orm import Session

from . import dialects
from .payloads import python_entries

__all__ = ["Entry", "defect_entries", "python_entries"]

# A defect entry of a pull page: a dict built in Python, or JSON text the database built.
Entry = dict[str, Any] | orjson.Fragment


def defect_entries(session: Session, *where: Any, limit: int | None = None) -> list[tuple[uuid.UUID, Entry]]:
    """``(id, entry)`` for the defects matching ``where``, by id, at most ``limit``."""
    return dialects.of(session).defect_entries(session, *where, limit=limit)
