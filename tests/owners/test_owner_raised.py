"""业主提出: an item the owner points out during a walkthrough is marked when logged, synced exactly once,
pulled by every device that sees it, shown in the API, filterable and counted in the statistics."""

from __future__ import annotations

import uuid
from typing import Any

from domain.models import Defect
from server.extensions import db
from tests.sync.test_push import create_args

from .conftest import push_twice


def _defect(defect_id: str) -> Defect:
    d = db.session.get(Defect, uuid.UUID(defect_id))
    assert d is not None
    db.session.refresh(d)
    return d


def test_marked_on_the_tablet_synced_once_and_pulled(client: Any, world: Any, device: Any) -> None:
    tablet, other = device(world.inspector), device(world.inspector2)
    raised = create_args(world, inspection_id=str(world.inspection.id), owner_raised=True)
    found = create_args(world, inspection_id=str(world.inspection.id))
    tablet.mutate("defect.create", **raised)
    tablet.mutate("defect.create", **found)
    first, again = push_twice(client, tablet)  # the same batch again, as after a lost answer
    assert [r["status"] for r in first] == [r["status"] for r in again] == ["applied", "applied"]
    assert all(r["replayed"] for r in again)
    ids = [uuid.UUID(raised["id"]), uuid.UUID(found["id"])]
    assert db.session.query(Defect).filter(Defect.id.in_(ids)).count() == 2
    assert _defect(raised["id"]).owner_raised is True
    assert _defect(found["id"]).owner_raised is False

    other.pull()
    assert other.defects[raised["id"]]["owner_raised"] is True
    assert other.defects[found["id"]]["owner_raised"] is False
    owner = device(world.owner)
    owner.pull()
    assert owner.defects[raised["id"]]["owner_raised"] is True


def test_toggled_later_by_staff_last_writer_wins(world: Any, device: Any) -> None:
    tablet = device(world.inspector)
    args = create_args(world, inspection_id=str(world.inspection.id))
    tablet.mutate("defect.create", **args)
    tablet.mutate("defect.update", id=args["id"], fields={"owner_raised": True})
    assert [r["status"] for r in tablet.push()] == ["applied", "applied"]
    assert _defect(args["id"]).owner_raised is True
    owner = device(world.owner)
    owner.mutate("defect.update", id=args["id"], fields={"owner_raised": False})
    [res] = owner.push()
    assert res["status"] == "rejected" and res["code"] == "forbidden"
    assert _defect(args["id"]).owner_raised is True


def test_what_a_homeowner_reports_is_theirs(world: Any, device: Any) -> None:
    owner = device(world.owner)
    args = create_args(world, photos=[])
    owner.mutate("defect.create", **args)
    assert owner.push()[0]["status"] == "applied"
    assert _defect(args["id"]).owner_raised is True


def test_listed_filtered_and_counted(client: Any, auth: Any, world: Any, device: Any) -> None:
    tablet = device(world.manager)
    raised = create_args(world, inspection_id=str(world.inspection.id), owner_raised=True)
    tablet.mutate("defect.create", **raised)
    tablet.mutate("defect.create", **create_args(world, inspection_id=str(world.inspection.id)))
    tablet.push()
    headers = auth.headers(world.manager)
    only = client.get(f"/api/defects?project_id={world.project.id}&owner_raised=true", headers=headers)
    assert [d["id"] for d in only.json] == [raised["id"]] and only.json[0]["owner_raised"] is True
    others = client.get(f"/api/defects?project_id={world.project.id}&owner_raised=false", headers=headers)
    assert raised["id"] not in {d["id"] for d in others.json} and len(others.json) == 1
    stats = client.get(f"/api/projects/{world.project.id}/stats", headers=headers).json["numbers"]
    assert stats["owner_raised"] == 1 and stats["defects"] == 2
    narrowed = client.get(f"/api/projects/{world.project.id}/stats?owner_raised=true", headers=headers)
    assert narrowed.json["numbers"]["defects"] == 1
    bad = client.get(f"/api/projects/{world.project.id}/stats?owner_raised=maybe", headers=headers)
    assert bad.status_code == 422 and bad.json["code"] == "stats_bad_filter"
