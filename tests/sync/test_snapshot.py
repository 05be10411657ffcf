"""The first pull is a snapshot of the current rows in the user's scope, paged by defect id, that a device
can resume; whatever is committed while it downloads arrives with the following delta pull."""

from __future__ import annotations

import gzip
import json
import uuid
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from domain import policy
from domain.models import Conflict, Defect, DefectComment, User
from server.extensions import db
from sync import pull as pull_module
from sync.feed import ChangeSet, scope_keys
from sync.payloads import comment_data, conflict_data, defect_data

from .device import SimDevice
from .test_push import SHA, create_args


def _page(client: Any, headers: dict[str, str], cursor: str, limit: int) -> dict[str, Any]:
    r = client.get(f"/api/sync/pull?cursor={cursor}&limit={limit}", headers={**headers, "Accept-Encoding": "gzip"})
    assert r.status_code == 200, r.get_data(as_text=True)
    raw = r.get_data()
    r.close()
    return json.loads(gzip.decompress(raw) if r.headers.get("Content-Encoding") == "gzip" else raw)


def _database_state(user: Any) -> dict[str, Any]:
    """What a device of this user should hold, straight from the tables (through JSON, as on the wire)."""
    db.session.expire_all()
    defects = db.session.scalars(select(Defect).where(policy.defect_filter(user))).all()
    ids = {d.id for d in defects}
    comments = db.session.scalars(select(DefectComment).where(DefectComment.defect_id.in_(ids))).all()
    # A fresh device receives the open conflicts only: the resolved ones are history it never shows.
    conflicts = db.session.scalars(select(Conflict).where(Conflict.defect_id.in_(ids), Conflict.status == "open")).all()
    names = dict(db.session.execute(select(User.id, User.display_name)).all())  # who made each change, by name
    db.session.commit()
    state = {
        "defects": {str(d.id): defect_data(d) for d in defects},
        "comments": {str(c.id): comment_data(c) for c in comments},
        "conflicts": {str(c.id): {**conflict_data(c), "user_name": names.get(c.user_id)} for c in conflicts},
    }
    return json.loads(json.dumps(state))


def _replica(dev: SimDevice) -> dict[str, Any]:
    return {"defects": dev.defects, "comments": dev.comments, "conflicts": dev.conflicts}


def _populate(world: Any, device: Any) -> dict[str, str]:
    """Defects of every kind of scope, with photos (one removed), comments and an open conflict."""
    inspector, manager, owner = device(world.inspector), device(world.manager), device(world.owner)
    named = {
        "internal": create_args(world),
        "neighbour": create_args(world, unit_id=world.unit2.id, inspection_id=str(world.inspection.id)),
        "walkthrough": create_args(world, inspection_id=str(world.inspection.id)),
        "crew1": create_args(world),
        "crew2": create_args(world, unit_id=world.unit2.id),
        "edited": create_args(world),
    }
    for args in named.values():
        inspector.mutate("defect.create", **args)
    inspector.mutate("defect.update", id=named["edited"]["id"], fields={"description": "改过两次", "severity": "A"})
    inspector.mutate("defect.photo_add", id=named["edited"]["id"], sha256="b" * 64, kind="after")
    inspector.mutate("defect.photo_remove", id=named["edited"]["id"], sha256=SHA)
    for key in ("walkthrough", "neighbour", "crew1"):
        inspector.mutate("defect.comment", id=named[key]["id"], comment_id=str(uuid.uuid4()), body=f"留言 {key}")
    inspector.push()
    for key, contractor in (("crew1", world.contractor), ("crew2", world.contractor2)):
        manager.mutate(
            "defect.status", id=named[key]["id"], action="assign", contractor_id=contractor.id, **{"from": "open"}
        )
    # A stale status change (the device still saw "open"): an open conflict on crew1's defect.
    manager.mutate("defect.status", id=named["crew1"]["id"], action="void", **{"from": "open"})
    results = manager.push()
    assert results[-1]["status"] == "conflict"
    own = create_args(world)
    owner.mutate("defect.create", **own)
    owner.mutate("defect.comment", id=own["id"], comment_id=str(uuid.uuid4()), body="我的意见")
    owner.push()
    return {k: v["id"] for k, v in {**named, "own": own}.items()}


ROLES = ["admin", "manager", "inspector", "crew", "crew2", "owner", "owner2", "outsider"]


@pytest.mark.parametrize("limit", [1, 1000])
def test_first_pull_equals_the_database_for_each_roles_scope(world, device, limit):
    ids = _populate(world, device)
    replicas = {}
    for role in ROLES:
        user = getattr(world, role)
        dev = device(user)
        got = dev.pull(limit=limit)
        assert all(c["op"] == "upsert" for c in got)  # a first pull never evicts
        assert len({(c["kind"], c["id"]) for c in got}) == len(got)  # each entity once
        assert dev.cursor.startswith("c2.")  # the download ended on a feed cursor
        assert _replica(dev) == _database_state(user), role
        replicas[role] = set(dev.defects)
    assert replicas["admin"] == set(ids.values())
    assert replicas["owner"] == {ids["walkthrough"], ids["own"]}  # never internal findings or other units
    assert replicas["owner2"] == {ids["neighbour"]}
    assert replicas["crew"] == {ids["crew1"]} and replicas["crew2"] == {ids["crew2"]}
    assert replicas["outsider"] == set()


def test_snapshot_equals_what_replaying_the_feed_gives(world, device):
    """The snapshot is a shortcut: a device that followed the feed from the start holds the same."""
    follower = device(world.manager)
    # The feed from its beginning, as a device that has pulled since day one (under the current scope).
    follower.cursor = f"c2.0.{world.manager.scope_version}"
    _populate(world, device)
    follower.pull(limit=3)
    fresh = device(world.manager)
    fresh.pull(limit=4)
    assert fresh.defects == follower.defects and fresh.comments == follower.comments
    assert fresh.conflicts == follower.conflicts


def test_a_snapshot_resumes_from_a_mid_download_cursor(world, device, client):
    a = device(world.inspector)
    ids = []
    for _ in range(10):
        args = create_args(world)
        ids.append(args["id"])
        a.mutate("defect.create", **args)
    a.push()
    b = device(world.manager)
    first = _page(client, b.headers, "", 3)
    second = _page(client, b.headers, first["cursor"], 3)
    assert first["more"] and second["more"] and first["cursor"].startswith("s2.")
    # The device lost its connection here; a new one picks up with the saved cursor.
    resumed = device(world.manager)
    resumed.cursor = second["cursor"]
    rest = resumed.pull(limit=3)
    got = [c["id"] for page in (first, second) for c in page["changes"] if c["kind"] == "defect"]
    got += [c["id"] for c in rest if c["kind"] == "defect"]
    assert got == sorted(ids)
    # The same cursor again gives the same page (nothing was written meanwhile).
    assert _page(client, b.headers, first["cursor"], 3) == second
    assert resumed.cursor.startswith("c2.") and resumed.pull() == []
    bad_cursors = ("s2.", "s2.x.0.", "s2.5.0.nothex", "s2.5.0." + "0" * 31, "s2.5.", "s3.5.0.", "s2.5.-1.", "c2.5")
    for bad in (*bad_cursors, "c2.5.x", "c2.5.0.0", "c2.٥.0", "s1.", "s1.x.", "s1.5.nothex", "s1.5." + "0" * 31):
        assert client.get(f"/api/sync/pull?cursor={bad}", headers=b.headers).status_code == 400, bad


def test_writes_committed_during_a_download_arrive_with_the_next_delta(world, device, client):
    a = device(world.inspector)
    low = [create_args(world, id=str(uuid.UUID(int=i + 16))) for i in range(3)]
    high = [create_args(world, id=str(uuid.UUID(int=2**127 + i))) for i in range(3)]
    for args in low + high:
        a.mutate("defect.create", **args)
    a.push()
    b = device(world.manager)
    page = _page(client, b.headers, "", 3)
    assert [c["id"] for c in page["changes"]] == [x["id"] for x in low]
    # While b is between pages: an edit of a defect it already has, one of a defect still to come, a new one.
    a.mutate("defect.update", id=low[0]["id"], fields={"description": "下载期间修改（已下载的）"})
    a.mutate("defect.update", id=high[2]["id"], fields={"description": "下载期间修改（未下载的）"})
    late = create_args(world, id=str(uuid.UUID(int=5)))  # sorts before the resume point: not in the snapshot
    a.mutate("defect.create", **late)
    a.push()
    b.cursor = page["cursor"]
    for c in page["changes"]:
        b.defects[c["id"]] = c["data"]
    b.pull(limit=3)
    assert late["id"] not in b.defects and b.cursor.startswith("c2.")
    delta = {c["id"] for c in b.pull()}
    assert {low[0]["id"], high[2]["id"], late["id"]} <= delta
    assert _replica(b) == _database_state(world.manager)


def test_a_defect_that_enters_and_leaves_scope_during_a_download_is_evicted(world, device, client):
    """The snapshot's later pages are newer than its feed position; the delta must still evict from them."""
    inspector, manager = device(world.inspector), device(world.manager)
    first = create_args(world, id=str(uuid.UUID(int=1)))
    late = create_args(world, id=str(uuid.UUID(int=2**127)))
    final = create_args(world, id=str(uuid.UUID(int=2**128 - 1)))
    for args in (first, late, final):
        inspector.mutate("defect.create", **args)
    inspector.push()
    for args in (first, final):
        manager.mutate(
            "defect.status", id=args["id"], action="assign", contractor_id=world.contractor.id, **{"from": "open"}
        )
    manager.push()
    crew = device(world.crew)
    page = _page(client, crew.headers, "", 1)
    assert [c["id"] for c in page["changes"]] == [first["id"]] and page["more"]
    manager.mutate(
        "defect.status", id=late["id"], action="assign", contractor_id=world.contractor.id, **{"from": "open"}
    )
    manager.push()
    crew.cursor = page["cursor"]
    crew.defects.update({c["id"]: c["data"] for c in page["changes"]})
    crew.pull(limit=1)
    assert late["id"] in crew.defects  # the download's next page is read now, and the defect is in scope
    manager.mutate(
        "defect.status", id=late["id"], action="assign", contractor_id=world.contractor2.id, **{"from": "assigned"}
    )
    manager.push()
    got = crew.pull()
    assert (late["id"], "evict") in {(c["id"], c["op"]) for c in got}
    assert set(crew.defects) == {first["id"], final["id"]}


@pytest.mark.committed
def test_a_write_between_reading_the_position_and_the_rows_is_not_missed(world, device, database_url, monkeypatch):
    """On PostgreSQL READ COMMITTED each statement has its own snapshot: a transaction can commit after the
    feed position is read and before the defects are. It is numbered after the position, so the next delta
    pull sends it again (the device may already have it from the snapshot: the upsert is idempotent)."""
    a = device(world.inspector)
    args = create_args(world)
    a.mutate("defect.create", **args)
    a.push()
    engine = create_engine(database_url)
    real = pull_module.feed_position

    def position_then_commit(session: Session) -> int:
        value = real(session)
        with Session(engine) as other:
            d = other.get(Defect, uuid.UUID(args["id"]))
            assert d is not None
            changes = ChangeSet()
            changes.defect(d, scope_keys(d))
            d.description = "在读取游标之后提交"
            changes.publish(other)
            other.commit()
        return value

    monkeypatch.setattr(pull_module, "feed_position", position_then_commit)
    b = device(world.manager)
    try:
        b.pull()
    finally:
        engine.dispose()
    monkeypatch.setattr(pull_module, "feed_position", real)
    assert [(c["id"], c["data"]["description"]) for c in b.pull()] == [(args["id"], "在读取游标之后提交")]
    assert b.pull() == []


def test_a_fresh_device_receives_open_conflicts_but_not_resolved_ones(world, device, client):
    """What a fresh device downloads is what it will show: the open conflicts of its defects. A device that
    already held a conflict learns of its resolution through the feed."""
    inspector, manager = device(world.inspector), device(world.manager)
    made = [create_args(world) for _ in range(3)]
    for args in made:
        inspector.mutate("defect.create", **args)
    inspector.push()
    follower = device(world.manager)
    follower.pull()
    # The manager voids them; the inspector's device, which still saw them open, assigns them: three
    # stale status changes, three open conflicts.
    for args in made:
        manager.mutate("defect.status", id=args["id"], action="void", **{"from": "open"})
    manager.push()
    for args in made:
        inspector.mutate(
            "defect.status", id=args["id"], action="assign", contractor_id=world.contractor.id, **{"from": "open"}
        )
    assert [r["status"] for r in inspector.push()] == ["conflict"] * 3
    follower.pull()
    assert len(follower.conflicts) == 3
    resolved = sorted(int(c) for c in follower.conflicts)[:2]
    for cid in resolved:
        r = client.post(f"/api/sync/conflicts/{cid}/resolve", json={"choice": "ours"}, headers=manager.headers)
        assert r.status_code == 200 and r.get_json()["status"] == "resolved"
    for role in ("manager", "inspector", "admin"):
        for limit in (1, 1000):
            fresh = device(getattr(world, role))
            got = fresh.pull(limit=limit)
            conflicts = [c for c in got if c["kind"] == "conflict"]
            assert [c["data"]["status"] for c in conflicts] == ["open"], (role, limit)
            assert {int(c["id"]) for c in conflicts}.isdisjoint(resolved)
            assert len([c for c in got if c["kind"] == "defect"]) == 3
            assert _replica(fresh) == _database_state(getattr(world, role))
    # The device that had them is told how they ended.
    follower.pull()
    assert sorted(c["status"] for c in follower.conflicts.values()) == ["open", "resolved", "resolved"]


def test_the_first_snapshot_page_says_how_many_defects_the_download_holds(world, device, client):
    inspector = device(world.inspector)
    for _ in range(5):
        inspector.mutate("defect.create", **create_args(world))
    inspector.push()
    crew = device(world.crew)
    pages = []
    cursor = ""
    while True:
        page = _page(client, inspector.headers, cursor, 2)
        pages.append(page)
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert pages[0]["total"] == 5 and all("total" not in p for p in pages[1:])
    assert sum(len(p["changes"]) for p in pages) == 5
    # A user who sees nothing is told so; a delta page carries no total.
    assert _page(client, crew.headers, "", 100)["total"] == 0
    assert "total" not in _page(client, inspector.headers, cursor, 100)
