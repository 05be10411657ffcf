"""业主异议 while the repair still awaits re-check: the status stays at re-check, and those who re-check it
(and the crew) hear the owner's reason at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from domain.models import InboxMessage
from server.extensions import db
from tests.walkthroughs.test_owner_repairs import _fixed, _status


def test_dispute_of_a_fixed_item_tells_the_rechecker(world: Any, device: Any) -> None:
    _, defect_id = _fixed(world, device)
    owner = device(world.owner)
    owner.mutate("defect.status", id=defect_id, action="dispute", **{"from": "fixed"}, note="窗框仍有缝隙")
    assert owner.push()[0]["status"] == "applied"
    assert _status(defect_id) == "fixed"
    told = db.session.execute(
        select(InboxMessage.user_id, InboxMessage.body).where(InboxMessage.kind == "disputed")
    ).all()
    users = {u for u, _ in told}
    assert world.manager.id in users and world.crew.id in users and world.owner.id not in users
    assert all(body == "窗框仍有缝隙" for _, body in told)
