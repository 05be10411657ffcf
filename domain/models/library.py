"""The defect library: 分户验收 areas (地面/墙面/顶棚, 门窗, …) and the defect types under them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .enums import SEVERITIES


class DefectArea(Base):
    __tablename__ = "defect_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)

    types: Mapped[list[DefectType]] = relationship(back_populates="area", order_by="DefectType.position")


class DefectType(Base):
    __tablename__ = "defect_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("defect_areas.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120))
    pinyin: Mapped[str] = mapped_column(String(40), default="")  # initials, e.g. "kg" for 空鼓
    default_severity: Mapped[str] = mapped_column(String(10), default=SEVERITIES[1])
    trade: Mapped[str] = mapped_column(String(40))  # which contractor trade usually fixes it
    category: Mapped[str] = mapped_column(String(20), default="工程质量")  # routing category
    due_days: Mapped[int] = mapped_column(Integer, default=30)
    position: Mapped[int] = mapped_column(Integer, default=0)

    area: Mapped[DefectArea] = relationship(back_populates="types")
