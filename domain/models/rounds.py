"""Round participants, 分户验收 checklists and their results, project risk checks, and duplicate links."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class InspectionParticipant(Base):
    """Who takes part in a round, and as what (组长, 检查员, 物业, 施工单位, 陪验)."""

    __tablename__ = "inspection_participants"
    __table_args__ = (UniqueConstraint("inspection_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # domain.rounds.calendar.PARTICIPANT_ROLES


class ChecklistItem(Base):
    """One line of a 分户验收 checklist: what to check, how, and the tolerance when there is one.

    ``project_id`` NULL is the standard template; a project that edits its checklist gets its own copy.
    A measured value passes when ``tol_min <= value <= tol_max`` (either bound may be absent)."""

    __tablename__ = "checklist_items"
    __table_args__ = (UniqueConstraint("project_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    area_code: Mapped[str] = mapped_column(String(40))  # a DefectArea code
    room_kind: Mapped[str] = mapped_column(String(20))  # domain.rounds.checklists.ROOM_KINDS
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(200), default="")  # 检查方法: 2 m 靠尺和塞尺, 小锤轻击 …
    unit: Mapped[str] = mapped_column(String(10), default="")  # mm, cm², %, MPa, '' for yes/no items
    tol_min: Mapped[float | None] = mapped_column(Float)
    tol_max: Mapped[float | None] = mapped_column(Float)
    type_code: Mapped[str] = mapped_column(String(40))  # the DefectType a failure creates
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ChecklistResult(Base):
    """The answer for one item in one room of one unit in one round; last writer (by HLC) wins.

    ``room_id`` 0 is the unit as a whole (items not tied to a room, or a unit without a plan)."""

    __tablename__ = "checklist_results"
    __table_args__ = (UniqueConstraint("inspection_id", "unit_id", "room_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    room_id: Mapped[int] = mapped_column(Integer, default=0)
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_items.id"))
    result: Mapped[str] = mapped_column(String(4), default="")  # pass | fail | na | '' (cleared)
    measured: Mapped[float | None] = mapped_column(Float)
    defect_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the defect a failure created
    clock: Mapped[str] = mapped_column(String(84), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class RiskItem(Base):
    """One line of the project's pre-delivery risk check (交付风险排查): result, who fixes it, by when.

    A failing item is a tracked task until re-checked as passed; when it names a unit it also becomes a
    defect (``defect_id``) in the ordinary rectification loop."""

    __tablename__ = "risk_items"
    __table_args__ = (UniqueConstraint("project_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))  # NULL: the whole project
    code: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(20))  # domain.rounds.risk.CATEGORIES
    title: Mapped[str] = mapped_column(String(200))
    result: Mapped[str] = mapped_column(String(10), default="pending")  # pending | pass | fail | na
    responsible: Mapped[str] = mapped_column(String(80), default="")
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("contractors.id"))
    deadline: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    defect_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("defects.id"))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    position: Mapped[int] = mapped_column(Integer, default=0)


class DefectDuplicate(Base):
    """A pair of defects that look like one problem logged twice: suspected, merged, or dismissed.

    The push records ``suspected`` when a new defect arrives on the unit of an open one of the same type,
    in the same room or close on the plan, logged from another device (``domain.rounds.duplicates``).
    When merged, ``defect_id`` is voided as a duplicate of ``duplicate_of_id`` (the survivor), which
    received its photos and comments; the row keeps the link."""

    __tablename__ = "defect_duplicates"
    __table_args__ = (
        UniqueConstraint("defect_id", "duplicate_of_id"),
        Index("ix_defect_duplicates_project_id_state", "project_id", "state"),  # a project's open suspicions
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    defect_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("defects.id"))
    duplicate_of_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("defects.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    state: Mapped[str] = mapped_column(String(10), default="merged")  # suspected | merged | dismissed
    reason: Mapped[str] = mapped_column(String(10), default="", server_default="")  # same_room | near
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
