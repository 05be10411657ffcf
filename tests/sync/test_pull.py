"""Pull: pages, gzip, scope, evictions and tombstones."""

from __future__ import annotations

import gzip
import json
import uuid

from sqlalchemy import delete, select

from domain.models import Defect, DefectHistory, DefectPhoto, StatusCommand
from server.extensions import db
from sync.feed import ChangeSet, scope_keys

from .test_push import create_args


def test_pages_cover_everything_once_and_cursor_resumes(world, device):
    a = device(world.inspector)
    ids = []
    for _ in range(25):
        args = create_args(world)
        ids.append(args["id"])
        a.mutate("defect.create", **args)
    a.push()
    b = device(world.manager)
    seen = b.pull(limit=7)  # a first pull is a snapshot, in defect id order
    assert [c["id"] for c in seen] == sorted(ids)
    a.mutate("defect.update", id=ids[3], fields={"description": "改"})
    a.push()
    assert [(c["id"], c["data"]["description"]) for c in b.pull()] == [(ids[3], "改")]
    assert b.pull() == []


def test_pull_is_gzipped_when_accepted(world, device, client):
    a = device(world.inspector)
    for _ in range(20):
        a.mutate("defect.create", **create_args(world))
    a.push()
    r = client.get("/api/sync/pull", headers={**a.headers, "Accept-Encoding": "gzip, deflate"})
    assert r.headers["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(r.get_data()))
    r.close()
    assert len(body["changes"]) == 20 and body["more"] is False
    plain = client.get("/api/sync/pull", headers=a.headers)
    assert "Content-Encoding" not in plain.headers and len(plain.get_json()["changes"]) == 20


def test_homeowner_never_receives_another_units_data(world, device):
    inspector = device(world.inspector)
    internal = create_args(world)  # an internal finding on the owner's own unit: not for the owner
    neighbour = create_args(world, unit_id=world.unit2.id, inspection_id=str(world.inspection.id))
    walkthrough = create_args(world, inspection_id=str(world.inspection.id))
    for args in (internal, neighbour, walkthrough):
        inspector.mutate("defect.create", **args)
    inspector.push()
    owner, owner2 = device(world.owner), device(world.owner2)
    own = create_args(world)
    owner.mutate("defect.create", **own)
    owner.mutate("defect.comment", id=own["id"], comment_id=str(uuid.uuid4()), body="我的意见")
    owner.push()
    owner.pull()
    owner2.pull()
    assert set(owner.defects) == {walkthrough["id"], own["id"]} and len(owner.comments) == 1
    assert set(owner2.defects) == {neighbour["id"]} and owner2.comments == {}
    outsider = device(world.outsider)
    outsider.pull()
    assert outsider.defects == {}


def test_reassigned_defect_is_evicted_from_the_first_crew(world, device):
    inspector, m = device(world.inspector), device(world.manager)
    args = create_args(world)
    inspector.mutate("defect.create", **args)
    inspector.push()
    m.mutate("defect.status", id=args["id"], action="assign", **{"from": "open"}, contractor_id=world.contractor.id)
    m.push()
    crew, crew2 = device(world.crew), device(world.crew2)
    crew.pull()
    crew2.pull()
    assert args["id"] in crew.defects and crew2.defects == {}
    m.mutate(
        "defect.status", id=args["id"], action="assign", **{"from": "assigned"}, contractor_id=world.contractor2.id
    )
    m.mutate("defect.update", id=args["id"], fields={"description": "改派后又改了描述"})
    m.push()
    got = crew.pull()
    assert [(c["id"], c["op"]) for c in got] == [(args["id"], "evict")]
    assert crew.defects == {}
    crew2.pull()
    assert crew2.defects[args["id"]]["contractor_id"] == world.contractor2.id
    assert device(world.crew).pull() == []  # a fresh crew device is not told about what it never had


def test_deleted_defect_becomes_a_tombstone(world, device):
    a = device(world.inspector)
    args = create_args(world)
    a.mutate("defect.create", **args)
    a.push()
    b = device(world.manager)
    b.pull()
    did = uuid.UUID(args["id"])
    d = db.session.get(Defect, did)
    changes = ChangeSet()
    changes.defect(d, scope_keys(d))
    for model in (DefectPhoto, DefectHistory, StatusCommand):
        db.session.execute(delete(model).where(model.defect_id == did))
    db.session.delete(d)
    changes.publish(db.session)
    db.session.commit()
    assert [(c["id"], c["op"]) for c in b.pull()] == [(args["id"], "delete")]
    assert b.defects == {}


def test_project_filter_and_bad_cursor(world, device, client):
    a = device(world.inspector)
    a.mutate("defect.create", **create_args(world))
    a.push()
    b = device(world.manager)
    assert len(b.pull(project_id=world.project.id)) == 1
    other = device(world.manager)
    assert other.pull(project_id=world.project.id + 999) == []
    r = client.get("/api/sync/pull?cursor=garbage", headers=a.headers)
    assert r.status_code == 400 and "/" in r.get_json()["message"]
    assert client.get("/api/sync/pull?limit=0", headers=a.headers).status_code == 422


def test_feed_sequence_has_no_gaps(world, device):
    from domain.models import SyncChange

    a, b = device(world.inspector), device(world.manager)
    for _ in range(3):
        for dev in (a, b):
            for _ in range(4):
                dev.mutate("defect.create", **create_args(world))
            dev.push()
    seqs = db.session.scalars(select(SyncChange.seq).order_by(SyncChange.seq)).all()
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) == 24
