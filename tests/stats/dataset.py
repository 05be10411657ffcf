"""A small fixed project whose every number is worked out by hand in test_numbers.py."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from domain.models import (
    Defect,
    HomeownerUnit,
    InspectionCheckin,
    Invitation,
    Membership,
    UnitInspection,
)
from server.extensions import db
from tests.factories import (
    BuildingFactory,
    ContractorFactory,
    DefectTypeFactory,
    InspectionFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def at(day: int, hour: int = 2, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Data:
    ids: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    defects: dict[str, Defect] = field(default_factory=dict)


def build() -> Data:
    data = Data()
    p, other = ProjectFactory(delivery_date=date(2026, 12, 20)), ProjectFactory()
    b1, b2 = BuildingFactory(project_id=p.id, name="1栋"), BuildingFactory(project_id=p.id, name="2栋")
    u1, u2, u3, u4 = (UnitFactory(building=b1, number=n) for n in ("0101", "0102", "0201", "0202"))
    u5 = UnitFactory(building=b2, number="0101")
    c1, c2 = ContractorFactory(name="甲土建"), ContractorFactory(name="乙精装")
    leak = DefectTypeFactory(name_zh="卫生间渗漏", name_en="Bathroom leak", code="water.leak_bath")
    hollow = DefectTypeFactory(name_zh="空鼓", name_en="Hollow", code="surface.hollow")
    r1 = InspectionFactory(
        project_id=p.id, kind="pre_inspection", name="客户预验收", building_id=b1.id, started_on=date(2026, 11, 2)
    )
    r2 = InspectionFactory(project_id=p.id, kind="handover", name="承接查验", started_on=date(2026, 11, 16))
    db.session.add_all(
        [
            UnitInspection(inspection_id=r1.id, unit_id=u3.id, status="done", items_done=10, items_total=10),
            UnitInspection(inspection_id=r1.id, unit_id=u4.id, status="partial", items_done=3, items_total=10),
        ]
    )

    def defect(name: str, unit: Any, **kw: Any) -> None:
        d = Defect(id=uuid.uuid4(), project_id=p.id, unit_id=unit.id, description=f"缺陷{name}", field_clocks={}, **kw)
        db.session.add(d)
        data.defects[name] = d

    defect(
        "d1",
        u1,
        inspection_id=r1.id,
        type_id=leak.id,
        contractor_id=c1.id,
        severity="A",
        status="closed",
        created_at=at(2),
        assigned_at=at(2, 3),
        response_due_at=at(2, 4),
        accepted_at=at(2, 3, 30),
        fix_due_at=at(5, 0),
        closed_at=at(4),
        repeat_count=0,
        satisfaction=5,
    )
    defect(
        "d2",
        u1,
        inspection_id=r1.id,
        type_id=hollow.id,
        contractor_id=c1.id,
        severity="B",
        status="visited",
        created_at=at(2),
        assigned_at=at(3, 1),
        response_due_at=at(3, 2),
        accepted_at=at(3, 5),
        due_date=date(2026, 11, 10),
        closed_at=at(10, 15),
        repeat_count=1,
        satisfaction=3,
    )
    defect(
        "d3",
        u2,
        inspection_id=r1.id,
        type_id=hollow.id,
        contractor_id=c2.id,
        severity="B",
        status="closed",
        created_at=at(2),
        assigned_at=at(2),
        fix_due_at=at(6, 0),
        closed_at=at(9),
        repeat_count=2,
    )
    defect(
        "d4",
        u2,
        inspection_id=r2.id,
        type_id=leak.id,
        contractor_id=c2.id,
        severity="A",
        status="assigned",
        created_at=at(16),
        assigned_at=at(16),
        fix_due_at=at(20, 0),
    )
    defect(
        "d5",
        u5,
        inspection_id=r2.id,
        type_id=hollow.id,
        contractor_id=c1.id,
        severity="C",
        status="open",
        created_at=at(17),
        due_date=date(2026, 12, 10),
    )
    defect("d6", u1, type_id=hollow.id, severity="B", status="void", created_at=at(18))
    defect(
        "d7",
        u5,
        type_id=leak.id,
        contractor_id=c1.id,
        severity="B",
        status="fixed",
        created_at=at(18),
        assigned_at=at(18, 4),
        fix_due_at=at(25, 0),
        fixed_at=at(24),
    )

    owner = UserFactory(role="homeowner")
    db.session.add_all(
        [
            HomeownerUnit(user_id=owner.id, unit_id=u1.id),
            Invitation(unit_id=u2.id, code="INV-U2-0001"),
            InspectionCheckin(inspection_id=r1.id, unit_id=u1.id, user_id=owner.id, method="qr", at=at(2)),
            InspectionCheckin(inspection_id=r1.id, unit_id=u3.id, method="staff", at=at(2)),
        ]
    )
    users = {
        "admin": UserFactory(role="admin"),
        "manager": UserFactory(role="manager"),
        "inspector": UserFactory(role="inspector"),
        "crew1": UserFactory(role="crew", contractor_id=c1.id),
        "crew2": UserFactory(role="crew", contractor_id=c2.id),
        "owner": owner,
        "outsider": UserFactory(role="manager"),
    }
    db.session.add_all(
        [
            Membership(user_id=users["manager"].id, project_id=p.id),
            Membership(user_id=users["inspector"].id, project_id=p.id),
            Membership(user_id=users["outsider"].id, project_id=other.id),
        ]
    )
    db.session.commit()
    data.users = users
    data.ids = {
        "project": p.id,
        "other": other.id,
        "b1": b1.id,
        "b2": b2.id,
        "c1": c1.id,
        "c2": c2.id,
        "leak": leak.id,
        "hollow": hollow.id,
        "r1": r1.id,
        "r2": r2.id,
        "u1": u1.id,
        "u2": u2.id,
        "u3": u3.id,
        "u4": u4.id,
        "u5": u5.id,
    }
    return data
