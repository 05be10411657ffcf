"""The sync engine's tables: devices, the exactly-once ledger, the change feed, status commands, conflicts.

Plain SQLAlchemy (no Flask). How they work together is described in docs/sync-protocol.md.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow

# An HLC string is "{physical_ms:013d}:{counter:05d}:{device_id}"; device ids are at most 64 characters.
HLC_LENGTH = 84


class Device(Base):
    """A browser or tablet that pushes mutations. It belongs to the first user who pushed with it."""

    __tablename__ = "sync_devices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Highest sequence number applied; the next accepted mutation must carry last_seq + 1.
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_push_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AppliedMutation(Base):
    """The exactly-once ledger: (device, seq) → the result given, written in the same transaction as the effect."""

    __tablename__ = "sync_mutations"

    device_id: Mapped[str] = mapped_column(ForeignKey("sync_devices.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hlc: Mapped[str] = mapped_column(String(HLC_LENGTH))
    name: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))  # applied | merged | duplicate | conflict | rejected
    code: Mapped[str] = mapped_column(String(40), default="", server_default="")  # why, when refused
    message: Mapped[str] = mapped_column(Text, default="")
    conflict_id: Mapped[int | None] = mapped_column(Integer)
    defect_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncCounter(Base):
    """One row per counter. The change feed's row is updated last in every writing transaction, which
    serialises commits in sequence order (see docs/sync-protocol.md, "A gapless cursor")."""

    __tablename__ = "sync_counters"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncChange(Base):
    """The change feed: one row per entity touched by a transaction, numbered without gaps.

    The scope columns hold the defect's scope keys as they were BEFORE the change, so that a pull can
    tell a device that a defect has left its scope (evict) by evaluating the policy against them.
    """

    __tablename__ = "sync_changes"
    __table_args__ = (Index("ix_sync_changes_project_seq", "project_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(10))  # defect | comment | conflict
    entity_id: Mapped[str] = mapped_column(String(64))
    defect_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # read by seq range, never looked up by itself
    project_id: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(Integer)
    contractor_id: Mapped[int | None] = mapped_column(Integer)
    reporter_id: Mapped[int | None] = mapped_column(Integer)
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StatusCommand(Base):
    """Every status command received for a defect, so that the status can be re-derived in HLC order
    when a command arrives late (the state machine is a fold over these, see sync/status.py)."""

    __tablename__ = "sync_status_commands"

    id: Mapped[int] = mapped_column(primary_key=True)
    defect_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("defects.id"), index=True)
    hlc: Mapped[str] = mapped_column(String(HLC_LENGTH))
    device_id: Mapped[str | None] = mapped_column(String(64))
    seq: Mapped[int | None] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20))
    user_contractor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))
    from_status: Mapped[str | None] = mapped_column(String(10))
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    forced: Mapped[bool] = mapped_column(Boolean, default=False)  # a person resolving a conflict chose it
    # The status fields just before this command in HLC order, and what became of it.
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    outcome: Mapped[str] = mapped_column(String(10), default="applied")  # applied | conflict
    conflict_id: Mapped[int | None] = mapped_column(Integer)


class Conflict(Base):
    """A change that could not be applied as the device meant it; a person resolves it."""

    __tablename__ = "sync_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    defect_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("defects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # stale | not_allowed
    message: Mapped[str] = mapped_column(Text)
    ours: Mapped[dict[str, Any]] = mapped_column(JSON)  # the server's state at that point
    theirs: Mapped[dict[str, Any]] = mapped_column(JSON)  # what the device asked for
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open | resolved
    device_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(20))  # ours | theirs | superseded
    note: Mapped[str] = mapped_column(Text, default="")
