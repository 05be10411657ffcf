"""Merge rules: last writer wins per field by HLC, the photo set, comments, status commands and conflicts."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from domain.models import Conflict, DefectHistory
from server.extensions import db

from .test_push import create_args

SHA1, SHA2 = "1" * 64, "2" * 64


def _created(world: Any, device: Any, **extra: Any) -> tuple[Any, str]:
    a = device(world.inspector)
    args = create_args(world, **extra)
    a.mutate("defect.create", **args)
    a.push()
    return a, args["id"]


def test_last_writer_wins_per_field_whatever_the_arrival_order(world, device):
    a, did = _created(world, device)
    b = device(world.manager)
    b.pull()
    a.mutate("defect.update", id=did, fields={"description": "A 的描述", "severity": "A"})  # earlier clock
    b.clock.observe(a.clock.tick())
    b.mutate("defect.update", id=did, fields={"description": "B 的描述"})  # later clock, arrives first
    assert b.push()[0]["status"] == "applied"
    [res] = a.push()
    assert res["status"] == "merged" and "description" in res["message"]
    assert res["defect"]["description"] == "B 的描述" and res["defect"]["severity"] == "A"
    a.pull()
    b.pull()
    assert a.defects[did] == b.defects[did]


def test_pin_moves_as_one_point(world, device):
    a, did = _created(world, device)
    b = device(world.manager)
    a.mutate("defect.update", id=did, fields={"pin_x": 0.1, "pin_y": 0.1})
    b.clock.observe(a.clock.tick())
    b.mutate("defect.update", id=did, fields={"pin_x": 0.9})
    b.push()
    a.push()
    b.pull()
    assert (b.defects[did]["pin_x"], b.defects[did]["pin_y"]) == (0.9, 0.4)


def test_history_records_old_and_new(world, device):
    a, did = _created(world, device)
    a.mutate("defect.update", id=did, fields={"severity": "A"})
    a.push()
    rows = db.session.scalars(select(DefectHistory).where(DefectHistory.action == "set")).all()
    assert [(h.field, h.old, h.new, h.user_id, h.device_id) for h in rows] == [
        ("severity", "B", "A", world.inspector.id, a.id)
    ]


def test_photos_are_a_set_adding_wins_and_removal_is_explicit(world, device):
    a, did = _created(world, device, photos=[])
    b = device(world.manager)
    a.mutate("defect.photo_add", id=did, sha256=SHA1, kind="before")
    b.mutate("defect.photo_add", id=did, sha256=SHA1, kind="before")  # the same photo, concurrently
    b.mutate("defect.photo_add", id=did, sha256=SHA2, kind="after")
    a.push()
    assert [r["status"] for r in b.push()] == ["duplicate", "applied"]
    b.pull()
    assert {p["sha256"] for p in b.defects[did]["photos"]} == {SHA1, SHA2}
    b.mutate("defect.photo_remove", id=did, sha256=SHA2)
    a.clock.observe(b.outbox[-1]["hlc"])
    a.mutate("defect.photo_add", id=did, sha256=SHA2, kind="after")  # re-added after the removal
    b.push()
    a.push()
    a.pull()
    assert {p["sha256"] for p in a.defects[did]["photos"]} == {SHA1, SHA2}
    a.mutate("defect.photo_remove", id=did, sha256=SHA1)
    a.push()
    b.pull()
    assert [p["sha256"] for p in b.defects[did]["photos"]] == [SHA2]


def test_comments_are_pulled_and_replays_are_duplicates(world, device):
    a, did = _created(world, device)
    cid = str(uuid.uuid4())
    a.mutate("defect.comment", id=did, comment_id=cid, body="请尽快处理")
    a.mutate("defect.comment", id=did, comment_id=cid, body="请尽快处理")
    assert [r["status"] for r in a.push()] == ["applied", "duplicate"]
    b = device(world.manager)
    b.pull()
    assert b.comments[cid]["body"] == "请尽快处理"


def test_status_loop_assign_fix_pass_visit(world, device):
    a, did = _created(world, device)
    m, crew = device(world.manager), device(world.crew)
    m.mutate(
        "defect.status",
        id=did,
        action="assign",
        **{"from": "open"},
        contractor_id=world.contractor.id,
        due_date="2026-12-31",
    )
    assert m.push()[0]["status"] == "applied"
    crew.pull()
    assert crew.defects[did]["status"] == "assigned" and crew.defects[did]["due_date"] == "2026-12-31"
    crew.mutate("defect.photo_add", id=did, sha256=SHA2, kind="after")  # a fix needs an after-photo first
    crew.mutate("defect.status", id=did, action="fix", **{"from": "assigned"})
    assert [r["status"] for r in crew.push()] == ["applied", "applied"]
    a.pull()
    a.mutate("defect.status", id=did, action="fail", **{"from": "fixed"}, note="仍有空鼓")
    a.push()
    crew.pull()
    crew.mutate("defect.status", id=did, action="fix", **{"from": "assigned"})
    crew.push()
    a.pull()
    a.mutate("defect.status", id=did, action="pass", **{"from": "fixed"})
    a.push()
    m.pull()
    m.mutate("defect.status", id=did, action="visit", **{"from": "closed"}, satisfaction=4)
    assert m.push()[0]["status"] == "applied"
    m.pull()
    d = m.defects[did]
    assert (d["status"], d["repeat_count"], d["satisfaction"], d["contractor_id"]) == (
        "visited",
        1,
        4,
        world.contractor.id,
    )


def test_stale_status_becomes_a_conflict_pulled_by_both_devices(world, device):
    a, did = _created(world, device)
    m = device(world.manager)
    m.pull()
    # Both saw "open". The manager voids it; the inspector, offline, assigns it a little later.
    m.mutate("defect.status", id=did, action="void", **{"from": "open"})
    a.clock.observe(m.clock.tick())
    a.mutate("defect.status", id=did, action="assign", **{"from": "open"}, contractor_id=world.contractor.id)
    m.push()
    [res] = a.push()
    assert res["status"] == "conflict" and res["conflict_id"] and "/" in res["message"]
    assert res["defect"]["status"] == "void"
    a.pull()
    m.pull()
    conflict = m.conflicts[str(res["conflict_id"])]
    assert conflict == a.conflicts[str(res["conflict_id"])]
    assert conflict["status"] == "open" and conflict["kind"] == "stale"
    assert conflict["ours"]["status"] == "void" and conflict["theirs"]["action"] == "assign"
    # Who made the change, by name, so the card can say it in words (pwa/src/store/conflict-words.js).
    assert conflict["user_id"] == world.inspector.id and conflict["user_name"] == world.inspector.display_name


def test_late_arrival_with_earlier_clock_is_folded_in_order(world, device):
    """The inspector passed the re-check at 10:00 offline; the manager reopened... no: two re-checks race.
    Whichever happened first (by clock) wins on every server, whatever order they arrive in."""
    a, did = _created(world, device)
    m = device(world.manager)
    m.mutate("defect.status", id=did, action="assign", **{"from": "open"}, contractor_id=world.contractor.id)
    m.push()
    crew = device(world.crew)
    crew.pull()
    crew.mutate("defect.photo_add", id=did, sha256=SHA2, kind="after")
    crew.mutate("defect.status", id=did, action="fix", **{"from": "assigned"})
    crew.push()
    a.pull()
    b = device(world.inspector2)
    b.pull()
    a.mutate("defect.status", id=did, action="pass", **{"from": "fixed"})  # earlier
    b.clock.observe(a.clock.tick())
    b.mutate("defect.status", id=did, action="fail", **{"from": "fixed"})  # later, arrives first
    assert b.push()[0]["status"] == "applied"
    assert a.push()[0]["status"] == "applied"  # slotted in before b's fail
    m.pull()
    assert m.defects[did]["status"] == "closed" and m.defects[did]["repeat_count"] == 0
    conflicts = db.session.scalars(select(Conflict).where(Conflict.status == "open")).all()
    assert [(c.kind, c.theirs["action"], c.ours["status"]) for c in conflicts] == [("stale", "fail", "closed")]


def test_disallowed_action_is_a_conflict_not_silently_dropped(world, device):
    a, did = _created(world, device)
    crew2 = device(world.crew2)
    m = device(world.manager)
    m.mutate("defect.status", id=did, action="assign", **{"from": "open"}, contractor_id=world.contractor2.id)
    m.push()
    crew2.pull()
    m.mutate("defect.status", id=did, action="assign", **{"from": "assigned"}, contractor_id=world.contractor.id)
    m.push()
    crew2.mutate("defect.status", id=did, action="fix", **{"from": "assigned"})
    [res] = crew2.push()
    assert res["status"] == "rejected"  # reassigned away: no longer theirs to see
    a.pull()
    a.mutate("defect.status", id=did, action="visit", **{"from": "assigned"}, satisfaction=5)  # not an inspector's
    [res] = a.push()
    assert res["status"] == "conflict" and res["conflict_id"]


def test_resolve_conflict_theirs_applies_the_device_change(world, device, client, auth):
    a, did = _created(world, device)
    m = device(world.manager)
    m.mutate("defect.status", id=did, action="assign", **{"from": "open"}, contractor_id=world.contractor2.id)
    m.push()
    a.mutate("defect.status", id=did, action="assign", **{"from": "open"}, contractor_id=world.contractor.id)
    [res] = a.push()
    assert res["status"] == "conflict" and res["code"] == "stale_status"
    cid = res["conflict_id"]
    a.pull()  # the device learns of its conflict from the pull, and later of how it ended
    assert a.conflicts[str(cid)]["status"] == "open"
    listed = client.get("/api/sync/conflicts", headers=m.headers).get_json()
    assert [c["id"] for c in listed] == [cid]
    assert (
        client.post(
            f"/api/sync/conflicts/{cid}/resolve", json={"choice": "theirs"}, headers=device(world.crew).headers
        ).status_code
        == 404
    )
    r = client.post(
        f"/api/sync/conflicts/{cid}/resolve", json={"choice": "theirs", "note": "误作废"}, headers=m.headers
    )
    assert r.status_code == 200 and r.get_json()["status"] == "resolved"
    again = client.post(f"/api/sync/conflicts/{cid}/resolve", json={"choice": "ours"}, headers=m.headers)
    assert again.status_code == 409
    a.pull()
    assert a.defects[did]["status"] == "assigned" and a.defects[did]["contractor_id"] == world.contractor.id
    assert a.conflicts[str(cid)]["status"] == "resolved"
    fresh = device(world.inspector)  # a new device is sent the defect as it is now, without the history
    fresh.pull()
    assert fresh.defects[did]["status"] == "assigned" and fresh.conflicts == {}


def test_homeowner_may_create_on_own_unit_and_comment_only(world, device):
    owner = device(world.owner)
    mine = create_args(world)
    other = create_args(world, unit_id=world.unit2.id)
    owner.mutate("defect.create", **mine)
    owner.mutate("defect.create", **other)
    owner.mutate("defect.update", id=mine["id"], fields={"severity": "A"})
    owner.mutate("defect.comment", id=mine["id"], comment_id=str(uuid.uuid4()), body="客厅地砖空鼓")
    assert [r["status"] for r in owner.push()] == ["applied", "rejected", "rejected", "applied"]
