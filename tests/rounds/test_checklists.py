"""分户验收 checklists: tolerances at their bounds, the starter template, answers synced exactly once with
the last writer winning per item, and 已验 / 未验 per unit when two inspectors split the rooms."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from domain.models import ChecklistResult, DefectArea, DefectType, UnitInspection
from domain.rounds.checklists import UNIT_ROOM, judge, room_kinds, slots
from domain.rounds.template import STARTER
from server.extensions import db
from server.library.seed import LIBRARY


def item(lo: float | None, hi: float | None) -> Any:
    return SimpleNamespace(tol_min=lo, tol_max=hi)


@pytest.mark.parametrize(
    ("lo", "hi", "value", "verdict"),
    [
        (None, 4, 4.0, "pass"),  # wall flatness ≤ 4 mm: the bound passes
        (None, 4, 4.001, "fail"),
        (None, 4, 3.999, "pass"),
        (None, 4, 4.0004, "pass"),  # read to the thousandth of a millimetre
        (None, 400, 400, "pass"),  # floor hollow ≤ 400 cm²
        (None, 400, 401, "fail"),
        (-20, 20, -20, "pass"),  # net height deviation ±20 mm
        (-20, 20, -20.5, "fail"),
        (-20, 20, 20.01, "fail"),
        (1050, None, 1050, "pass"),  # railing height ≥ 1.05 m
        (1050, None, 1049, "fail"),
        (None, 0.5, 0.5, "pass"),  # tile lippage ≤ 0.5 mm
        (None, 0.5, 0.6, "fail"),
    ],
)
def test_tolerance_decides_at_the_bounds(lo: Any, hi: Any, value: float, verdict: str) -> None:
    assert judge(item(lo, hi), value) == verdict


def test_starter_template_covers_the_library() -> None:
    areas = {a for a, *_ in LIBRARY}
    type_codes = {t[0] for _a, _zh, _en, types in LIBRARY for t in types}
    assert {row[1] for row in STARTER} == areas  # all 9 areas
    assert {row[9] for row in STARTER} <= type_codes  # every failure creates a type that exists
    assert len({row[0] for row in STARTER}) == len(STARTER)
    by_code = {row[0]: row for row in STARTER}
    assert by_code["wall_flatness"][7:9] == (None, 4)
    assert by_code["floor_hollow"][7:9] == (None, 400) and "40 cm" in by_code["floor_hollow"][5]
    assert by_code["net_height"][7:9] == (-20, 20)


def test_room_kinds() -> None:
    assert "bath" in room_kinds(SimpleNamespace(code="bath", name="卫生间"))
    assert "kitchen" in room_kinds(SimpleNamespace(code="k", name="厨房"))
    assert room_kinds(SimpleNamespace(code="master", name="主卧")) == {"all", "dry"}


def _slots(client: Any, world: Any, h: dict[str, str]) -> list[Any]:
    items = client.get(f"/api/projects/{world.project.id}/checklist", headers=h).get_json()
    objs = [SimpleNamespace(**i) for i in items]
    return slots(objs, world.rooms)


def _answer(dev: Any, world: Any, s: Any, **extra: Any) -> None:
    args = {"inspection_id": world.inspection.id, "unit_id": world.unit.id, "room_id": s.room_id, "item_id": s.item_id}
    dev.mutate("checklist.result", **({"result": "pass"} | args | extra))


def _progress(world: Any) -> UnitInspection | None:
    db.session.expire_all()
    return db.session.scalar(
        select(UnitInspection).where(
            UnitInspection.inspection_id == world.inspection.id, UnitInspection.unit_id == world.unit.id
        )
    )


def test_two_inspectors_split_the_rooms_and_the_unit_is_done(
    client: Any, checklist_world: Any, device: Any, headers: Any
) -> None:
    w = checklist_world
    a, b = device(w.inspector), device(w.inspector2)
    todo = _slots(client, w, headers(w.inspector))
    living, bath = w.rooms[0].id, w.rooms[1].id
    mine = [s for s in todo if s.room_id in (living, UNIT_ROOM)]
    theirs = [s for s in todo if s.room_id == bath]
    assert mine and theirs and len(mine) + len(theirs) == len(todo)
    for s in mine:
        _answer(a, w, s)
    results = a.push()
    assert {r["status"] for r in results} == {"applied"}
    p = _progress(w)
    assert p is not None and p.status == "partial" and (p.items_done, p.items_total) == (len(mine), len(todo))
    for s in theirs:
        _answer(b, w, s, result="na")
    b.push()
    p = _progress(w)
    assert p is not None and p.status == "done" and p.items_done == p.items_total == len(todo)
    rows = client.get(f"/api/inspections/{w.inspection.id}/progress", headers=headers(w.manager)).get_json()
    assert rows == [{"unit_id": w.unit.id, "status": "done", "items_done": len(todo), "items_total": len(todo)}]
    # Every device fetches the merged answers: the rooms answered elsewhere show as done on both tablets.
    got = client.get(f"/api/inspections/{w.inspection.id}/results?unit_id={w.unit.id}", headers=headers(w.inspector))
    assert len(got.get_json()) == len(todo)


def test_measured_value_is_judged_and_last_writer_wins(
    client: Any, checklist_world: Any, device: Any, headers: Any
) -> None:
    w = checklist_world
    items = {
        i["code"]: i
        for i in client.get(f"/api/projects/{w.project.id}/checklist", headers=headers(w.inspector)).get_json()
    }
    flat = items["wall_flatness"]
    a, b = device(w.inspector), device(w.inspector2)
    slot = SimpleNamespace(room_id=w.rooms[0].id, item_id=flat["id"])
    _answer(a, w, slot, result="pass", measured=6.5)  # the device said pass; 6.5 mm is over 4 mm
    early = a.outbox[-1]
    b.clock.observe(early["hlc"])  # b answers after a, on its own clock
    _answer(b, w, slot, result="", measured=4.0)
    b.push()  # b's answer is stamped later, but arrives first
    a.push()
    row = db.session.scalar(select(ChecklistResult).where(ChecklistResult.item_id == flat["id"]))
    assert row is not None and early["hlc"] < row.clock
    assert (row.result, row.measured) == ("pass", 4.0)  # b wrote last: 4.0 mm is on the bound, passes
    _answer(a, w, slot, measured=4.01)
    a.push()
    db.session.expire_all()
    row = db.session.scalar(select(ChecklistResult).where(ChecklistResult.item_id == flat["id"]))
    assert row is not None and (row.result, row.measured) == ("fail", 4.01)


def test_answers_apply_exactly_once_under_replay(client: Any, checklist_world: Any, device: Any, headers: Any) -> None:
    w = checklist_world
    todo = _slots(client, w, headers(w.inspector))
    a = device(w.inspector)
    _answer(a, w, todo[0])
    batch = list(a.outbox)
    first = a.push()
    r = client.post("/api/sync/push", json={"device_id": a.id, "mutations": batch}, headers=a.headers)
    again = r.get_json()["results"]
    assert again[0]["replayed"] and again[0]["status"] == first[0]["status"] == "applied"
    assert db.session.scalar(select(ChecklistResult.id).where(ChecklistResult.item_id == todo[0].item_id)) is not None
    assert len(db.session.scalars(select(ChecklistResult)).all()) == 1


@pytest.mark.parametrize("who", ["owner", "crew", "crew2", "outsider"])
def test_others_cannot_answer_or_read(client: Any, checklist_world: Any, device: Any, headers: Any, who: str) -> None:
    w = checklist_world
    todo = _slots(client, w, headers(w.inspector))
    dev = device(getattr(w, who))
    _answer(dev, w, todo[0])
    res = dev.push()
    assert res[0]["status"] == "rejected"
    assert db.session.scalars(select(ChecklistResult)).all() == []
    h = headers(getattr(w, who))
    expected = 403 if who == "owner" else 404  # the homeowner sees this customer-facing round, not its checklist
    assert client.get(f"/api/inspections/{w.inspection.id}/results", headers=h).status_code == expected
    assert client.get(f"/api/inspections/{w.inspection.id}/progress", headers=h).status_code == expected
    status = 403 if who == "owner" else 404
    assert client.get(f"/api/projects/{w.project.id}/checklist", headers=h).status_code == status


@pytest.mark.parametrize(
    "bad",
    [
        {"measured": 1e300},
        {"measured": "4"},
        {"result": "maybe"},
        {"unit_id": 2**31},
        {"room_id": -1},
        {"item_id": 0},
        {"inspection_id": "not-a-uuid"},
        {"extra": 1},
    ],
)
def test_hostile_answers_are_rejected_without_blocking_the_outbox(
    client: Any, checklist_world: Any, device: Any, headers: Any, bad: dict[str, Any]
) -> None:
    w = checklist_world
    todo = _slots(client, w, headers(w.inspector))
    a = device(w.inspector)
    _answer(a, w, todo[0], **bad)
    _answer(a, w, todo[1])
    res = a.push()
    assert [r["status"] for r in res] == ["rejected", "applied"]


def test_answers_outside_the_round_or_plan_are_rejected(
    client: Any, checklist_world: Any, device: Any, headers: Any
) -> None:
    w = checklist_world
    todo = _slots(client, w, headers(w.inspector))
    a = device(w.inspector)
    _answer(a, w, todo[0], room_id=2**31 - 1)  # a room of no plan
    w.inspection.status = "closed"
    db.session.commit()
    _answer(a, w, todo[1])
    assert [r["status"] for r in a.push()] == ["rejected", "rejected"]


def test_project_edits_its_own_copy(client: Any, checklist_world: Any, headers: Any) -> None:
    w = checklist_world
    pid = w.project.id
    items = client.get(f"/api/projects/{pid}/checklist", headers=headers(w.manager)).get_json()
    flat = next(i for i in items if i["code"] == "wall_flatness")
    assert flat["project_id"] is None and flat["type_id"] is not None
    r = client.patch(
        f"/api/projects/{pid}/checklist/items/{flat['id']}", json={"tol_max": 3}, headers=headers(w.manager)
    )
    assert r.status_code == 200 and r.get_json()["project_id"] == pid and r.get_json()["tol_max"] == 3
    items = client.get(f"/api/projects/{pid}/checklist", headers=headers(w.inspector)).get_json()
    assert all(i["project_id"] == pid for i in items) and len(items) == len(STARTER)
    # another project still walks the standard checklist
    assert db.session.scalar(select(DefectArea.id)) is not None and db.session.scalar(select(DefectType.id)) is not None
    r = client.patch(
        f"/api/projects/{pid}/checklist/items/{flat['id']}", json={"tol_max": 3}, headers=headers(w.inspector)
    )
    assert r.status_code == 403
    bad = {"tol_max": "x"}
    assert (
        client.patch(
            f"/api/projects/{pid}/checklist/items/{flat['id']}", json=bad, headers=headers(w.manager)
        ).status_code
        == 422
    )
