"""The homeowner follows their own items: confirms a repair (业主确认), disputes one with a reason (back to
re-check), adds photos to their own items, and rates the follow-up visit (回访); nothing else, nowhere else."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from domain.models import Defect, InboxMessage
from server.extensions import db
from tests.sync.test_push import create_args

AFTER = "b" * 64


def _fixed(world: Any, device: Any, unit: Any = None) -> tuple[Any, str]:
    """A defect found with the owner (customer-facing round), dispatched, accepted, photographed and fixed."""
    staff = device(world.manager)
    args = create_args(world, inspection_id=str(world.inspection.id), unit_id=(unit or world.unit).id)
    staff.mutate("defect.create", **args)
    staff.mutate("defect.status", id=args["id"], action="assign", **{"from": "open"}, contractor_id=world.contractor.id)
    staff.mutate("defect.status", id=args["id"], action="accept", **{"from": "assigned"})
    staff.push()
    from domain.models import Photo, PhotoUploader

    if db.session.get(Photo, AFTER) is None:
        db.session.add(
            Photo(
                sha256=AFTER,
                mime="image/jpeg",
                size=10,
                width=10,
                height=10,
                derivative_mime="image/jpeg",
                clean_mime="image/jpeg",
            )
        )
        db.session.add(PhotoUploader(sha256=AFTER, user_id=world.manager.id))
    db.session.commit()
    staff.mutate("defect.photo_add", id=args["id"], sha256=AFTER, kind="after")
    staff.mutate("defect.status", id=args["id"], action="fix", **{"from": "assigned"})
    results = staff.push()
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return staff, args["id"]


def _status(defect_id: str) -> str:
    d = db.session.get(Defect, uuid.UUID(defect_id))
    db.session.refresh(d)
    return d.status


def test_owner_is_told_of_the_fix_and_confirms_it(world: Any, device: Any) -> None:
    _, defect_id = _fixed(world, device)
    told = db.session.scalars(select(InboxMessage.kind).where(InboxMessage.user_id == world.owner.id)).all()
    assert "fixed" in told
    owner = device(world.owner)
    owner.mutate("defect.status", id=defect_id, action="confirm", **{"from": "fixed"})
    assert owner.push()[0]["status"] == "applied"
    assert _status(defect_id) == "closed"
    owner.mutate("defect.status", id=defect_id, action="visit", **{"from": "closed"}, satisfaction=4, note="师傅很认真")
    assert owner.push()[0]["status"] == "applied"
    d = db.session.get(Defect, uuid.UUID(defect_id))
    assert d.status == "visited" and d.satisfaction == 4


def test_owner_disputes_with_a_reason_and_it_goes_back_to_recheck(world: Any, device: Any) -> None:
    staff, defect_id = _fixed(world, device)
    staff.mutate("defect.status", id=defect_id, action="pass", **{"from": "fixed"})
    staff.push()
    owner = device(world.owner)
    owner.mutate("defect.status", id=defect_id, action="dispute", **{"from": "closed"})  # no reason
    owner.mutate("defect.status", id=defect_id, action="dispute", **{"from": "closed"}, note="窗台还在渗水")
    results = owner.push()
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert results[0]["code"] == "mutation_invalid"
    assert _status(defect_id) == "fixed"


@pytest.mark.parametrize("action", ["assign", "accept", "fix", "pass", "fail", "void", "reopen"])
def test_owner_may_not_take_staff_or_crew_actions(world: Any, device: Any, action: str) -> None:
    _, defect_id = _fixed(world, device)
    owner = device(world.owner)
    owner.mutate("defect.status", id=defect_id, action=action, **{"from": "fixed"}, contractor_id=world.contractor.id)
    result = owner.push()[0]
    assert result["status"] in ("rejected", "conflict")
    assert _status(defect_id) == "fixed"


@pytest.mark.parametrize("who", ["owner2", "crew", "crew2", "inspector"])
def test_nobody_else_confirms_or_disputes(world: Any, device: Any, who: str) -> None:
    _, defect_id = _fixed(world, device)
    other = device(getattr(world, who))
    other.mutate("defect.status", id=defect_id, action="confirm", **{"from": "fixed"})
    other.mutate("defect.status", id=defect_id, action="dispute", **{"from": "fixed"}, note="不是我的")
    results = other.push()
    assert all(r["status"] in ("rejected", "conflict") for r in results)
    assert _status(defect_id) == "fixed"


def test_owner_adds_photos_to_their_own_items_only(world: Any, device: Any) -> None:
    from domain.models import Photo, PhotoUploader

    _, mine = _fixed(world, device)
    _, theirs = _fixed(world, device, unit=world.unit2)
    sha = "c" * 64
    db.session.add(
        Photo(
            sha256=sha,
            mime="image/jpeg",
            size=10,
            width=10,
            height=10,
            derivative_mime="image/jpeg",
            clean_mime="image/jpeg",
        )
    )
    db.session.add(PhotoUploader(sha256=sha, user_id=world.owner.id))
    db.session.commit()
    owner = device(world.owner)
    owner.mutate("defect.photo_add", id=mine, sha256=sha, kind="after")
    owner.mutate("defect.photo_add", id=theirs, sha256=sha, kind="after")
    results = owner.push()
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert results[1]["code"] == "not_found"
