"""Bad input: a clear 4xx per request or a rejected result per mutation; the rest applied, nothing half-written."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from domain.models import Defect, DefectPhoto, SyncChange
from server.extensions import db

from .test_push import create_args


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_malformed_json_is_a_400(world, device, client):
    a = device(world.inspector)
    r = client.post("/api/sync/push", data="{not json", headers={**a.headers, "Content-Type": "application/json"})
    assert 400 <= r.status_code < 500 and r.get_json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"mutations": []},
        {"device_id": "x y", "mutations": []},
        {"device_id": "d1", "mutations": [{"seq": "1", "hlc": "h", "name": "defect.create"}]},
        {"device_id": "d1", "mutations": [{"seq": 1.5, "hlc": "h", "name": "defect.create"}]},
        {"device_id": "d1", "mutations": "all of them"},
        [1, 2, 3],
    ],
)
def test_bad_envelope_is_a_422_with_a_message(world, device, client, body):
    a = device(world.inspector)
    r = client.post("/api/sync/push", json=body, headers=a.headers)
    assert r.status_code == 422 and r.get_json()["message"] and r.get_json()["errors"]


def test_oversize_batch_is_a_413(world, device, client):
    a = device(world.inspector)
    for _ in range(501):
        a.mutate("defect.comment", id=str(uuid.uuid4()), comment_id=str(uuid.uuid4()), body="x")
    r = client.post("/api/sync/push", json={"device_id": a.id, "mutations": a.outbox}, headers=a.headers)
    assert r.status_code == 413 and "/" in r.get_json()["message"]


def test_bad_mutations_are_rejected_one_by_one_and_the_rest_applied(world, device):
    a = device(world.inspector)
    good1, good2 = create_args(world), create_args(world)
    a.mutate("defect.create", **good1)
    a.mutate("defect.explode", id=good1["id"])  # unknown name
    a.mutate("defect.update", id=good1["id"], fields={"pin_x": "left"})  # wrong type
    a.mutate("defect.update", id=good1["id"], fields={"pin_x": 3})  # out of range
    a.mutate("defect.update", id=good1["id"], fields={"colour": "red"})  # unknown field
    a.mutate("defect.create", **{**create_args(world), "unit_id": "3"})  # wrong type
    a.mutate("defect.create", **create_args(world, type_id=999999))  # no such type
    a.mutate("defect.create", **create_args(world, room_id=999999))  # room of another plan
    a.mutate("defect.status", id=good1["id"], action="teleport", **{"from": "open"})
    a.mutate("defect.status", id=good1["id"], action="assign", **{"from": "open"})  # no contractor
    a.mutate("defect.status", id=good1["id"], action="assign", **{"from": "open"}, contractor_id=999999)
    a.mutate("defect.update", id=str(uuid.uuid4()), fields={"description": "no such defect"})
    a.mutate("defect.photo_add", id=good1["id"], sha256="not-a-hash")
    a.outbox.append({"seq": a.seq + 1, "hlc": "yesterday", "name": "defect.create", "args": create_args(world)})
    a.seq += 1
    a.outbox.append({"seq": a.seq + 1, "hlc": a.clock.tick(), "name": "defect.create", "args": "not an object"})
    a.seq += 1
    a.mutate("defect.create", **good2)
    results = a.push()
    assert [r["status"] for r in results] == ["applied"] + ["rejected"] * 14 + ["applied"]
    assert all("/" in r["message"] for r in results[1:-1])
    assert _count(Defect) == 2 and _count(DefectPhoto) == 2


def test_writing_outside_scope_is_rejected_without_revealing_anything(world, device):
    a = device(world.inspector)
    args = create_args(world)
    a.mutate("defect.create", **args)
    a.push()
    before = _count(SyncChange)
    outsider = device(world.outsider)
    outsider.mutate("defect.create", **create_args(world))  # a unit of a project they are not on
    outsider.mutate("defect.update", id=args["id"], fields={"description": "篡改"})
    outsider.mutate("defect.comment", id=args["id"], comment_id=str(uuid.uuid4()), body="x")
    outsider.mutate("defect.create", **{**create_args(world), "id": args["id"]})  # someone else's id
    results = outsider.push()
    assert [r["status"] for r in results] == ["rejected"] * 4
    assert all("defect" not in r for r in results)
    assert _count(SyncChange) == before
    assert db.session.get(Defect, uuid.UUID(args["id"])).description == args["description"]


def test_crew_may_not_edit_fields(world, device):
    a = device(world.inspector)
    args = create_args(world)
    a.mutate("defect.create", **args)
    a.push()
    crew = device(world.crew)
    crew.mutate("defect.update", id=args["id"], fields={"severity": "C"})
    assert crew.push()[0]["status"] == "rejected"


def test_a_clock_centuries_ahead_is_restamped_not_trusted(world, device, client):
    a = device(world.inspector)
    m = a.mutate("defect.create", **create_args(world))
    m["hlc"] = f"{9999999999999:013d}:00000:{a.id}"
    [res] = a.push()
    assert res["status"] == "applied" and res["hlc"] < f"{9999999999999:013d}"
