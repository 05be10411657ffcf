"""Two follow-up passes started at the same moment escalate and notify each defect once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.followup import defaults, job
from domain.models import Defect, Escalation, InboxMessage, SyncChange
from server.extensions import db
from tests import factories as f


def _overdue_world(n: int) -> datetime:
    project = f.ProjectFactory()
    building = f.BuildingFactory(project_id=project.id)
    contractor = f.ContractorFactory()
    f.UserFactory(role="crew", contractor_id=contractor.id)
    dtype = f.DefectTypeFactory()
    defaults.ensure_project(db.session, project.id)
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    for i in range(n):
        unit = f.UnitFactory(building=building)
        db.session.add(
            Defect(
                project_id=project.id,
                unit_id=unit.id,
                type_id=dtype.id,
                severity="B",
                status="assigned",
                contractor_id=contractor.id,
                assigned_at=now - timedelta(days=20),
                response_due_at=now - timedelta(days=19),
                fix_due_at=now - timedelta(days=13, hours=i % 5),
                accepted_at=now - timedelta(days=19, hours=12),
            )
        )
    db.session.commit()
    return now


@pytest.mark.committed
def test_two_passes_at_once_escalate_each_defect_once(app, is_postgres):
    if not is_postgres:
        pytest.skip("concurrent writers are PostgreSQL's case; SQLite has one writer")
    now = _overdue_world(30)
    engine = db.engine
    barrier = threading.Barrier(2)
    reports: list[job.Report] = []
    errors: list[BaseException] = []

    def one() -> None:
        try:
            with Session(engine) as session:
                barrier.wait()
                reports.append(job.run(session, now))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    # 13 days overdue: levels 1, 2 and 3 for every defect, once; the other pass found nothing to do.
    assert sorted(r.escalations for r in reports) == [0, 90]
    per_level = db.session.execute(
        select(Escalation.defect_id, Escalation.level, func.count()).group_by(Escalation.defect_id, Escalation.level)
    ).all()
    assert len(per_level) == 90 and {c for *_, c in per_level} == {1}
    keys = db.session.scalar(select(func.count(func.distinct(InboxMessage.key))))
    # Each defect is announced once, at the highest level it reached in the pass.
    assert keys == db.session.scalar(select(func.count()).select_from(InboxMessage)) == 30
    assert set(db.session.scalars(select(InboxMessage.level))) == {3}
    assert db.session.scalar(select(func.count()).select_from(SyncChange)) == 30
    seqs = db.session.scalars(select(SyncChange.seq).order_by(SyncChange.seq)).all()
    assert seqs == list(range(seqs[0], seqs[0] + 30))
    assert set(db.session.scalars(select(Defect.escalation_level))) == {3}


def test_the_pass_is_idempotent(app):
    now = _overdue_world(5)
    assert job.run(db.session, now).escalations == 15
    for later in (now, now + timedelta(hours=1)):
        report = job.run(db.session, later)
        assert (report.escalations, report.messages, report.due_soon) == (0, 0, 0)


def test_a_backlog_is_caught_up_in_passes_of_the_limit(app):
    """Passes of at most ``limit`` defects, the oldest fix deadline first, each defect's levels in one pass
    (announced once, at the highest); ``run_all`` repeats passes until nothing is left."""
    now = _overdue_world(5)
    by_deadline = db.session.scalars(select(Defect.id).order_by(Defect.fix_due_at, Defect.id)).all()
    first = job.run(db.session, now, limit=2)
    assert (first.defects, first.escalations, first.more) == (2, 6, True)
    assert set(db.session.scalars(select(Escalation.defect_id))) == set(by_deadline[:2])
    rest = job.run_all(db.session, now, limit=2)
    assert (rest.defects, rest.escalations, rest.passes) == (3, 9, 2)
    assert set(db.session.scalars(select(Defect.escalation_level))) == {3}
    assert db.session.scalar(select(func.count()).select_from(InboxMessage)) == 5
    assert set(db.session.scalars(select(InboxMessage.level))) == {3}
    assert db.session.scalar(select(func.count()).select_from(SyncChange)) == 5
    assert job.run_all(db.session, now, limit=2).escalations == 0


def test_a_level_already_recorded_does_not_hold_the_backlog_up(app):
    """A level a push recorded (a failed re-check) is skipped, so the defect ranked first still leaves
    room for others in the pass."""
    now = _overdue_world(3)
    first = db.session.scalars(select(Defect).order_by(Defect.fix_due_at, Defect.id)).first()
    assert first is not None
    for level in (1, 2, 3):
        db.session.add(
            Escalation(
                defect_id=first.id,
                project_id=first.project_id,
                contractor_id=first.contractor_id,
                level=level,
                reason="recheck_failed",
                notify="crew",
                at=now,
            )
        )
    db.session.commit()
    report = job.run(db.session, now, limit=1)
    assert (report.defects, report.escalations) == (1, 3)
    assert first.id not in set(db.session.scalars(select(Escalation.defect_id).where(Escalation.run_id != "")))
