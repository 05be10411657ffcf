"""Where defects live: project (项目) → building (楼栋) → unit (房号), floor-plan types (户型) and rooms."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(80), default="")
    delivery_date: Mapped[date | None] = mapped_column(Date)  # 集中交付
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    buildings: Mapped[list[Building]] = relationship(back_populates="project", order_by="Building.id")


class Building(Base):
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("project_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # "1", "2A"
    name: Mapped[str] = mapped_column(String(80))  # "1栋"
    floors: Mapped[int] = mapped_column(Integer, default=1)

    project: Mapped[Project] = relationship(back_populates="buildings")


class PlanType(Base):
    """户型: a floor plan shared by many units, with its rooms."""

    __tablename__ = "plan_types"
    __table_args__ = (UniqueConstraint("project_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    area_m2: Mapped[float | None] = mapped_column(Float)
    # The plan image is a photo blob, referred to by its SHA-256 like any other photo.
    plan_sha256: Mapped[str | None] = mapped_column(String(64))
    plan_width: Mapped[int | None] = mapped_column(Integer)
    plan_height: Mapped[int | None] = mapped_column(Integer)

    rooms: Mapped[list[Room]] = relationship(back_populates="plan_type", order_by="Room.position")


class Room(Base):
    """A room of a 户型, with its box on the plan in normalised coordinates (0..1)."""

    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("plan_type_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_type_id: Mapped[int] = mapped_column(ForeignKey("plan_types.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))  # 客厅, 主卧, 卫生间
    position: Mapped[int] = mapped_column(Integer, default=0)
    x0: Mapped[float] = mapped_column(Float, default=0.0)
    y0: Mapped[float] = mapped_column(Float, default=0.0)
    x1: Mapped[float] = mapped_column(Float, default=1.0)
    y1: Mapped[float] = mapped_column(Float, default=1.0)

    plan_type: Mapped[PlanType] = relationship(back_populates="rooms")

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1


class Unit(Base):
    """房号: one home, addressed as building / 单元 entrance / floor / number."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("building_id", "entrance", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # project_id is denormalised from the building: every scope check filters on it.
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    entrance: Mapped[str] = mapped_column(String(20), default="1")  # 单元
    floor: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))  # "0301"
    plan_type_id: Mapped[int | None] = mapped_column(ForeignKey("plan_types.id"))
    area_m2: Mapped[float | None] = mapped_column(Float)

    building: Mapped[Building] = relationship()
    plan_type: Mapped[PlanType | None] = relationship()

    @property
    def label(self) -> str:
        return f"{self.building.name}{self.entrance}单元{self.number}"


class Contractor(Base):
    """承建商 / 分包单位: who is responsible for fixing a defect; crews belong to one."""

    __tablename__ = "contractors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    trade: Mapped[str] = mapped_column(String(40))  # 土建, 精装, 水电, 门窗 ...
    contact: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
