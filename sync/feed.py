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

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domain.models import Defect, SyncChange, SyncCounter, utcnow

from . import dialects
from .bulk import insert_rows

FEED = "feed"
CURSOR_PREFIX = "c2."
SNAPSHOT_PREFIX = "s2."
# Cursors from before scope versions: still understood, and answered with a reset (they carry no version).
LEGACY_CURSOR_PREFIX = "c1."
LEGACY_SNAPSHOT_PREFIX = "s1."
_INVALID = "同步游标无效，请重新完整同步 / The sync cursor is not valid; pull again from the start"


class CursorError(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    """Where a device is: in the change feed after ``seq``, or (``snapshot``) part-way through a first
    download that resumes after defect ``after`` and then continues the feed after ``seq``.

    ``version`` is the user's ``scope_version`` the cursor was made under (None for a legacy cursor): what
    the device holds is right for that scope only, so a pull under another version starts it over."""

    seq: int
    version: int | None
    snapshot: bool = False
    after: uuid.UUID | None = None

    def encode(self) -> str:
        if self.version is None:
            raise ValueError("a cursor is always issued with a scope version")
        if not self.snapshot:
            return f"{CURSOR_PREFIX}{self.seq}.{self.version}"
        return f"{SNAPSHOT_PREFIX}{self.seq}.{self.version}.{self.after.hex if self.after else ''}"


def _number(text: str) -> int | None:
    """A non-negative integer that fits a BIGINT, or None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _after(text: str) -> uuid.UUID | None:
    if len(text) != 32:
        raise ValueError(text)
    return uuid.UUID(hex=text)


def parse_cursor(cursor: str | None) -> Cursor | None:
    """None for an empty cursor (a first pull); CursorError if it is not one of ours.

    ``c2.<seq>.<version>`` (the feed after seq) and ``s2.<seq>.<version>.<after>`` (a snapshot that
    resumes after defect ``after``, empty at its start); the legacy ``c1.<seq>`` and ``s1.<seq>.<after>``
    parse with ``version=None``."""
    if not cursor:
        return None
    try:
        if cursor.startswith(CURSOR_PREFIX):
            seq, version = (_number(p) for p in cursor[len(CURSOR_PREFIX) :].split("."))
            if seq is not None and version is not None:
                return Cursor(seq, version)
        elif cursor.startswith(SNAPSHOT_PREFIX):
            seq_text, version_text, after = cursor[len(SNAPSHOT_PREFIX) :].split(".")
            seq, version = _number(seq_text), _number(version_text)
            if seq is not None and version is not None:
                return Cursor(seq, version, True, _after(after) if after else None)
        elif cursor.startswith(LEGACY_CURSOR_PREFIX):
            seq = _number(cursor[len(LEGACY_CURSOR_PREFIX) :])
            if seq is not None:
                return Cursor(seq, None)
        elif cursor.startswith(LEGACY_SNAPSHOT_PREFIX):
            seq_text, after = cursor[len(LEGACY_SNAPSHOT_PREFIX) :].split(".")
            seq = _number(seq_text)
            if seq is not None:
                return Cursor(seq, None, True, _after(after) if after else None)
    except ValueError:  # wrong number of parts, or not a defect id
        pass
    raise CursorError(_INVALID)


# The columns domain.policy.defect_filter looks at; each feed row keeps them as they were before the change.
SCOPE_COLUMNS = ("project_id", "unit_id", "contractor_id", "reporter_id", "inspection_id")


def scope_keys(d: Defect) -> dict[str, Any]:
    """The defect's scope columns as they are now."""
    return {k: getattr(d, k) for k in SCOPE_COLUMNS}


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
            rows = [{**row, "seq": first + i, "at": at} for i, row in enumerate(self.rows.values())]
            insert_rows(session, SyncChange, rows)
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
    """Where the dialect asks for it (SQLite), take the write lock before reading, so that a push never
    upgrades a stale read snapshot."""
    if dialects.of(session).lock_before_read:
        allocate(session, 0)


def feed_position(session: Session) -> int:
    """The highest sequence number committed so far (0 before the first write).

    Every number up to it belongs to a committed transaction (commit order = sequence order), so a read
    made after this one sees all of them; anything it does not see will come after this position."""
    value = session.scalar(select(SyncCounter.value).where(SyncCounter.name == FEED))
    return int(value or 0)
