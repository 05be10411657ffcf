"""A realistic demo project: 翠湖天地 with 3 buildings, ~400 units, 3 户型, 4 contractors, users for
every role and ~1,500 defects spread over the inspection calendar and the rectification loop.

Deterministic (fixed random seed) and idempotent: loading twice leaves one demo project.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.followup import deadlines, defaults
from domain.models import (
    Building,
    Contractor,
    Defect,
    DefectHistory,
    DefectType,
    HomeownerUnit,
    Inspection,
    Invitation,
    Membership,
    PlanType,
    Project,
    Room,
    Unit,
    User,
)
from sync.bulk import insert_rows, new_rows
from sync.feed import ChangeSet

from ..accounts.service import hash_password
from ..library.seed import seed_library

PROJECT_CODE = "DEMO-CHT"
PASSWORD = "demo1234"

# (code, name, area, rooms as (code, name, x0, y0, x1, y1) in plan coordinates 0..1)
PLAN_TYPES = [
    (
        "A",
        "A户型 三室两厅 89㎡",
        89.0,
        [
            ("living", "客厅", 0.00, 0.40, 0.55, 1.00),
            ("dining", "餐厅", 0.55, 0.55, 0.80, 1.00),
            ("kitchen", "厨房", 0.80, 0.55, 1.00, 1.00),
            ("master", "主卧", 0.00, 0.00, 0.40, 0.40),
            ("second", "次卧", 0.40, 0.00, 0.70, 0.40),
            ("study", "书房", 0.70, 0.00, 1.00, 0.30),
            ("bath", "卫生间", 0.70, 0.30, 1.00, 0.55),
            ("balcony", "阳台", 0.55, 0.40, 0.70, 0.55),
        ],
    ),
    (
        "B",
        "B户型 两室两厅 72㎡",
        72.0,
        [
            ("living", "客厅", 0.00, 0.45, 0.60, 1.00),
            ("kitchen", "厨房", 0.60, 0.60, 1.00, 1.00),
            ("master", "主卧", 0.00, 0.00, 0.50, 0.45),
            ("second", "次卧", 0.50, 0.00, 1.00, 0.35),
            ("bath", "卫生间", 0.60, 0.35, 1.00, 0.60),
            ("balcony", "阳台", 0.50, 0.35, 0.60, 0.45),
        ],
    ),
    (
        "C",
        "C户型 四室两厅 128㎡",
        128.0,
        [
            ("living", "客厅", 0.00, 0.35, 0.50, 0.80),
            ("dining", "餐厅", 0.50, 0.35, 0.75, 0.80),
            ("kitchen", "厨房", 0.75, 0.35, 1.00, 0.80),
            ("master", "主卧", 0.00, 0.00, 0.35, 0.35),
            ("second", "次卧", 0.35, 0.00, 0.60, 0.35),
            ("third", "三卧", 0.60, 0.00, 0.80, 0.35),
            ("study", "书房", 0.80, 0.00, 1.00, 0.35),
            ("bath", "主卫", 0.00, 0.80, 0.30, 1.00),
            ("bath2", "公卫", 0.30, 0.80, 0.55, 1.00),
            ("balcony", "阳台", 0.55, 0.80, 1.00, 1.00),
        ],
    ),
]

# (code, floors, entrances, units per floor per entrance, plan types by position)
BUILDINGS = [("1", 18, 2, 4, "ABBA"), ("2", 18, 2, 4, "ABBA"), ("3", 14, 1, 8, "CCAABBCC")]

CONTRACTORS = [
    ("中建八局第三建设有限公司", "土建", "李工", "13800000001"),
    ("金螳螂精装工程有限公司", "精装", "周工", "13800000002"),
    ("华东水电安装有限公司", "水电", "吴工", "13800000003"),
    ("坚朗门窗幕墙有限公司", "门窗", "郑工", "13800000004"),
]
TRADE_FALLBACK = {"防水": "土建"}

# (kind, name, days before delivery, share of defects, status weights)
INSPECTIONS = [
    ("internal", "内部模拟验收（土建阶段）", 120, 0.30, {"closed": 80, "visited": 10, "fixed": 5, "assigned": 5}),
    ("group_joint", "集团联合验收", 60, 0.25, {"closed": 55, "fixed": 20, "assigned": 20, "void": 5}),
    ("open_day", "工地开放日", 45, 0.25, {"closed": 40, "fixed": 25, "assigned": 30, "open": 5}),
    ("regional_joint", "区域联合验收", 30, 0.10, {"closed": 20, "fixed": 30, "assigned": 40, "open": 10}),
    ("handover", "承接查验", 15, 0.10, {"fixed": 20, "assigned": 50, "open": 30}),
]

DESCRIPTIONS = {
    "空鼓": ["敲击有空鼓声，面积约{n}0×{m}0cm", "踢脚线上方空鼓，约{n}处", "地砖空鼓，轻敲有回响"],
    "裂缝": ["墙面竖向裂缝长约{n}0cm", "门洞角部斜向裂缝", "顶棚有细微裂纹，长约{m}0cm"],
    "渗漏": ["下雨后窗台下方有水迹", "顶棚有水渍，疑似楼上渗漏", "墙角潮湿，手摸有水"],
    "": [
        "{room}发现问题，需施工单位现场确认",
        "业主指出：{room}处理不到位",
        "{room}观感质量差，需整改",
        "现场检查发现，位置见图钉",
        "请于期限内整改并拍照回复",
    ],
}

STAFF = [
    ("admin", "系统管理员", "admin", None),
    ("manager", "王经理（客关部）", "manager", None),
    ("inspector", "张工（工程部）", "inspector", None),
    ("inspector2", "刘工（风险管控岗）", "inspector", None),
]


@dataclass
class DemoSummary:
    project_id: int
    units: int
    defects: int
    logins: list[tuple[str, str, str]]


def _logins(session: Session) -> list[tuple[str, str, str]]:
    users = session.scalars(select(User).where(User.username.in_(_demo_usernames())).order_by(User.id))
    return [(u.username, PASSWORD, f"{u.role} · {u.display_name}") for u in users]


def _demo_usernames() -> list[str]:
    crew = [f"crew{i + 1}" for i in range(len(CONTRACTORS))]
    return [s[0] for s in STAFF] + crew + ["owner", "owner2"]


def load_demo(session: Session, today: date | None = None) -> DemoSummary:
    seed_library(session)
    existing = session.scalar(select(Project).where(Project.code == PROJECT_CODE))
    if existing is not None:
        return DemoSummary(
            existing.id, _count(session, Unit, existing.id), _count(session, Defect, existing.id), _logins(session)
        )
    rng = random.Random(20261123)
    today = today or date.today()
    delivery = today + timedelta(days=10)
    project = Project(code=PROJECT_CODE, name="翠湖天地（演示项目）", city="佛山", delivery_date=delivery)
    session.add(project)
    session.flush()

    plans = {}
    for code, name, area, rooms in PLAN_TYPES:
        plan = PlanType(project_id=project.id, code=code, name=name, area_m2=area)
        plan.rooms = [
            Room(code=c, name=n, position=i, x0=a, y0=b, x1=x, y1=y) for i, (c, n, a, b, x, y) in enumerate(rooms)
        ]
        session.add(plan)
        plans[code] = plan
    session.flush()

    units: list[Unit] = []
    for b_code, floors, entrances, per_floor, layout in BUILDINGS:
        building = Building(project_id=project.id, code=b_code, name=f"{b_code}栋", floors=floors)
        session.add(building)
        session.flush()
        for entrance in range(1, entrances + 1):
            for floor in range(1, floors + 1):
                for n in range(1, per_floor + 1):
                    plan = plans[layout[n - 1]]
                    unit = Unit(
                        project_id=project.id,
                        building_id=building.id,
                        entrance=str(entrance),
                        floor=floor,
                        number=f"{floor:02d}{n:02d}",
                        plan_type_id=plan.id,
                        area_m2=plan.area_m2,
                    )
                    units.append(unit)
    session.add_all(units)

    contractors = []
    for name, trade, contact, phone in CONTRACTORS:
        c = session.scalar(select(Contractor).where(Contractor.name == name))
        if c is None:
            c = Contractor(name=name, trade=trade, contact=contact, phone=phone)
            session.add(c)
        contractors.append(c)
    session.flush()
    by_trade = {c.trade: c for c in contractors}

    pw = hash_password(PASSWORD)
    users: dict[str, User] = {}
    for username, display, role, _ in STAFF:
        users[username] = _user(session, username, display, role, pw)
    for i, c in enumerate(contractors):
        users[f"crew{i + 1}"] = _user(session, f"crew{i + 1}", f"{c.contact}（{c.trade}维修）", "crew", pw, c.id)
    users["owner"] = _user(session, "owner", "陈先生（业主）", "homeowner", pw)
    users["owner2"] = _user(session, "owner2", "林女士（业主）", "homeowner", pw)
    session.flush()
    for username in ("manager", "inspector", "inspector2"):
        session.add(Membership(user_id=users[username].id, project_id=project.id))
    owner_unit, owner2_unit = units[0], units[1]
    session.add(HomeownerUnit(user_id=users["owner"].id, unit_id=owner_unit.id))
    session.add(HomeownerUnit(user_id=users["owner2"].id, unit_id=owner2_unit.id))
    # A printed invitation for a third unit, so the sign-up path can be tried with the demo.
    session.add(Invitation(unit_id=units[2].id, code="DEMO2026AB"))

    inspections = []
    for kind, name, days_before, share, weights in INSPECTIONS:
        insp = Inspection(
            project_id=project.id,
            kind=kind,
            name=name,
            started_on=delivery - timedelta(days=days_before),
            created_by_id=users["inspector"].id,
        )
        session.add(insp)
        inspections.append((insp, share, weights))
    session.flush()

    types = session.scalars(select(DefectType).order_by(DefectType.id)).all()
    type_weights = [
        5 if t.name_zh in ("空鼓", "裂缝", "色差", "开启不灵活", "密封不严", "插座无电") else 1 for t in types
    ]
    reporters = [users["inspector"], users["inspector2"], users["manager"]]
    defects: list[Defect] = []
    history: list[DefectHistory] = []
    # Most units have a handful of defects, some have none (零缺陷户), a few have many.
    target = 1500
    for insp, share, weights in inspections:
        for _ in range(int(target * share)):
            unit = rng.choice(units)
            plan = next(p for p in plans.values() if p.id == unit.plan_type_id)
            room = rng.choice(plan.rooms)
            dtype = rng.choices(types, type_weights)[0]
            status = rng.choices(list(weights), list(weights.values()))[0]
            created = datetime.combine(insp.started_on, datetime.min.time(), UTC) + timedelta(
                hours=rng.randint(9, 17), minutes=rng.randint(0, 59)
            )
            contractor = by_trade.get(dtype.trade) or by_trade[TRADE_FALLBACK.get(dtype.trade, "土建")]
            d = Defect(
                id=uuid.uuid4(),
                project_id=project.id,
                unit_id=unit.id,
                room_id=room.id,
                pin_x=round(rng.uniform(room.x0 + 0.02, room.x1 - 0.02), 4),
                pin_y=round(rng.uniform(room.y0 + 0.02, room.y1 - 0.02), 4),
                type_id=dtype.id,
                severity=dtype.default_severity,
                description=_description(rng, dtype.name_zh, room.name),
                reporter_id=rng.choice(reporters).id,
                inspection_id=insp.id,
                status=status,
                created_at=created,
                updated_at=created,
                field_clocks={},
            )
            _advance(d, rng, status, created, dtype.due_days, contractor, users, history)
            defects.append(d)
    # Homeowners' own findings at the open day on their unit, so their screens are not empty.
    open_day = inspections[2][0]
    for owner, unit in ((users["owner"], owner_unit), (users["owner2"], owner2_unit)):
        plan = next(p for p in plans.values() if p.id == unit.plan_type_id)
        for dtype in rng.sample(types, 3):
            room = rng.choice(plan.rooms)
            created = datetime.combine(open_day.started_on, datetime.min.time(), UTC) + timedelta(hours=10)
            d = Defect(
                id=uuid.uuid4(),
                project_id=project.id,
                unit_id=unit.id,
                room_id=room.id,
                pin_x=(room.x0 + room.x1) / 2,
                pin_y=(room.y0 + room.y1) / 2,
                type_id=dtype.id,
                severity=dtype.default_severity,
                description=f"业主指出：{room.name}{dtype.name_zh}",
                reporter_id=owner.id,
                inspection_id=open_day.id,
                owner_raised=True,  # 业主提出
                status="open",
                created_at=created,
                updated_at=created,
                field_clocks={},
            )
            history.append(DefectHistory(defect_id=d.id, at=created, user_id=owner.id, action="create"))
            defects.append(d)
    # Written in bulk (COPY on PostgreSQL), deadlines included: through the unit of work, 1,500 defects and
    # their ~6,000 history rows took most of the demo's load time.
    session.flush()
    _follow_up(session, project.id, defects, rng)
    # Numbered in the order they were found, as the server numbers new ones (sync.numbering continues).
    for n, d in enumerate(sorted(defects, key=lambda d: (d.created_at, str(d.id))), start=1):
        d.number = n
    insert_rows(session, Defect, new_rows(defects))
    insert_rows(session, DefectHistory, new_rows(history))
    # Into the sync change feed, so devices pull the demo defects like any others.
    changes = ChangeSet()
    for d in defects:
        changes.defect(d)
    changes.publish(session)
    return DemoSummary(project.id, len(units), len(defects), _logins(session))


def _follow_up(session: Session, project_id: int, defects: list[Defect], rng: random.Random) -> None:
    """The project's default time limits and ladder; dispatched defects get their deadlines from them and
    most were accepted (接单) within hours. ``flask followup run`` then escalates the overdue ones."""
    defaults.ensure_project(session, project_id)
    for d in defects:
        if d.assigned_at is None:
            continue
        deadlines.refresh(session, d, [])
        if d.status != "assigned" or rng.random() < 0.6:
            d.accepted_at = d.assigned_at + timedelta(hours=rng.randint(1, 20))


def _user(session: Session, username: str, display: str, role: str, pw: str, contractor_id: int | None = None) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, display_name=display, role=role, password_hash=pw, contractor_id=contractor_id)
        session.add(user)
    return user


def _count(session: Session, model: Any, project_id: int) -> int:
    return len(session.scalars(select(model.id).where(model.project_id == project_id)).all())


def _description(rng: random.Random, type_name: str, room: str) -> str:
    options = DESCRIPTIONS.get(type_name) or DESCRIPTIONS[""]
    return rng.choice(options).format(n=rng.randint(1, 5), m=rng.randint(2, 9), room=room)


def _advance(
    d: Defect,
    rng: random.Random,
    status: str,
    created: datetime,
    due_days: int,
    contractor: Contractor,
    users: dict[str, User],
    history: list[DefectHistory],
) -> None:
    """Walk the defect along the loop up to its status, writing the history a real one would have."""

    def log(at: datetime, user: User, action: str, field: str | None = None, old: Any = None, new: Any = None) -> None:
        history.append(
            DefectHistory(defect_id=d.id, at=at, user_id=user.id, action=action, field=field, old=old, new=new)
        )
        d.updated_at = max(d.updated_at, at)

    log(created, users["inspector"], "create")
    if status in ("open", "void"):
        if status == "void":
            log(created + timedelta(days=1), users["manager"], "status", "status", "open", "void")
        return
    assigned = created + timedelta(hours=rng.randint(2, 48))
    d.contractor_id = contractor.id
    d.assigned_at = assigned
    d.due_date = (assigned + timedelta(days=due_days)).date()
    log(assigned, users["manager"], "status", "status", "open", "assigned")
    if status == "assigned":
        return
    crew = next(u for u in users.values() if u.contractor_id == contractor.id)
    fixed = assigned + timedelta(days=rng.randint(1, due_days + 10))
    if rng.random() < 0.08:  # a failed re-check: counts as a repeat repair (重复维修)
        d.repeat_count = 1
        log(fixed, crew, "status", "status", "assigned", "fixed")
        log(fixed + timedelta(days=1), users["inspector"], "status", "status", "fixed", "assigned")
        fixed += timedelta(days=rng.randint(2, 6))
    d.fixed_at = fixed
    log(fixed, crew, "status", "status", "assigned", "fixed")
    if status == "fixed":
        return
    closed = fixed + timedelta(days=rng.randint(1, 4))
    d.closed_at = closed
    log(closed, users["inspector"], "status", "status", "fixed", "closed")
    if status == "visited":
        d.satisfaction = rng.choices([5, 4, 3, 2], [60, 28, 9, 3])[0]
        d.visit_method = "phone"  # the manager called the owner (电话回访)
        log(closed + timedelta(days=3), users["manager"], "status", "status", "closed", "visited")
