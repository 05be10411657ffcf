"""Defect entries of a pull page: built as JSON text by PostgreSQL, by Python on SQLite, the same values
either way and the same as the REST API's."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import orjson
import pytest
from sqlalchemy import select

from domain.models import Defect
from server.extensions import db
from sync.payloads import DEFECT_FIELDS
from sync.wire import defect_entries, python_entries

from .test_push import SHA, create_args

AWKWARD = 'He said "漏水"\\ 换行\n制表\t控制\x01\x1f 🏠 \u2028 </script>'
SHA2 = "b" * 64
SHA3 = "c" * 64


def _plain(entry: object) -> object:
    return orjson.loads(orjson.dumps(entry))


def test_entries_are_the_same_json_on_every_path(world, device, client):
    a = device(world.inspector)
    odd, plain, bare = create_args(world), create_args(world, description=AWKWARD), create_args(world)
    odd["inspection_id"] = str(world.inspection.id)
    bare.update(photos=[], room_id=None, pin_x=None, pin_y=None, description="")
    for args in (odd, plain, bare):
        a.mutate("defect.create", **args)
    a.mutate("defect.photo_add", id=odd["id"], sha256=SHA2, kind="after")
    a.mutate("defect.photo_add", id=odd["id"], sha256=SHA3, kind="before")
    a.mutate("defect.photo_remove", id=odd["id"], sha256=SHA)
    assert {r["status"] for r in a.push()} == {"applied"}
    d = db.session.get(Defect, uuid.UUID(odd["id"]))
    # A whole second (isoformat writes no fraction), a date, the nullable integers, a float that is whole.
    d.created_at = datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)
    d.due_date, d.satisfaction, d.contractor_id, d.pin_x = date(2026, 4, 1), 4, world.contractor.id, 1.0
    db.session.get(Defect, uuid.UUID(plain["id"])).created_at = datetime(2026, 3, 2, 9, 30, 15, 120, tzinfo=UTC)
    db.session.commit()

    ids = [uuid.UUID(x["id"]) for x in (odd, plain, bare)]
    built = dict(defect_entries(db.session(), Defect.id.in_(ids)))
    python = dict(python_entries(db.session(), Defect.id.in_(ids)))
    db.session.rollback()
    assert set(built) == set(python) == set(ids)
    for i in ids:
        assert _plain(built[i]) == _plain(python[i])

    entry = _plain(built[ids[0]])
    assert entry["kind"] == "defect" and entry["op"] == "upsert" and entry["id"] == odd["id"]
    data = entry["data"]
    assert data["created_at"] == "2026-03-01T08:00:00+00:00"
    assert data["due_date"] == "2026-04-01" and data["satisfaction"] == 4 and data["pin_x"] == 1
    assert data["inspection_id"] == odd["inspection_id"]
    assert data["photos"] == [{"sha256": SHA2, "kind": "after"}, {"sha256": SHA3, "kind": "before"}]
    assert _plain(built[ids[1]])["data"]["description"] == AWKWARD
    assert _plain(built[ids[1]])["data"]["created_at"] == "2026-03-02T09:30:15.000120+00:00"
    empty = _plain(built[ids[2]])["data"]
    assert empty["photos"] == [] and empty["room_id"] is None and empty["pin_x"] is None

    # What a device pulls is what the REST API shows.
    b = device(world.manager)
    b.pull()
    for x in (odd, plain, bare):
        rest = client.get(f"/api/defects/{x['id']}", headers=b.headers).get_json()
        pulled = b.defects[x["id"]]
        assert {f: pulled[f] for f in DEFECT_FIELDS} == {f: rest[f] for f in DEFECT_FIELDS}
        assert pulled["photos"] == [{"sha256": p["sha256"], "kind": p["kind"]} for p in rest["photos"]]


def test_entries_follow_the_filter_order_and_limit(world, device):
    a = device(world.inspector)
    made = [create_args(world) for _ in range(5)]
    for args in made:
        a.mutate("defect.create", **args)
    a.push()
    in_order = sorted(uuid.UUID(x["id"]) for x in made)
    got = defect_entries(db.session(), Defect.id > in_order[0], limit=3)
    assert [i for i, _ in got] == in_order[1:4]
    assert defect_entries(db.session(), Defect.id.in_([])) == []
    assert [i for i, _ in python_entries(db.session(), Defect.id > in_order[0], limit=3)] == in_order[1:4]


@pytest.mark.parametrize("when", [datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)])
def test_timestamps_match_isoformat_at_the_edges(world, device, when):
    a = device(world.inspector)
    args = create_args(world)
    a.mutate("defect.create", **args)
    a.push()
    d = db.session.scalars(select(Defect).where(Defect.id == uuid.UUID(args["id"]))).one()
    d.created_at = when
    db.session.commit()
    [(_, entry)] = defect_entries(db.session(), Defect.id == d.id)
    assert _plain(entry)["data"]["created_at"] == when.isoformat()
