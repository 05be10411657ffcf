"""Resolving a conflict "theirs" applies the device's change only if the resolver may take that action
themselves on the defect as it is now (domain/rules.json); otherwise it is refused with the reason."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from domain import rules
from domain.models import Conflict, Defect
from server.extensions import db

from .test_push import create_args

ROLES = ("admin", "manager", "inspector", "crew", "homeowner")
USER_OF = {"admin": "admin", "manager": "manager", "inspector": "inspector", "crew": "crew", "homeowner": "owner"}
CASES = [
    (role, action, state)
    for role in ROLES
    for action, t in rules.TRANSITIONS.items()
    for state in (t.sources[0], next(s for s in rules.STATUS_ZH if s not in t.sources))
    if role in rules.STAFF or state == t.sources[0]  # crew and homeowners are refused before any state
]


def _conflict(world: Any, device: Any, action: str, state: str) -> tuple[str, int]:
    a = device(world.inspector)
    args = create_args(world)
    a.mutate("defect.create", **args)
    a.push()
    d = db.session.get(Defect, uuid.UUID(args["id"]))
    d.status = state
    d.contractor_id = world.contractor.id if state != "open" else None
    theirs = {"action": action, "from": "open", "contractor_id": world.contractor2.id, "satisfaction": 4}
    c = Conflict(defect_id=d.id, kind="stale", message="m", ours={}, theirs=theirs, device_id=a.id)
    db.session.add(c)
    db.session.commit()
    return args["id"], c.id


@pytest.mark.parametrize(("role", "action", "state"), CASES, ids=[f"{r}-{a}-{s}" for r, a, s in CASES])
def test_resolve_theirs_follows_the_state_machine(world, device, client, role, action, state):
    did, cid = _conflict(world, device, action, state)
    user = getattr(world, USER_OF[role])
    r = client.post(f"/api/sync/conflicts/{cid}/resolve", json={"choice": "theirs"}, headers=device(user).headers)
    body = r.get_json()
    db.session.expire_all()
    d = db.session.get(Defect, uuid.UUID(did))
    if role in ("crew", "homeowner"):
        # Neither sees this conflict's defect as theirs to settle: not visible (404) or not staff (403).
        assert r.status_code in (403, 404) and body["code"] in ("forbidden", "not_found")
        assert d.status == state
        return
    allowed = rules.check(action, state, user.role, user.contractor_id, d.contractor_id) is None
    if allowed:
        assert r.status_code == 200, body
        assert body["status"] == "resolved" and d.status == rules.TRANSITIONS[action].target
    else:
        assert r.status_code in (403, 409) and body["code"] == "transition_not_allowed", body
        assert "/" in body["detail"]
        assert d.status == state
        assert db.session.get(Conflict, cid).status == "open"


def test_the_reported_attack_void_through_resolve_is_refused(world, device, client):
    """An inspector's refused void becomes a conflict; resolving it "theirs" must not force it."""
    a = device(world.inspector)
    args = create_args(world)
    a.mutate("defect.create", **args)
    a.mutate("defect.status", id=args["id"], action="void", **{"from": "open"})
    _, res = a.push()
    assert res["status"] == "conflict" and res["code"] == "transition_not_allowed"
    r = client.post(f"/api/sync/conflicts/{res['conflict_id']}/resolve", json={"choice": "theirs"}, headers=a.headers)
    assert r.status_code == 403 and r.get_json()["code"] == "transition_not_allowed"
    a.pull()
    assert a.defects[args["id"]]["status"] == "open"
    ok = client.post(f"/api/sync/conflicts/{res['conflict_id']}/resolve", json={"choice": "ours"}, headers=a.headers)
    assert ok.status_code == 200
