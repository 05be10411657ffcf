"""Duplicates: suspected when the same problem arrives from two devices; merged once, keeping photos,
comments and history, whether through REST or a replayed ``defect.merge`` mutation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from domain.models import Defect, DefectComment, DefectDuplicate, DefectHistory
from server.extensions import db
from sync.hlc import Clock, now_ms
from tests import factories as f

P1, P2 = "a" * 64, "b" * 64


def _log_twice(world: Any, device: Any) -> tuple[str, str, Any, Any]:
    a, b = device(world.inspector), device(world.inspector2)
    b.clock = Clock(b.id, wall=lambda: now_ms() + 60_000)  # the second inspector logs it a minute later
    d1, d2 = str(uuid.uuid4()), str(uuid.uuid4())
    common = {"unit_id": world.unit.id, "type_id": world.dtype.id, "room_id": world.rooms[0].id,
              "inspection_id": world.inspection.id}  # fmt: skip
    a.mutate("defect.create", id=d1, pin_x=0.20, pin_y=0.50, photos=[{"sha256": P1}], **common)
    b.mutate(
        "defect.create", id=d2, pin_x=0.22, pin_y=0.51, photos=[{"sha256": P2}], description="客厅墙角渗水", **common
    )
    b.mutate("defect.comment", id=d2, comment_id=str(uuid.uuid4()), body="楼上卫生间可能漏水")
    a.push()
    b.push()
    return d1, d2, a, b


def test_two_devices_same_leak_is_suspected_then_merged_once(
    client: Any, world: Any, device: Any, headers: Any
) -> None:
    d1, d2, a, _b = _log_twice(world, device)
    hm = headers(world.manager)
    sus = client.get(f"/api/projects/{world.project.id}/duplicates", headers=hm).get_json()
    assert sus == [
        {"defect_id": d2, "duplicate_of_id": d1, "unit_id": world.unit.id, "type_id": world.dtype.id, "reason": "near"}
    ]
    m = device(world.manager)
    m.mutate("defect.merge", id=d2, into=d1)
    batch = list(m.outbox)
    assert [r["status"] for r in m.push()] == ["applied"]
    # the same push again (a lost response): replayed, nothing applied twice
    r = client.post("/api/sync/push", json={"device_id": m.id, "mutations": batch}, headers=m.headers)
    assert r.get_json()["results"][0]["replayed"]
    # the same merge from another device, and through REST: already done
    i2 = device(world.inspector2)
    i2.mutate("defect.merge", id=d2, into=d1)
    assert i2.push()[0]["status"] == "duplicate"
    r = client.post(f"/api/defects/{d2}/merge", json={"into": d1}, headers=headers(world.inspector))
    assert r.status_code == 200 and r.get_json()["status"] == "duplicate"

    db.session.expire_all()
    dup, keep = db.session.get(Defect, uuid.UUID(d2)), db.session.get(Defect, uuid.UUID(d1))
    assert dup is not None and keep is not None
    assert dup.status == "void" and keep.status == "open"
    assert {p.sha256 for p in keep.photos} == {P1, P2}
    comments = db.session.scalars(select(DefectComment).where(DefectComment.defect_id == keep.id)).all()
    assert [c.body for c in comments] == ["楼上卫生间可能漏水"]
    link = db.session.scalar(select(DefectDuplicate))
    assert link is not None and (link.defect_id, link.duplicate_of_id, link.state) == (dup.id, keep.id, "merged")
    actions = {(h.defect_id, h.action) for h in db.session.scalars(select(DefectHistory))}
    assert {(dup.id, "merged_into"), (keep.id, "merged_from"), (keep.id, "photo_add")} <= actions
    assert sum(1 for h in db.session.scalars(select(DefectHistory)) if h.action == "merged_from") == 1
    # counted once: void defects are out of every statistic
    open_count = db.session.scalar(select(func.count()).where(Defect.unit_id == world.unit.id, Defect.status != "void"))
    assert open_count == 1
    assert client.get(f"/api/projects/{world.project.id}/duplicates", headers=hm).get_json() == []
    # the devices learn it through the ordinary pull
    a.pull()
    assert a.defects[d2]["status"] == "void"
    assert {p["sha256"] for p in a.defects[d1]["photos"]} == {P1, P2}


def test_rest_merge_and_dismiss(client: Any, world: Any, device: Any, headers: Any) -> None:
    d1, d2, _a, _b = _log_twice(world, device)
    h = headers(world.inspector)
    assert client.post(f"/api/defects/{d2}/merge", json={"into": d2}, headers=h).status_code == 422
    assert client.post(f"/api/defects/{d2}/not-duplicate", json={"into": d1}, headers=h).status_code == 200
    assert client.get(f"/api/projects/{world.project.id}/duplicates", headers=h).get_json() == []
    r = client.post(f"/api/defects/{d2}/merge", json={"into": d1}, headers=h)
    assert r.status_code == 200 and r.get_json()["status"] == "applied"
    assert client.post(f"/api/defects/{d1}/merge", json={"into": d2}, headers=h).status_code == 409  # into is void


def test_same_device_repeats_are_not_flagged(client: Any, world: Any, device: Any, headers: Any) -> None:
    a = device(world.inspector)
    for x in (0.2, 0.21):
        a.mutate(
            "defect.create", id=str(uuid.uuid4()), unit_id=world.unit.id, type_id=world.dtype.id, pin_x=x, pin_y=0.5
        )
    a.push()
    assert client.get(f"/api/projects/{world.project.id}/duplicates", headers=headers(world.manager)).get_json() == []


@pytest.mark.parametrize(("who", "status"), [("owner", 403), ("crew", 403), ("crew2", 404), ("outsider", 404)])
def test_merge_refused_outside_staff(client: Any, world: Any, device: Any, headers: Any, who: str, status: int) -> None:
    d1, d2, _a, _b = _log_twice(world, device)
    mgr = device(world.manager)
    for d in (d1, d2):  # the crew of contractor 1 sees both
        mgr.mutate("defect.status", id=d, action="assign", **{"from": "open"}, contractor_id=world.contractor.id)
    mgr.push()
    user = getattr(world, who)
    h = headers(user)
    assert client.post(f"/api/defects/{d2}/merge", json={"into": d1}, headers=h).status_code == status
    assert client.post(f"/api/defects/{d2}/not-duplicate", json={"into": d1}, headers=h).status_code == status
    expected = 403 if who in ("owner", "crew") else 404  # both see the project through these defects
    assert client.get(f"/api/projects/{world.project.id}/duplicates", headers=h).status_code == expected
    dev = device(user)
    dev.mutate("defect.merge", id=d2, into=d1)
    assert dev.push()[0]["status"] == "rejected"
    db.session.expire_all()
    assert db.session.get(Defect, uuid.UUID(d2)).status == "assigned"  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", [{"into": "x"}, {}, {"into": 5}, {"into": str(uuid.uuid4()), "more": 1}])
def test_hostile_merge_input(client: Any, world: Any, device: Any, headers: Any, bad: Any) -> None:
    _d1, d2, _a, _b = _log_twice(world, device)
    r = client.post(f"/api/defects/{d2}/merge", json=bad, headers=headers(world.manager))
    assert r.status_code in (404, 422)
    m = device(world.manager)
    m.mutate("defect.merge", id=d2, **bad)
    m.mutate("defect.comment", id=d2, comment_id=str(uuid.uuid4()), body="ok")
    assert [r["status"] for r in m.push()] == ["rejected", "applied"]


def _suspicions() -> list[tuple[str, str, str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(select(DefectDuplicate).order_by(DefectDuplicate.id))
    return [(str(r.defect_id), str(r.duplicate_of_id), r.state, r.reason) for r in rows]


def test_the_push_records_the_suspicion_once_under_replay(client: Any, world: Any, device: Any) -> None:
    a, b = device(world.inspector), device(world.inspector2)
    d1, d2 = str(uuid.uuid4()), str(uuid.uuid4())
    common = {"unit_id": world.unit.id, "type_id": world.dtype.id, "room_id": world.rooms[0].id}
    a.mutate("defect.create", id=d1, **common)
    a.push()
    assert _suspicions() == []
    b.mutate("defect.create", id=d2, **common)  # no pins: the same room is enough
    batch = list(b.outbox)
    b.push()
    assert _suspicions() == [(d2, d1, "suspected", "same_room")]  # recorded as it arrived, not when asked
    r = client.post("/api/sync/push", json={"device_id": b.id, "mutations": batch}, headers=b.headers)
    assert r.get_json()["results"][0]["replayed"]
    assert _suspicions() == [(d2, d1, "suspected", "same_room")]
    # a third tablet logging it again: suspected against both, each pair once
    c = device(world.manager)
    d3 = str(uuid.uuid4())
    c.mutate("defect.create", id=d3, **common)
    c.push()
    assert sorted(_suspicions()) == sorted(
        [(d2, d1, "suspected", "same_room"), (d3, d1, "suspected", "same_room"), (d3, d2, "suspected", "same_room")]
    )


def test_what_is_not_suspected(client: Any, world: Any, device: Any) -> None:
    other_type = f.DefectTypeFactory()
    db.session.commit()
    a, b = device(world.inspector), device(world.inspector2)
    room_a, room_b = world.rooms[0].id, world.rooms[1].id
    first = str(uuid.uuid4())
    a.mutate("defect.create", id=first, unit_id=world.unit.id, type_id=world.dtype.id, room_id=room_a, pin_x=0.2,
             pin_y=0.2)  # fmt: skip
    a.push()
    cases = [
        {"unit_id": world.unit.id, "type_id": world.dtype.id, "room_id": room_b, "pin_x": 0.8, "pin_y": 0.8},  # far
        {"unit_id": world.unit.id, "type_id": other_type.id, "room_id": room_a, "pin_x": 0.2, "pin_y": 0.2},  # type
        {"unit_id": world.unit2.id, "type_id": world.dtype.id, "room_id": room_a, "pin_x": 0.2, "pin_y": 0.2},  # unit
    ]
    for args in cases:
        b.mutate("defect.create", id=str(uuid.uuid4()), **args)
    b.push()
    assert _suspicions() == []
    # a defect already voided is no longer a candidate
    m = device(world.manager)
    m.mutate("defect.status", id=first, action="void", **{"from": "open"})
    m.push()
    b.mutate("defect.create", id=str(uuid.uuid4()), unit_id=world.unit.id, type_id=world.dtype.id, room_id=room_a)
    b.push()
    assert _suspicions() == []


@pytest.mark.parametrize(("who", "status"), [("owner", 403), ("crew", 403), ("crew2", 404), ("outsider", 404)])
def test_suspicions_are_for_the_projects_staff(
    client: Any, world: Any, device: Any, headers: Any, who: str, status: int
) -> None:
    """The homeowner who logged one side, the crew both sides are assigned to, another contractor's crew and
    another project's inspector neither see the list nor dismiss or merge a pair; the project's inspector
    does."""
    owner = device(world.owner)
    d1, d2 = str(uuid.uuid4()), str(uuid.uuid4())
    common = {"unit_id": world.unit.id, "type_id": world.dtype.id, "room_id": world.rooms[0].id,
              "inspection_id": world.inspection.id}  # fmt: skip
    owner.mutate("defect.create", id=d1, **common)
    owner.push()
    i = device(world.inspector)
    i.mutate("defect.create", id=d2, **common)
    i.push()
    mgr = device(world.manager)
    for d in (d1, d2):
        mgr.mutate("defect.status", id=d, action="assign", **{"from": "open"}, contractor_id=world.contractor.id)
    mgr.push()
    assert _suspicions() == [(d2, d1, "suspected", "same_room")]
    h = headers(getattr(world, who))
    assert client.get(f"/api/projects/{world.project.id}/duplicates", headers=h).status_code == status
    assert client.post(f"/api/defects/{d2}/not-duplicate", json={"into": d1}, headers=h).status_code == status
    assert client.post(f"/api/defects/{d2}/merge", json={"into": d1}, headers=h).status_code == status
    dev = device(getattr(world, who))
    dev.mutate("defect.merge", id=d2, into=d1)
    assert dev.push()[0]["status"] == "rejected"
    assert _suspicions() == [(d2, d1, "suspected", "same_room")]
    listed = client.get(f"/api/projects/{world.project.id}/duplicates", headers=headers(world.inspector2)).get_json()
    assert [(s["defect_id"], s["duplicate_of_id"]) for s in listed] == [(d2, d1)]
    # dismissed whichever way round the pair is named
    r = client.post(f"/api/defects/{d1}/not-duplicate", json={"into": d2}, headers=headers(world.inspector2))
    assert r.status_code == 200
    assert _suspicions() == [(d2, d1, "dismissed", "same_room")]
    assert client.get(f"/api/projects/{world.project.id}/duplicates", headers=headers(world.manager)).get_json() == []
