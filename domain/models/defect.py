"""Inspections (检查批次), defects, their photos, comments and the append-only history of changes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, new_uuid, utcnow


class Inspection(Base):
    __tablename__ = "inspections"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # enums.INSPECTION_KINDS
    name: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # On the delivery calendar (domain.rounds.calendar): planned → open → closed. Rounds from before the
    # calendar existed were opened when created.
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    # Its units: the building (building_id), narrowed to some floors, or an explicit list of unit ids.
    floors: Mapped[list[int] | None] = mapped_column(JSON)
    unit_ids: Mapped[list[int] | None] = mapped_column(JSON)


class UnitInspection(Base):
    """Whether a unit was inspected in a round (已验 / 未验): checklist progress, so that a unit nobody
    inspected is never counted as a unit with zero defects."""

    __tablename__ = "unit_inspections"
    __table_args__ = (UniqueConstraint("inspection_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="partial")  # partial | done
    items_done: Mapped[int] = mapped_column(Integer, default=0)
    items_total: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class InspectionCheckin(Base):
    """A homeowner's attendance at a customer-facing round (到访), by their QR code or recorded by staff."""

    __tablename__ = "inspection_checkins"
    __table_args__ = (UniqueConstraint("inspection_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the homeowner, when known
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    method: Mapped[str] = mapped_column(String(10), default="staff")  # qr | staff
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Defect(Base):
    """One defect. Its id is made by the device that recorded it, so it can exist offline first."""

    __tablename__ = "defects"
    # A pull reads a project's (or a contractor's) defects in id order, a page at a time: these are its
    # index range scans, whatever the size of the project (docs/sync-protocol.md, "What a pull costs").
    # They also serve every lookup by project or contractor alone.
    __table_args__ = (
        Index("ix_defects_project_id_id", "project_id", "id"),
        Index("ix_defects_contractor_id_id", "contractor_id", "id"),
        # A unit's defects, and of one type: the push looks up suspected duplicates of each new defect by
        # both (domain.rounds.duplicates); the unit alone uses its leading column.
        Index("ix_defects_unit_id_type_id", "unit_id", "type_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    pin_x: Mapped[float | None] = mapped_column(Float)  # 0..1 across the plan image
    pin_y: Mapped[float | None] = mapped_column(Float)
    type_id: Mapped[int] = mapped_column(ForeignKey("defect_types.id"), index=True)
    severity: Mapped[str] = mapped_column(String(1))  # enums.SEVERITIES
    description: Mapped[str] = mapped_column(Text, default="")
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("contractors.id"))
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # enums.STATUSES
    due_date: Mapped[date | None] = mapped_column(Date)
    repeat_count: Mapped[int] = mapped_column(Integer, default=0)  # failed re-checks (重复维修)
    satisfaction: Mapped[int | None] = mapped_column(Integer)  # 1..5 from the follow-up visit (回访)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Rectification deadlines (时限), set on dispatch from the project's time-limit policy: someone must
    # accept (接单) by response_due_at and the fix must be done by fix_due_at.
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fix_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the crew's 接单
    escalation_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0 = not escalated
    # Hybrid-logical-clock stamp of the last write to each field (last writer wins per field).
    field_clocks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The visible photos as a JSON array, for the sync pull; kept in step by models.photo_list.
    photo_list: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")

    photos: Mapped[list[DefectPhoto]] = relationship(
        back_populates="defect", order_by="DefectPhoto.added_at", cascade="all, delete-orphan"
    )


class DefectPhoto(Base):
    """A photo in a defect's set, by content hash: the record may arrive before or after the bytes."""

    __tablename__ = "defect_photos"
    # The unique pair's index also serves lookups by defect alone.
    __table_args__ = (UniqueConstraint("defect_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    defect_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("defects.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="before")  # enums.PHOTO_KINDS
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # HLC of the latest add and of the latest removal: the photo is in the set while clock > removed_clock.
    clock: Mapped[str] = mapped_column(String(84), default="")
    removed_clock: Mapped[str | None] = mapped_column(String(84))

    defect: Mapped[Defect] = relationship(back_populates="photos")


class DefectComment(Base):
    __tablename__ = "defect_comments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    defect_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("defects.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DefectHistory(Base):
    """Append-only: one row per change of one field (who, when, from which device, old → new)."""

    __tablename__ = "defect_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    defect_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("defects.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(30))  # create, set, status, photo_add, photo_remove, ...
    field: Mapped[str | None] = mapped_column(String(40))
    old: Mapped[Any] = mapped_column(JSON, nullable=True)
    new: Mapped[Any] = mapped_column(JSON, nullable=True)

    defect: Mapped[Defect] = relationship()
