"""Concurrency on PostgreSQL with several processes: no change missed by a puller, none applied twice.

The cursor's safety rests on commit order == sequence order (sync/feed.py). The first test shows the
mechanism directly with two transactions; the second races 8 writer processes against pullers.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.orm import Session

from domain.models import AppliedMutation, Defect, DefectHistory, StatusCommand, SyncChange
from server.extensions import db
from sync.feed import ChangeSet

from . import workers

pytestmark = pytest.mark.committed  # other connections and processes must see the data


def _publish_one(session: Session, defect: Any) -> int:
    changes = ChangeSet()
    changes.touch("defect", uuid.uuid4(), defect.id, {"project_id": defect.project_id, "unit_id": defect.unit_id})
    return changes.publish(session)


def _wait_until_blocked(engine: Any, is_postgres: bool, reached: threading.Event) -> None:
    """Return once the second writer is stuck behind the first: it has sent its counter UPDATE and, on
    PostgreSQL, its backend is waiting for a lock. (SQLite cannot finish the statement while the first
    writer holds the database's write lock, so sending it is enough.)"""
    assert reached.wait(30), "the second writer never reached the counter"
    if not is_postgres:
        return
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with engine.connect() as probe:  # a new transaction each time: pg_stat_activity is a per-transaction snapshot
            if probe.execute(waiting).scalar():
                return
        time.sleep(0.005)  # polling a condition, not waiting for time to pass
    raise AssertionError("the second writer never waited for the first one's lock")


def test_a_later_sequence_cannot_commit_before_an_earlier_one(world, database_url, is_postgres):
    from tests.factories import DefectFactory

    defect = DefectFactory(unit=world.unit, type_id=world.dtype.id)
    _publish_one(db.session(), defect)  # the counter row exists from the first write on
    db.session.commit()
    engine = create_engine(database_url)
    first, second = Session(engine), Session(engine)
    reached = threading.Event()
    got: list[int] = []
    writer = threading.Thread(target=lambda: (got.append(_publish_one(second, defect)), second.commit()))

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if threading.current_thread() is writer and "sync_counters" in statement and "UPDATE" in statement.upper():
            reached.set()

    try:
        seq1 = _publish_one(first, defect)  # allocated, not committed: holds the counter
        writer.start()
        _wait_until_blocked(engine, is_postgres, reached)
        with engine.connect() as reader:
            visible = reader.execute(text("SELECT max(seq) FROM sync_changes")).scalar()
        assert got == [] and visible == seq1 - 1  # the second writer waits; a puller sees neither yet
        first.commit()
        writer.join(10)
        assert got == [seq1 + 1]
    finally:
        first.close()
        second.close()
        engine.dispose()


@pytest.mark.slow
def test_writers_and_pullers_race(world, auth, database_url, is_postgres, tmp_path):
    if not is_postgres:
        pytest.skip("the multi-process race is about PostgreSQL's visibility order; SQLite has one writer")
    ctx = multiprocessing.get_context("spawn")
    tokens = [auth.headers(u)["Authorization"][7:] for u in [world.inspector, world.inspector2, world.manager]]
    total_seq = total_status = 0
    with ctx.Pool(11) as pool:
        for rnd in range(3):
            stop = tmp_path / f"stop{rnd}"
            pulls = [pool.apply_async(workers.puller, (database_url, tokens[i % 3], str(stop))) for i in range(3)]
            writes = [
                pool.apply_async(
                    workers.writer,
                    (database_url, tokens[i % 3], world.unit.id, world.dtype.id, world.contractor.id, 20, rnd * 10 + i),
                )
                for i in range(8)
            ]
            wrote = [w.get(timeout=120) for w in writes]
            stop.touch()
            pulled = [p.get(timeout=60) for p in pulls]
            _check(wrote, pulled, rnd)
            total_seq += sum(w["seq"] for w in wrote)
            total_status += sum(w["status_sent"] for w in wrote)
            _check_counts(total_seq, total_status)


def _check(wrote: list[dict], pulled: list[dict], rnd: int) -> None:
    db.session.expire_all()
    created = {d for w in wrote for d in w["created"]}
    rows = {str(d.id): d for d in db.session.scalars(select(Defect))}
    assert set(rows) >= created
    for p in pulled:
        assert set(p["replica"]) == set(rows), f"round {rnd}: a puller missed a change"
        for did, data in p["replica"].items():
            assert (data["description"], data["status"]) == (rows[did].description, rows[did].status)


def _check_counts(total_seq: int, total_status: int) -> None:
    # Exactly once: one ledger row per (device, seq), one create per defect, one command per status push.
    rows = db.session.scalar(select(func.count()).select_from(Defect))
    assert db.session.scalar(select(func.count()).select_from(AppliedMutation)) == total_seq
    creates = select(func.count()).select_from(DefectHistory).where(DefectHistory.action == "create")
    assert db.session.scalar(creates) == rows
    assert db.session.scalar(select(func.count()).select_from(StatusCommand)) == total_status
    seqs = db.session.scalars(select(SyncChange.seq).order_by(SyncChange.seq)).all()
    assert seqs == list(range(1, len(seqs) + 1))
    db.session.commit()
