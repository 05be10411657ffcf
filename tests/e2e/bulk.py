"""A large project for the download tests and the PWA bench: one building of units and N defects on them,
written in bulk (no photos: the figures are for the defects; photos have their own budget and bench)."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import insert, select

from domain.models import Building, Defect, DefectType, Membership, PlanType, Project, Room, Unit, User, utcnow
from server.extensions import db

BIG_PROJECT_CODE = "E2E-BIG"
WORDS = ["墙面空鼓", "地砖空鼓", "顶棚渗水", "门框开裂", "窗户开启不灵活", "插座无电", "踢脚线缝隙", "墙面垂直度偏差"]


def big_project(defects: int, floors: int = 25, per_floor: int = 4) -> int:
    """大项目: one building, ``floors × per_floor`` units, ``defects`` open defects spread over them; the
    demo inspector is a member. Returns the project id."""
    project = Project(code=BIG_PROJECT_CODE, name="大项目（一万条缺陷）", city="佛山")
    db.session.add(project)
    db.session.flush()
    plan = PlanType(project_id=project.id, code="B", name="B户型 两室一厅", area_m2=89.0)
    plan.rooms = [
        Room(code="living", name="客厅", position=0, x0=0, y0=0.4, x1=0.6, y1=1),
        Room(code="bed", name="主卧", position=1, x0=0, y0=0, x1=0.6, y1=0.4),
        Room(code="kitchen", name="厨房", position=2, x0=0.6, y0=0, x1=1, y1=1),
    ]
    building = Building(project_id=project.id, code="8", name="8栋", floors=floors)
    db.session.add_all([plan, building])
    db.session.flush()
    units = [
        Unit(
            project_id=project.id,
            building_id=building.id,
            entrance="1",
            floor=f,
            number=f"{f:02d}{n:02d}",
            plan_type_id=plan.id,
        )
        for f in range(1, floors + 1)
        for n in range(1, per_floor + 1)
    ]
    db.session.add_all(units)
    inspector = db.session.scalars(select(User).where(User.username == "inspector")).one()
    db.session.add(Membership(user_id=inspector.id, project_id=project.id))
    db.session.flush()
    types = list(db.session.scalars(select(DefectType.id).order_by(DefectType.id)))
    rooms = [r.id for r in plan.rooms]
    rng = random.Random(17)
    now = utcnow()
    rows = [
        {
            "project_id": project.id,
            "unit_id": units[i % len(units)].id,
            # Pinned in the kitchen: the rest of the plan stays free for a test to tap a new defect.
            "room_id": rooms[2],
            "pin_x": 0.64 + 0.32 * rng.random(),
            "pin_y": 0.04 + 0.92 * rng.random(),
            "type_id": rng.choice(types),
            "severity": rng.choice("ABC"),
            "description": f"{rng.choice(WORDS)}，第{i + 1}处，需整改",
            "reporter_id": inspector.id,
            "status": "open",
            "created_at": now - timedelta(minutes=i),
            "updated_at": now - timedelta(minutes=i),
        }
        for i in range(defects)
    ]
    db.session.execute(insert(Defect), rows)
    return project.id
