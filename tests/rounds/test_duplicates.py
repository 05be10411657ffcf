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
