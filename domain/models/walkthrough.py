"""Signed walkthroughs (陪验签字): what a homeowner and an inspector signed for one unit in one
customer-facing round. Each signing is a row of its own (round 1, 2, …): the signed version stays as it
was signed, and items found later need a new round."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import Base, UTCDateTime, utcnow


class Walkthrough(Base):
    __tablename__ = "walkthroughs"
    __table_args__ = (UniqueConstraint("unit_id", "inspection_id", "round"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # made by the tablet that signed it
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"))
    round: Mapped[int] = mapped_column(Integer)
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    owner_name: Mapped[str] = mapped_column(String(60))
    owner_remarks: Mapped[str] = mapped_column(Text, default="")
    # The items as the owner saw them: id, number, room, type, severity, description, deadline, photo hashes.
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # Each signature as vector strokes ([[x, y], …] per stroke, 0..1) and the PNG the pad drew (base64).
    owner_signature: Mapped[dict[str, Any]] = mapped_column(JSON)
    inspector_signature: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The PDF handed out, kept byte for byte so that verification can compare a copy with it.
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
