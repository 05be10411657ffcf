"""Defect entries of a pull page, as the device receives them.

Each entry is ``{"kind": "defect", "id": …, "op": "upsert", "data": {…, "photos": […]}}`` with the fields
of ``payloads.DEFECT_FIELDS`` and the defect's stored ``photo_list`` (domain.models.photo_list). How it is
built is the dialect's concern (sync.dialects): JSON text made by PostgreSQL, or a dict made in Python on
any engine. Both give the same JSON values (``tests/sync/test_wire.py`` compares them with the REST API).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from . import dialects
from .dialects import Entry, Portable

__all__ = ["Entry", "defect_entries", "python_entries"]

_PORTABLE = Portable()


def defect_entries(session: Session, *where: Any, limit: int | None = None) -> list[tuple[uuid.UUID, Entry]]:
    """``(id, entry)`` for the defects matching ``where``, by id, at most ``limit``."""
    return dialects.of(session).defect_entries(session, *where, limit=limit)


def python_entries(session: Session, *where: Any, limit: int | None = None) -> list[tuple[uuid.UUID, Entry]]:
    """The same entries built in Python, on any engine."""
    return _PORTABLE.defect_entries(session, *where, limit=limit)
