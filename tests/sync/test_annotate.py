"""Photo annotations are a sync mutation: last writer wins by HLC, concurrent edits leave a conflict
record with both versions, and only users who may see the photo (and whose role marks up) may write."""

from __future__ import annotations

from typing import Any

from domain.models import PhotoAnnotation
from server.extensions import db
from sync.hlc import Clock, now_ms

from .test_photo_access import _photo
from .test_push import create_args

ARROW = {"type": "arrow", "x0": 0.1, "y0": 0.1, "x1": 0.5, "y1": 0.5, "color": "#00FF00"}
CIRCLE = {"type": "circle", "cx": 0.5, "cy": 0.5, "r": 0.2}


def _photo_on_defect(world: Any, device: Any) -> str:
    sha = _photo(world.inspector, "annotated")
    a = device(world.inspector)
    args = create_args(world, photos=[{"sha256": sha, "kind": "before"}])
    a.mutate("defect.create", **args)
    a.mutate("defect.status", id=args["id"], action="assign", contractor_id=world.contractor.id, **{"from": "open"})
    assert [r["status"] for r in a.push()] == ["applied", "applied"]
    return sha


def _current(client: Any, headers: dict[str, str], sha: str) -> dict[str, Any]:
    r = client.get(f"/api/photos/{sha}/annotations", headers=headers)
    assert r.status_code == 200
    return r.get_json()


def test_sequential_edits_apply_without_conflict(world, device, client):
    sha = _photo_on_defect(world, device)
    a, b = device(world.inspector), device(world.crew)
    a.mutate("photo.annotate", sha256=sha, shapes=[ARROW])
    assert a.push()[0]["status"] == "applied"
    base = _current(client, b.headers, sha)["clock"]
    b.mutate("photo.annotate", sha256=sha, shapes=[ARROW, CIRCLE], base=base)
    [res] = b.push()
    assert res["status"] == "applied" and res["conflict_id"] is None
    assert [s["type"] for s in _current(client, a.headers, sha)["shapes"]] == ["arrow", "circle"]


def test_concurrent_edits_keep_the_later_and_record_a_conflict(world, device, client):
    sha = _photo_on_defect(world, device)
    a, b = device(world.inspector), device(world.inspector2)
    a.clock = Clock(a.id, wall=lambda: now_ms() - 60_000)  # edited a minute earlier, offline
    a.mutate("photo.annotate", sha256=sha, shapes=[ARROW])  # stamped first, arrives last
    b.mutate("photo.annotate", sha256=sha, shapes=[CIRCLE])
    assert b.push()[0]["status"] == "applied"
    [res] = a.push()
    assert res["status"] == "merged" and res["conflict_id"]
    assert [s["type"] for s in _current(client, a.headers, sha)["shapes"]] == ["circle"]
    conflicts = client.get("/api/sync/conflicts", headers=a.headers).get_json()
    [c] = [c for c in conflicts if c["id"] == res["conflict_id"]]
    assert c["kind"] == "annotation" and c["theirs"]["shapes"][0]["type"] == "arrow"
    # A person chooses the losing version after all.
    r = client.post(f"/api/sync/conflicts/{c['id']}/resolve", json={"choice": "theirs"}, headers=a.headers)
    assert r.status_code == 200
    after = _current(client, a.headers, sha)
    assert [s["type"] for s in after["shapes"]] == ["arrow"]
    db.session.expire_all()
    assert db.session.get(PhotoAnnotation, sha).clock > c["ours"]["clock"]


def test_who_may_annotate_through_sync(world, device):
    sha = _photo_on_defect(world, device)
    for user, code in ((world.owner, "forbidden"), (world.crew2, "not_found"), (world.outsider, "not_found")):
        d = device(user)
        d.mutate("photo.annotate", sha256=sha, shapes=[ARROW])
        d.mutate("photo.annotate", sha256=sha, shapes=[{"type": "star"}])
        refused, bad = d.push()
        assert refused["status"] == "rejected" and refused["code"] == code, (user.role, refused)
        assert bad["status"] == "rejected"
    crew = device(world.crew)  # assigned: sees the defect, so its photo
    crew.mutate("photo.annotate", sha256=sha, shapes=[ARROW])
    assert crew.push()[0]["status"] == "applied"
