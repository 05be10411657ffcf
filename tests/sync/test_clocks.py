"""A device clock far ahead cannot win beyond the server's time nor move the server's clock; its
mutations still apply, stamped with when the server received them. A clock behind is accepted as it is
and catches up by observing the server's stamp (docs/sync-protocol.md, "Clocks")."""

from __future__ import annotations

from typing import Any

from sync import hlc
from sync.hlc import Clock

from .test_push import create_args

HOUR_MS = 3600 * 1000


def _skewed(device: Any, user: Any, offset_ms: int) -> Any:
    d = device(user)
    d.clock = Clock(d.id, wall=lambda: hlc.now_ms() + offset_ms)
    return d


def _physical(stamp: str) -> int:
    return hlc.parse(stamp).physical


def test_a_clock_23_hours_ahead_neither_wins_nor_drags_the_server_clock(world, device, client):
    fast = _skewed(device, world.inspector, 23 * HOUR_MS)
    args = create_args(world)
    fast.mutate("defect.create", **args)
    fast.mutate("defect.update", id=args["id"], fields={"description": "快钟设备的描述"})
    before = hlc.now_ms()
    body = client.post("/api/sync/push", json={"device_id": fast.id, "mutations": fast.outbox}, headers=fast.headers)
    assert body.status_code == 200
    data = body.get_json()
    fast.outbox.clear()
    assert [r["status"] for r in data["results"]] == ["applied", "applied"]
    created, updated = (r["hlc"] for r in data["results"])
    assert created < updated  # the device's own order is kept
    after = hlc.now_ms()
    assert before <= _physical(created) <= after + hlc.MAX_DRIFT_MS
    assert _physical(data["hlc"]) <= after + hlc.MAX_DRIFT_MS  # the server's clock was not dragged a day on

    slow = device(world.inspector2)  # a correct clock, editing after the fast one
    slow.pull()
    slow.mutate("defect.update", id=args["id"], fields={"description": "后来的正确描述"})
    [res] = slow.push()
    assert res["status"] == "applied"
    fast.pull()
    assert fast.defects[args["id"]]["description"] == "后来的正确描述"


def test_a_crews_fix_stamped_20_hours_ahead_does_not_block_the_recheck(world, device):
    inspector = device(world.inspector)
    args = create_args(world)
    inspector.mutate("defect.create", **args)
    inspector.mutate(
        "defect.status", id=args["id"], action="assign", contractor_id=world.contractor.id, **{"from": "open"}
    )
    inspector.push()
    crew = _skewed(device, world.crew, 20 * HOUR_MS)
    crew.pull()
    crew.mutate("defect.photo_add", id=args["id"], sha256="e" * 64, kind="after")  # a fix needs an after-photo
    crew.mutate("defect.status", id=args["id"], action="fix", **{"from": "assigned"})
    [_, fixed] = crew.push()
    assert fixed["status"] == "applied" and "hlc" in fixed
    inspector.pull()
    inspector.mutate("defect.status", id=args["id"], action="pass", **{"from": "fixed"})
    [passed] = inspector.push()
    assert passed["status"] == "applied", passed
    inspector.pull()
    assert inspector.defects[args["id"]]["status"] == "closed"


def test_a_clock_within_the_tolerance_keeps_its_stamps(world, device):
    a = _skewed(device, world.inspector, hlc.MAX_DRIFT_MS // 2)
    m = a.mutate("defect.create", **create_args(world))
    [res] = a.push()
    assert res["status"] == "applied" and "hlc" not in res
    assert m["hlc"]


def test_a_clock_behind_is_accepted_and_catches_up_by_observing(world, device):
    other = device(world.inspector2)
    args = create_args(world)
    other.mutate("defect.create", **args)
    other.push()
    behind = _skewed(device, world.inspector, -3 * HOUR_MS)
    behind.mutate("defect.update", id=args["id"], fields={"description": "慢钟设备的旧修改"})
    [stale] = behind.push()
    # Stamped three hours before the create it edits: the create's fields are newer and are kept.
    assert stale["status"] == "merged" and "hlc" not in stale
    # Having observed the server's clock, the slow device's next edit is later than everything it saw.
    behind.mutate("defect.update", id=args["id"], fields={"description": "慢钟设备的新修改"})
    [fresh] = behind.push()
    assert fresh["status"] == "applied"
    other.pull()
    assert other.defects[args["id"]]["description"] == "慢钟设备的新修改"
