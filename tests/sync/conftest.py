"""A small world for sync tests: one project, two units, a defect type, two contractors, every role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from domain.models import HomeownerUnit, Membership, User
from server.extensions import db
from tests import factories as f

from .device import SimDevice


@dataclass
class World:
    project: Any
    unit: Any
    unit2: Any
    rooms: list[Any]
    dtype: Any
    contractor: Any
    contractor2: Any
    inspection: Any
    admin: User
    manager: User
    inspector: User
    inspector2: User
    crew: User
    crew2: User
    owner: User
    owner2: User
    outsider: User


@pytest.fixture
def world(app: Any) -> World:
    project = f.ProjectFactory()
    building = f.BuildingFactory(project_id=project.id)
    plan = f.PlanTypeFactory(project_id=project.id)
    unit = f.UnitFactory(building=building, plan_type_id=plan.id)
    unit2 = f.UnitFactory(building=building, plan_type_id=plan.id)
    other_project = f.ProjectFactory()
    dtype = f.DefectTypeFactory()
    c1, c2 = f.ContractorFactory(), f.ContractorFactory()
    inspection = f.InspectionFactory(project_id=project.id, kind="pre_inspection")
    users = {
        "admin": f.UserFactory(role="admin"),
        "manager": f.UserFactory(role="manager"),
        "inspector": f.UserFactory(role="inspector"),
        "inspector2": f.UserFactory(role="inspector"),
        "crew": f.UserFactory(role="crew", contractor_id=c1.id),
        "crew2": f.UserFactory(role="crew", contractor_id=c2.id),
        "owner": f.UserFactory(role="homeowner"),
        "owner2": f.UserFactory(role="homeowner"),
        "outsider": f.UserFactory(role="inspector"),
    }
    db.session.flush()
    for key in ("manager", "inspector", "inspector2"):
        db.session.add(Membership(user_id=users[key].id, project_id=project.id))
    db.session.add(Membership(user_id=users["outsider"].id, project_id=other_project.id))
    db.session.add(HomeownerUnit(user_id=users["owner"].id, unit_id=unit.id))
    db.session.add(HomeownerUnit(user_id=users["owner2"].id, unit_id=unit2.id))
    db.session.commit()
    return World(project, unit, unit2, list(plan.rooms), dtype, c1, c2, inspection, **users)


@pytest.fixture
def device(client: Any, auth: Any) -> Any:
    """device(user) → a SimDevice logged in as that user."""

    def make(user: User, device_id: str | None = None) -> SimDevice:
        return SimDevice(client, auth.headers(user), device_id)

    return make
