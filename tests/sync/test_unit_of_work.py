"""A push is one unit of work: the request's (domain.transaction.run) commits it once, reruns it after a
deadlock, a serialisation failure or a first-write race, and keeps nothing of a refused push."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import sync.push
from domain.models import AppliedMutation, Defect, Device
from server.extensions import db

from .test_push import create_args


class _PgError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def test_a_first_push_that_loses_the_race_for_its_device_runs_again(world, device, monkeypatch):
    """Two first pushes of one device both insert its row; the loser's unique violation reruns the push,
    which then finds the row (simulated: the first attempt fails as the loser's would)."""
    real = sync.push._device
    calls = []

    def racing(session, user, device_id):
        calls.append(1)
        if len(calls) == 1:
            real(session, user, device_id)
            raise IntegrityError("INSERT INTO devices …", {}, _PgError("23505"))
        return real(session, user, device_id)

    monkeypatch.setattr(sync.push, "_device", racing)
    a = device(world.inspector)
    a.mutate("defect.create", **create_args(world))
    assert [r["status"] for r in a.push()] == ["applied"]
    assert len(calls) == 2
    assert db.session.scalar(select(func.count()).select_from(Defect)) == 1
    assert db.session.scalar(select(func.count()).select_from(AppliedMutation)) == 1


def test_a_push_refused_for_a_sequence_from_the_future_keeps_nothing(world, device, client):
    a = device(world.inspector)
    a.mutate("defect.create", **create_args(world))
    a.mutate("defect.create", **create_args(world))
    r = client.post("/api/sync/push", json={"device_id": a.id, "mutations": a.outbox[1:]}, headers=a.headers)
    assert r.status_code == 409 and r.get_json()["expected_seq"] == 1
    db.session.expire_all()
    assert db.session.get(Device, a.id) is None, "the device row the refused push made was rolled back"
    assert [x["status"] for x in a.push()] == ["applied", "applied"]
