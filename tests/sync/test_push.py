"""Push: exactly once, in order, per-mutation results, device ownership."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from domain.models import AppliedMutation, Defect, DefectHistory, SyncChange
from server.extensions import db

SHA = "a" * 64


def create_args(world: Any, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "unit_id": world.unit.id,
        "type_id": world.dtype.id,
        "description": "卫生间墙面空鼓约30×40cm",
        "room_id": world.rooms[1].id,
        "pin_x": 0.7,
        "pin_y": 0.4,
        "photos": [{"sha256": SHA, "kind": "before"}],
        **extra,
    }


def test_create_then_pull_on_another_device(world, device):
    a, b = device(world.inspector), device(world.inspector2)
    args = create_args(world)
    a.mutate("defect.create", **args)
    [res] = a.push()
    assert res["status"] == "applied" and res["seq"] == 1
    b.pull()
    got = b.defects[args["id"]]
    assert got["description"] == args["description"]
    assert got["photos"] == [{"sha256": SHA, "kind": "before"}]
    assert got["status"] == "open" and got["severity"] == "B" and got["reporter_id"] == world.inspector.id
    history = db.session.scalars(select(DefectHistory).where(DefectHistory.defect_id == uuid.UUID(args["id"])))
    assert [(h.action, h.device_id) for h in history] == [("create", a.id)]


def test_replayed_push_answers_the_original_results_and_changes_nothing(world, device, client):
    a = device(world.inspector)
    ids = [create_args(world) for _ in range(3)]
    for args in ids:
        a.mutate("defect.create", **args)
    a.mutate("defect.update", id=ids[0]["id"], fields={"description": "第一次修改"})
    batch = list(a.outbox)
    first = client.post("/api/sync/push", json={"device_id": a.id, "mutations": batch}, headers=a.headers).get_json()
    feed_before = db.session.scalar(select(func.count()).select_from(SyncChange))
    again = client.post("/api/sync/push", json={"device_id": a.id, "mutations": batch}, headers=a.headers).get_json()
    assert [r["status"] for r in again["results"]] == [r["status"] for r in first["results"]] == ["applied"] * 4
    assert all(r["replayed"] for r in again["results"])
    assert db.session.scalar(select(func.count()).select_from(Defect)) == 3
    assert db.session.scalar(select(func.count()).select_from(AppliedMutation)) == 4
    assert db.session.scalar(select(func.count()).select_from(SyncChange)) == feed_before


def test_replay_mixed_with_new_mutations(world, device, client):
    a = device(world.inspector)
    a.mutate("defect.create", **create_args(world))
    first = list(a.outbox)
    client.post("/api/sync/push", json={"device_id": a.id, "mutations": first}, headers=a.headers).close()
    a.mutate("defect.create", **create_args(world))
    r = client.post("/api/sync/push", json={"device_id": a.id, "mutations": a.outbox}, headers=a.headers)
    assert [(x["seq"], x["status"], x.get("replayed", False)) for x in r.get_json()["results"]] == [
        (1, "applied", True),
        (2, "applied", False),
    ]


def test_sequence_from_the_future_is_refused(world, device, client):
    a = device(world.inspector)
    a.mutate("defect.create", **create_args(world))
    a.mutate("defect.create", **create_args(world))
    r = client.post("/api/sync/push", json={"device_id": a.id, "mutations": a.outbox[1:]}, headers=a.headers)
    assert r.status_code == 409
    assert r.get_json()["expected_seq"] == 1 and "/" in r.get_json()["message"]
    assert db.session.scalar(select(func.count()).select_from(Defect)) == 0
    assert [x["status"] for x in a.push()] == ["applied", "applied"]


def test_decreasing_sequence_in_a_batch_is_refused(world, device, client):
    a = device(world.inspector)
    a.mutate("defect.create", **create_args(world))
    a.mutate("defect.create", **create_args(world))
    r = client.post("/api/sync/push", json={"device_id": a.id, "mutations": a.outbox[::-1]}, headers=a.headers)
    assert r.status_code == 422


def test_device_of_another_user_is_forbidden(world, device, client):
    a = device(world.inspector)
    a.mutate("defect.create", **create_args(world))
    a.push()
    thief = device(world.inspector2, device_id=a.id)
    thief.mutate("defect.create", **create_args(world))
    r = client.post("/api/sync/push", json={"device_id": a.id, "mutations": thief.outbox}, headers=thief.headers)
    assert r.status_code == 403 and "/" in r.get_json()["message"]


def test_clock_naming_another_device_is_rejected(world, device, client):
    a, b = device(world.inspector), device(world.inspector)
    m = b.mutate("defect.create", **create_args(world))
    m["seq"] = 1
    r = client.post("/api/sync/push", json={"device_id": a.id, "mutations": [m]}, headers=a.headers)
    assert r.get_json()["results"][0]["status"] == "rejected"


def test_push_requires_login(client):
    r = client.post("/api/sync/push", json={"device_id": str(uuid.uuid4()), "mutations": []})
    assert r.status_code == 401


def test_defects_created_in_a_push_can_be_edited_later_in_the_same_push(world, device):
    a = device(world.inspector)
    ids = [create_args(world) for _ in range(4)]
    for args in ids:
        a.mutate("defect.create", **args)
    # Edits of the first and the last of them, and a photo on one, interleaved with another create.
    a.mutate("defect.update", id=ids[0]["id"], fields={"description": "改一"})
    a.mutate("defect.create", **create_args(world))
    a.mutate("defect.update", id=ids[3]["id"], fields={"severity": "A"})
    a.mutate("defect.photo_add", id=ids[2]["id"], sha256="b" * 64, kind="before")
    a.mutate("defect.update", id=ids[0]["id"], fields={"description": "改二"})
    results = a.push()
    assert [r["status"] for r in results] == ["applied"] * 9
    got = {str(d.id): d for d in db.session.scalars(select(Defect))}
    assert len(got) == 5
    assert got[ids[0]["id"]].description == "改二" and got[ids[3]["id"]].severity == "A"
    assert sorted(p.sha256 for p in got[ids[2]["id"]].photos) == ["a" * 64, "b" * 64]
    assert db.session.scalar(select(func.count()).select_from(DefectHistory)) == 5 + 4
