"""When the USER's scope changes (memberships, owned units, role, contractor, active), the next pull answers
a reset and a fresh snapshot; and a defect that enters a user's scope in a delta comes with its older
comments and conflicts."""

from __future__ import annotations

import gzip
import json
import uuid
from typing import Any

from sqlalchemy import select

from domain.models import User
from server.extensions import db

from .device import SimDevice
from .test_push import create_args
from .test_snapshot import _database_state, _replica


def _page(client: Any, headers: dict[str, str], cursor: str, limit: int = 1000) -> dict[str, Any]:
    r = client.get(f"/api/sync/pull?cursor={cursor}&limit={limit}", headers={**headers, "Accept-Encoding": "gzip"})
    assert r.status_code == 200, r.get_data(as_text=True)
    raw = r.get_data()
    r.close()
    return json.loads(gzip.decompress(raw) if r.headers.get("Content-Encoding") == "gzip" else raw)


def _version(user: User) -> int:
    return db.session.scalar(select(User.scope_version).where(User.id == user.id))


def _create(dev: SimDevice, world: Any, n: int = 1, comment: bool = False, **extra: Any) -> list[str]:
    ids = []
    for _ in range(n):
        args = create_args(world, **extra)
        dev.mutate("defect.create", **args)
        if comment:
            dev.mutate("defect.comment", id=args["id"], comment_id=str(uuid.uuid4()), body="整改前的留言")
        ids.append(args["id"])
    dev.push()
    return ids


def _expect_reset(client: Any, dev: SimDevice) -> dict[str, Any]:
    """The next page is a reset: nothing in it, more to come, and a cursor that starts a new snapshot."""
    page = _page(client, dev.headers, dev.cursor)
    assert page["reset"] is True and page["changes"] == [] and page["more"] is True, page
    assert page["cursor"].startswith("s2.")
    return page


def test_inspector_removed_from_a_project_is_reset_and_keeps_nothing_of_it(world, device, client, auth):
    inspector = device(world.inspector)
    ids = _create(inspector, world, 3, comment=True)
    inspector.pull(limit=2)
    assert set(ids) <= set(inspector.defects) and len(inspector.comments) == 3
    before = _version(world.inspector)
    r = client.patch(f"/api/users/{world.inspector.id}", json={"project_ids": []}, headers=auth.headers(world.admin))
    assert r.status_code == 200 and r.get_json()["project_ids"] == []
    assert _version(world.inspector) > before
    _expect_reset(client, inspector)
    got = inspector.pull(limit=2)
    assert inspector.resets == 1
    assert all(c["op"] == "upsert" for c in got) and not any(
        c["data"]["project_id"] for c in got if c["kind"] == "defect"
    )
    assert inspector.defects == {} and inspector.comments == {}  # swept: the snapshot sent none of them
    assert inspector.pull() == [] and inspector.resets == 1  # the new cursor is under the new version
    # Added back: reset again, and everything of the project comes back.
    r = client.patch(
        f"/api/users/{world.inspector.id}", json={"project_ids": [world.project.id]}, headers=auth.headers(world.admin)
    )
    assert r.status_code == 200
    inspector.pull(limit=2)
    assert inspector.resets == 2 and set(inspector.defects) == set(ids)
    assert _replica(inspector) == _database_state(world.inspector)


def test_a_scope_change_during_a_snapshot_restarts_it(world, device, client, auth):
    manager = device(world.manager)
    ids = _create(manager, world, 4)
    first = _page(client, manager.headers, "", 2)
    assert first["more"] and first["reset"] is False and len(first["changes"]) == 2
    client.patch(f"/api/users/{world.manager.id}", json={"project_ids": []}, headers=auth.headers(world.admin))
    manager.cursor = first["cursor"]
    manager.defects.update({c["id"]: c["data"] for c in first["changes"]})
    _expect_reset(client, manager)
    manager.pull(limit=2)
    assert manager.resets == 1 and manager.defects == {}
    assert set(ids).isdisjoint(manager.defects)


def test_homeowner_who_redeems_a_second_unit_gets_its_earlier_defects(world, device, client, auth):
    inspector = device(world.inspector)
    walkthrough = _create(
        inspector, world, 1, comment=True, unit_id=world.unit2.id, inspection_id=str(world.inspection.id)
    )
    internal = _create(inspector, world, 1, unit_id=world.unit2.id)  # an internal finding: never for owners
    own_unit = _create(inspector, world, 1, inspection_id=str(world.inspection.id))
    owner = device(world.owner)
    owner.pull()
    assert set(owner.defects) == set(own_unit)
    r = client.post(f"/api/units/{world.unit2.id}/invitations", json={}, headers=auth.headers(world.admin))
    assert r.status_code == 201
    before = _version(world.owner)
    r = client.post("/api/auth/join", json={"code": r.get_json()["code"]}, headers=owner.headers)
    assert r.status_code == 200, r.get_json()
    assert _version(world.owner) > before
    _expect_reset(client, owner)
    owner.pull()
    assert owner.resets == 1
    assert set(owner.defects) == set(own_unit + walkthrough) and internal[0] not in owner.defects
    assert [c["defect_id"] for c in owner.comments.values()] == walkthrough
    assert _replica(owner) == _database_state(world.owner)


def test_deactivated_then_reactivated_crew_is_reset(world, device, client, auth):
    inspector, manager = device(world.inspector), device(world.manager)
    [did] = _create(inspector, world)
    manager.mutate("defect.status", id=did, action="assign", contractor_id=world.contractor.id, **{"from": "open"})
    manager.push()
    crew = device(world.crew)
    crew.pull()
    assert set(crew.defects) == {did}
    admin = auth.headers(world.admin)
    assert client.patch(f"/api/users/{world.crew.id}", json={"active": False}, headers=admin).status_code == 200
    assert client.get(f"/api/sync/pull?cursor={crew.cursor}", headers=crew.headers).status_code == 401
    assert client.patch(f"/api/users/{world.crew.id}", json={"active": True}, headers=admin).status_code == 200
    # Deactivation ended every session: the old token stays dead, the crew logs in again on the same tablet.
    assert client.get(f"/api/sync/pull?cursor={crew.cursor}", headers=crew.headers).status_code == 401
    crew.headers = auth.headers(world.crew)
    _expect_reset(client, crew)
    crew.pull()
    assert crew.resets == 1 and set(crew.defects) == {did}


def test_crew_moved_to_another_contractor_is_reset(world, device, client):
    inspector, manager = device(world.inspector), device(world.manager)
    first, second = _create(inspector, world, 2)
    for did, contractor in ((first, world.contractor), (second, world.contractor2)):
        manager.mutate("defect.status", id=did, action="assign", contractor_id=contractor.id, **{"from": "open"})
    manager.push()
    crew = device(world.crew)
    crew.pull()
    assert set(crew.defects) == {first}
    before = _version(world.crew)
    user = db.session.get(User, world.crew.id)
    user.contractor_id = world.contractor2.id  # no endpoint changes a contractor: any ORM write is caught
    db.session.commit()
    assert _version(world.crew) == before + 1
    _expect_reset(client, crew)
    crew.pull()
    assert crew.resets == 1 and set(crew.defects) == {second}
    assert _replica(crew) == _database_state(world.crew)


def test_a_defect_assigned_to_the_crew_comes_with_its_older_comments_and_conflicts(world, device):
    inspector, manager = device(world.inspector), device(world.manager)
    [did] = _create(inspector, world, comment=True)
    # A stale status change (the manager's device still thought it was assigned): a conflict before dispatch.
    manager.mutate("defect.photo_add", id=did, sha256="e" * 64, kind="after")  # a fix needs an after-photo
    manager.mutate("defect.status", id=did, action="fix", **{"from": "assigned"})
    assert manager.push()[-1]["status"] == "conflict"
    other = _create(inspector, world, comment=True)  # stays outside the crew's scope
    crew = device(world.crew)
    crew.pull()
    assert crew.defects == {} and crew.cursor.startswith("c2.")
    manager.mutate("defect.status", id=did, action="assign", contractor_id=world.contractor.id, **{"from": "open"})
    manager.push()
    got = crew.pull()
    assert crew.resets == 0  # the defect changed, not the crew's scope: an ordinary delta
    assert {(c["kind"], c["op"]) for c in got} == {("defect", "upsert"), ("comment", "upsert"), ("conflict", "upsert")}
    assert set(crew.defects) == {did} and other[0] not in crew.defects
    assert [c["defect_id"] for c in crew.comments.values()] == [did] and len(crew.conflicts) == 1
    assert _replica(crew) == _database_state(world.crew)
    # Later deltas send only what changed.
    inspector.mutate("defect.comment", id=did, comment_id=str(uuid.uuid4()), body="又一条")
    inspector.push()
    assert [(c["kind"], c["op"]) for c in crew.pull()] == [("comment", "upsert")]


def test_a_defect_assigned_while_pulling_one_row_a_page_brings_its_comments(world, device):
    """The defect's older rows are before the cursor; the assignment and later edits are on pages of one row."""
    inspector, manager = device(world.inspector), device(world.manager)
    [did] = _create(inspector, world, comment=True)
    crew = device(world.crew)
    crew.pull()
    manager.mutate("defect.status", id=did, action="assign", contractor_id=world.contractor.id, **{"from": "open"})
    manager.mutate("defect.update", id=did, fields={"description": "派单后补充"})
    manager.push()
    _create(inspector, world, 2)
    crew.pull(limit=1)
    assert set(crew.defects) == {did} and len(crew.comments) == 1
    assert _replica(crew) == _database_state(world.crew)


def test_legacy_cursors_are_reset_and_garbage_is_refused(world, device, client):
    inspector = device(world.inspector)
    ids = _create(inspector, world, 2)
    inspector.pull()
    for legacy in ("c1.0", f"c1.{10**6}", "s1.0.", "s1.3." + "f" * 32):
        page = _page(client, inspector.headers, legacy)
        assert page["reset"] is True and page["changes"] == [] and page["more"], legacy
    inspector.cursor = "c1.7"
    inspector.pull()
    assert inspector.resets == 1 and set(inspector.defects) == set(ids) and inspector.cursor.startswith("c2.")
    for bad in ("garbage", "c1.x", "c1.", "c2.", "c2.1", "s1.1.xyz", "c9.1.1", f"c2.{10**30}.0"):
        r = client.get(f"/api/sync/pull?cursor={bad}", headers=inspector.headers)
        assert r.status_code == 400 and "/" in r.get_json()["message"], bad


def test_a_cursor_from_another_scope_version_is_reset(world, device, client):
    """A cursor carries the version it was made under; any other version (older or not) starts over."""
    inspector = device(world.inspector)
    _create(inspector, world)
    inspector.pull()
    seq, version = (int(p) for p in inspector.cursor[3:].split("."))
    assert version == _version(world.inspector)
    assert _page(client, inspector.headers, f"c2.{seq}.{version}")["reset"] is False
    for other in (version + 1, version - 1 if version else 99):
        assert _page(client, inspector.headers, f"c2.{seq}.{other}")["reset"] is True
        assert _page(client, inspector.headers, f"s2.{seq}.{other}.")["reset"] is True
