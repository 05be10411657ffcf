"""Defect numbers: 1, 2, 3 … per project, given by the server at create, stable, never reused, exactly once."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from domain.models import Defect
from server.extensions import db
from sync.numbering import take_numbers
from tests import factories as f


def create_args(unit: Any, dtype: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "unit_id": unit.id, "type_id": dtype.id, "description": "空鼓"}


def numbers(project_id: int) -> list[int | None]:
    stmt = select(Defect.number).where(Defect.project_id == project_id).order_by(Defect.number)
    return list(db.session.scalars(stmt))


def test_creates_are_numbered_in_order_per_project_and_devices_receive_the_number(world, device):
    a, b = device(world.inspector), device(world.inspector2)
    made = [create_args(world.unit, world.dtype) for _ in range(3)]
    for args in made:
        a.mutate("defect.create", **args)
    a.push()
    later = create_args(world.unit2, world.dtype)
    b.mutate("defect.create", **later)
    b.push()
    # The push answers "applied" without a copy; the pull that follows in the same sync pass brings the number.
    a.pull()
    assert [a.defects[m["id"]]["number"] for m in made] == [1, 2, 3]
    assert a.defects[later["id"]]["number"] == 4
    assert numbers(world.project.id) == [1, 2, 3, 4]


def test_a_replayed_push_takes_no_new_numbers(world, device, client):
    a = device(world.inspector)
    a.mutate("defect.create", **create_args(world.unit, world.dtype))
    batch = list(a.outbox)
    client.post("/api/sync/push", json={"device_id": a.id, "mutations": batch}, headers=a.headers)
    again = client.post("/api/sync/push", json={"device_id": a.id, "mutations": batch}, headers=a.headers).get_json()
    assert again["results"][0]["replayed"] and again["results"][0]["defect"]["number"] == 1
    a.outbox = []
    a.mutate("defect.create", **create_args(world.unit, world.dtype))
    a.push()
    assert numbers(world.project.id) == [1, 2]


def test_each_project_counts_on_its_own_and_continues_after_numbered_defects(world):
    other = f.ProjectFactory()
    unit = f.UnitFactory(building=f.BuildingFactory(project_id=other.id))
    # Defects numbered before the project's counter existed (the migration numbers existing ones).
    f.DefectFactory(unit=unit, number=41)
    db.session.commit()
    assert take_numbers(db.session, other.id, 2) == 42
    assert take_numbers(db.session, other.id, 1) == 44
    assert take_numbers(db.session, world.project.id, 1) == 1


def test_the_defect_api_shows_the_number(world, device, client, auth):
    a = device(world.inspector)
    args = create_args(world.unit, world.dtype)
    a.mutate("defect.create", **args)
    a.push()
    got = client.get(f"/api/defects/{args['id']}", headers=auth.headers(world.inspector)).get_json()
    assert got["number"] == 1
