"""The change feed and its gapless sequence.

Every transaction that changes what devices see records the touched entities with ``ChangeSet.publish``
as its LAST statements before commit. ``publish`` takes the next sequence numbers from a single counter
row with ``UPDATE … SET value = value + n RETURNING value``; that row lock is held until the
transaction commits or rolls back, so transactions commit in sequence order and numbers are never
skipped. A puller that has seen sequence N can therefore never later find a committed N-1 it missed.
(On SQLite there is only ever one writer, so the same statement is trivially in order.)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from server.models import Defect, SyncChange, SyncCounter, utcnow

FEED = "feed"
CURSOR_PREFIX = "c1."


class CursorError(ValueError):
    pass


def encode_cursor(seq: int) -> str:
    return f"{CURSOR_PREFIX}{seq}"


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.startswith(CURSOR_PREFIX) or not cursor[len(CURSOR_PREFIX) :].isdigit():
        raise CursorError("同步游标无效，请重新完整同步 / The sync cursor is not valid; pull again from the start")
    return int(cursor[len(CURSOR_PREFIX) :])


def scope_keys(d: Defect) -> dict[str, Any]:
    """The columns server.policy.defect_filter looks at, as they are now."""
    return {
        "project_id": d.project_id,
        "unit_id": d.unit_id,
        "contractor_id": d.contractor_id,
        "reporter_id": d.reporter_id,
        "inspection_id": d.inspection_id,
    }


@dataclass
class ChangeSet:
    """Entities touched by one transaction; each is published once, with its scope keys from before."""

    rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def touch(self, kind: str, entity_id: Any, defect_id: uuid.UUID, keys_before: dict[str, Any]) -> None:
        key = (kind, str(entity_id))
        if key not in self.rows:
            self.rows[key] = {"kind": kind, "entity_id": str(entity_id), "defect_id": defect_id, **keys_before}

    def defect(self, d: Defect, keys_before: dict[str, Any] | None = None) -> None:
        self.touch("defect", d.id, d.id, keys_before or scope_keys(d))

    def __len__(self) -> int:
        return len(self.rows)

    def publish(self, session: Session, at: datetime | None = None) -> int:
        """Number the changes and write them; call it last, right before commit. Returns the last seq."""
        session.flush()
        n = len(self.rows)
        top = allocate(session, n)
        if n:
            at = at or utcnow()
            first = top - n + 1
            session.execute(
                insert(SyncChange), [{**row, "seq": first + i, "at": at} for i, row in enumerate(self.rows.values())]
            )
        return top


def allocate(session: Session, n: int) -> int:
    """Reserve n sequence numbers (n may be 0 to just take the lock); returns the highest reserved."""
    stmt = update(SyncCounter).where(SyncCounter.name == FEED).values(value=SyncCounter.value + n)
    top = session.execute(stmt.returning(SyncCounter.value)).scalar()
    if top is None:
        # First write ever. Two racing first writers collide on the primary key; the loser retries.
        session.add(SyncCounter(name=FEED, value=n))
        session.flush()
        return n
    return int(top)


def lock_for_write(session: Session) -> None:
    """On SQLite, take the write lock before reading, so a push never upgrades a stale read snapshot."""
    if session.get_bind().dialect.name == "sqlite":
        allocate(session, 0)
