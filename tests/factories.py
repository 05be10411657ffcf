"""factory_boy factories for test data; each commits nothing until the test does."""

from __future__ import annotations

import uuid
from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from domain import models as m
from server.accounts.service import hash_password
from server.extensions import db

PASSWORD = "correct-horse-9"
_PASSWORD_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per test run


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class ProjectFactory(Base):
    class Meta:
        model = m.Project

    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.Sequence(lambda n: f"测试项目{n}")
    city = "佛山"


class BuildingFactory(Base):
    class Meta:
        model = m.Building

    project_id = factory.LazyFunction(lambda: ProjectFactory().id)
    code = factory.Sequence(lambda n: str(n + 1))
    name = factory.LazyAttribute(lambda o: f"{o.code}栋")
    floors = 18


class PlanTypeFactory(Base):
    class Meta:
        model = m.PlanType

    project_id = factory.LazyFunction(lambda: ProjectFactory().id)
    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.LazyAttribute(lambda o: f"{o.code}户型")
    area_m2 = 89.0
    rooms = factory.LazyFunction(
        lambda: [
            m.Room(code="living", name="客厅", position=0, x0=0, y0=0, x1=0.5, y1=1),
            m.Room(code="bath", name="卫生间", position=1, x0=0.5, y0=0, x1=1, y1=1),
        ]
    )


class UnitFactory(Base):
    class Meta:
        model = m.Unit

    building = factory.SubFactory(BuildingFactory)
    project_id = factory.SelfAttribute("building.project_id")
    building_id = factory.SelfAttribute("building.id")
    entrance = "1"
    floor = 3
    number = factory.Sequence(lambda n: f"{n:04d}")
    plan_type_id = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.pop("building", None)
        return super()._create(model_class, *args, **kwargs)


class ContractorFactory(Base):
    class Meta:
        model = m.Contractor

    name = factory.Sequence(lambda n: f"承建商{n}")
    trade = "土建"


class UserFactory(Base):
    class Meta:
        model = m.User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    role = "inspector"
    password_hash = _PASSWORD_HASH
    active = True


class AreaFactory(Base):
    class Meta:
        model = m.DefectArea

    code = factory.Sequence(lambda n: f"area{n}")
    name_zh = "地面/墙面/顶棚"
    name_en = "Surfaces"


class DefectTypeFactory(Base):
    class Meta:
        model = m.DefectType

    area_id = factory.LazyFunction(lambda: AreaFactory().id)
    code = factory.Sequence(lambda n: f"type{n}")
    name_zh = "空鼓"
    name_en = "Hollow"
    pinyin = "kg"
    default_severity = "B"
    trade = "土建"
    due_days = 15


class InspectionFactory(Base):
    class Meta:
        model = m.Inspection

    project_id = factory.LazyFunction(lambda: ProjectFactory().id)
    kind = "pre_inspection"
    name = "客户预验收"
    started_on = factory.LazyFunction(date.today)


class DefectFactory(Base):
    class Meta:
        model = m.Defect

    id = factory.LazyFunction(uuid.uuid4)
    unit = factory.SubFactory(UnitFactory)
    project_id = factory.SelfAttribute("unit.project_id")
    unit_id = factory.SelfAttribute("unit.id")
    type_id = factory.LazyFunction(lambda: DefectTypeFactory().id)
    severity = "B"
    description = "墙面空鼓约30×40cm"
    status = "open"
    field_clocks = factory.LazyFunction(dict)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.pop("unit", None)
        return super()._create(model_class, *args, **kwargs)
