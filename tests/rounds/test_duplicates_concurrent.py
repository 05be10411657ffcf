"""Two tablets pushing the same problem at the same moment: the push that comes second finds the first one's
defect, because suspicions are looked for after the change feed's lock, which the second push waits for."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import Session

import sync.push
from domain import transaction
from domain.models import DefectDuplicate, User
from server.extensions import db
from sync.feed import ChangeSet
from sync.hlc import Clock
from tests.sync.test_concurrency import _wait_until_blocked

pytestmark = pytest.mark.committed  # two sessions on their own connections


def test_simultaneous_pushes_from_two_tablets_are_flagged_once(
    world: Any, database_url: str, is_postgres: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    ChangeSet().publish(db.session())  # the feed's counter row exists, as on any server that has synced once
    db.session.commit()
    engine = create_engine(database_url)
    dev_a, dev_b = str(uuid.uuid4()), str(uuid.uuid4())
    d_a, d_b = uuid.uuid4(), uuid.uuid4()
    common = {"unit_id": world.unit.id, "type_id": world.dtype.id, "room_id": world.rooms[0].id}
    a_locked, release, b_reached = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []
    real = sync.push.flag_arrivals

    def gated(session: Session, device_id: str, ids: Any, now: datetime) -> None:
        if device_id == dev_a:  # tablet A holds the feed's lock, uncommitted, until B is waiting for it
            a_locked.set()
            assert release.wait(30)
        return real(session, device_id, ids, now)

    monkeypatch.setattr(sync.push, "flag_arrivals", gated)

    def run(user_id: int, device_id: str, defect_id: uuid.UUID) -> None:
        try:
            with Session(engine) as s:
                user = s.get(User, user_id)
                assert user is not None
                m = {"seq": 1, "hlc": Clock(device_id).tick(), "name": "defect.create",
                     "args": {"id": str(defect_id), **common}}  # fmt: skip
                # The push flushes; the unit of work commits it (as the push request's does).
                out = transaction.run(s, lambda: sync.push.push(s, user, device_id, [m]), races=True)
                assert out.results[0]["status"] == "applied", out.results
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            release.set()

    ta = threading.Thread(target=run, args=(world.inspector.id, dev_a, d_a))
    tb = threading.Thread(target=run, args=(world.inspector2.id, dev_b, d_b))

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if threading.current_thread() is tb and "sync_counters" in statement and "UPDATE" in statement.upper():
            b_reached.set()

    try:
        ta.start()
        assert a_locked.wait(30), errors
        tb.start()
        _wait_until_blocked(engine, is_postgres, b_reached)
        release.set()
        ta.join(30)
        tb.join(30)
    finally:
        release.set()
        engine.dispose()
    assert errors == []
    db.session.expire_all()
    rows = db.session.scalars(select(DefectDuplicate)).all()
    assert [(r.defect_id, r.duplicate_of_id, r.state, r.project_id) for r in rows] == [
        (d_b, d_a, "suspected", world.project.id)
    ]
