"""The delivery gate (交付许可令): each project's criteria and the permits issued per building."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class DeliveryGateSettings(Base):
    """A project's own criteria, as {code: {"enabled": bool, "target": number}}; codes not listed take the
    defaults of domain.stats.gate.DEFAULTS."""

    __tablename__ = "delivery_gate_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DeliveryPermit(Base):
    """交付许可令 for one building: who issued it, when, the criteria as they stood, and the written reason
    when an admin overrode a failing criterion. A revoked permit no longer lets delivery start."""

    __tablename__ = "delivery_permits"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    override: Mapped[bool] = mapped_column(Boolean, default=False)
    override_reason: Mapped[str] = mapped_column(String(1000), default="")
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # the readiness at issue time
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
