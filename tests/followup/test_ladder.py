"""A whole rectification loop with the clock injected: dispatch → due soon → overdue L1 → L2 → fix →
re-check fails twice (the second climbs a level at once) → pass → closed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from domain.followup import deadlines, job
from domain.models import Escalation, InboxMessage
from server.extensions import db

from .conftest import AFTER, defect, inbox


def test_dispatch_sets_deadlines_from_the_policy(world, loop):
    d = defect(loop)
    assert d.assigned_at is not None
    # 工程质量 / B: respond within a day, fix within 7 days; due_date is the fix deadline's date in China.
    assert d.response_due_at == d.assigned_at + timedelta(days=1)
    assert d.fix_due_at == d.assigned_at + timedelta(days=7)
    assert d.due_date == deadlines.local_date(d.fix_due_at)
    assert [m.kind for m in inbox(world.crew)] == ["dispatched"]
    assert inbox(world.crew2) == []


def test_a_leak_must_be_answered_at_once(world, device, loop):
    from domain.models import DefectType

    dtype = db.session.get(DefectType, world.dtype.id)
    dtype.code, dtype.name_zh = "water.leak_bath", "卫生间渗漏"
    db.session.commit()
    m = device(world.manager)
    m.pull()
    m.mutate("defect.update", id=loop, fields={"severity": "A"})
    m.push()
    d = defect(loop)
    # The type had no override yet (the project's defaults were made before it was a leak): the leak rule.
    assert d.response_due_at == d.assigned_at + timedelta(minutes=30)


def test_the_whole_ladder(world, device, client, auth, loop):
    crew, inspector = device(world.crew), device(world.inspector)
    d = defect(loop)
    t0 = d.assigned_at
    crew.pull()
    crew.mutate("defect.status", id=loop, action="accept", **{"from": "assigned"})
    assert crew.push()[0]["status"] == "applied"
    assert defect(loop).accepted_at is not None

    # Six and a half days on: due within the 24-hour window. Once only.
    report = job.run(db.session, t0 + timedelta(days=6, hours=12))
    assert (report.due_soon, report.escalations) == (1, 0)
    assert job.run(db.session, t0 + timedelta(days=6, hours=13)).due_soon == 0
    assert [m.kind for m in inbox(world.crew)] == ["dispatched", "due_soon"]

    # An hour past the fix deadline: level 1 (the crew lead); the device pulls the level with the defect.
    report = job.run(db.session, t0 + timedelta(days=7, hours=1))
    assert (report.escalations, report.defects) == (1, 1)
    crew.pull()
    assert crew.defects[loop]["escalation_level"] == 1
    assert crew.defects[loop]["fix_due_at"] == defect(loop).fix_due_at.isoformat()
    assert inbox(world.manager, "overdue") == []

    # Run again at the same moment: nothing new.
    assert job.run(db.session, t0 + timedelta(days=7, hours=1)).escalations == 0

    # Three days past: level 2, the project manager hears.
    assert job.run(db.session, t0 + timedelta(days=10, hours=2)).escalations == 1
    assert defect(loop).escalation_level == 2
    assert [m.level for m in inbox(world.manager, "overdue")] == [2]

    # A fix without an after-photo is refused with a code, then accepted with one.
    crew.pull()
    crew.mutate("defect.status", id=loop, action="fix", **{"from": "assigned"})
    [res] = crew.push()
    assert res["status"] == "rejected" and res["code"] == "fix_needs_after_photo"
    crew.mutate("defect.photo_add", id=loop, sha256=AFTER, kind="after")
    crew.mutate("defect.status", id=loop, action="fix", **{"from": "assigned"})
    assert [r["status"] for r in crew.push()] == ["applied", "applied"]
    assert [m.kind for m in inbox(world.manager)][-1] == "fixed"

    # First failed re-check: back to the crew, no new level. Second: one level up at once (regional head).
    for attempt in (1, 2):
        inspector.pull()
        inspector.mutate("defect.status", id=loop, action="fail", note="仍有空鼓", **{"from": "fixed"})
        assert inspector.push()[0]["status"] == "applied"
        assert len(inbox(world.crew, "recheck_failed")) == attempt
        if attempt == 1:
            assert defect(loop).escalation_level == 2
            crew.pull()
            crew.mutate("defect.status", id=loop, action="fix", **{"from": "assigned"})
            assert crew.push()[0]["status"] == "applied"
    assert defect(loop).escalation_level == 3
    assert [m.level for m in inbox(world.admin, "overdue")] == [3]
    levels = db.session.execute(select(Escalation.level, Escalation.reason).order_by(Escalation.level)).all()
    assert [tuple(r) for r in levels] == [(1, "fix"), (2, "fix"), (3, "recheck_failed")]

    # The job later finds nothing more to climb (the ladder has three levels).
    assert job.run(db.session, t0 + timedelta(days=30)).escalations == 0

    crew.pull()
    crew.mutate("defect.status", id=loop, action="fix", **{"from": "assigned"})
    crew.push()
    inspector.pull()
    inspector.mutate("defect.status", id=loop, action="pass", **{"from": "fixed"})
    assert inspector.push()[0]["status"] == "applied"
    assert defect(loop).status == "closed"
    assert inbox(world.crew, "closed") and inbox(world.inspector, "closed")
    # Every message landed once.
    keys = db.session.scalar(select(func.count(func.distinct(InboxMessage.key))))
    assert keys == db.session.scalar(select(func.count()).select_from(InboxMessage))

    # The escalations are visible in the API; the crew acknowledges its level-1 record.
    h = auth.headers(world.crew)
    rows = client.get("/api/escalations", headers=h).get_json()
    assert sorted(r["level"] for r in rows) == [1, 2, 3]
    first = next(r for r in rows if r["level"] == 1)
    acked = client.post(f"/api/escalations/{first['id']}/ack", headers=h).get_json()
    assert acked["acknowledged_by_id"] == world.crew.id


def test_not_accepted_in_time_escalates_on_the_response_deadline(world, loop):
    t0 = defect(loop).assigned_at
    assert job.run(db.session, t0 + timedelta(hours=23)).escalations == 0
    assert job.run(db.session, t0 + timedelta(hours=25)).escalations == 1
    assert db.session.scalar(select(Escalation.reason)) == "response"


def test_reject_goes_back_to_the_dispatcher_with_a_reason(world, device, loop):
    crew = device(world.crew)
    crew.pull()
    crew.mutate("defect.status", id=loop, action="reject", **{"from": "assigned"})
    assert crew.push()[0]["status"] == "rejected"  # a reason is required
    crew.mutate(
        "defect.status", id=loop, action="reject", note="不是我们的工作 / not our trade", **{"from": "assigned"}
    )
    assert crew.push()[0]["status"] == "applied"
    d = defect(loop)
    assert (d.status, d.contractor_id, d.fix_due_at, d.accepted_at) == ("open", None, None, None)
    [msg] = inbox(world.manager, "rejected")
    assert "not our trade" in msg.body


def test_a_manager_overrides_the_deadline_with_a_reason(world, client, auth, loop):
    from datetime import date

    r = client.post(
        f"/api/defects/{loop}/deadline",
        json={"due_date": "2027-01-15", "reason": "等材料"},
        headers=auth.headers(world.manager),
    )
    assert r.status_code == 200, r.get_json()
    d = defect(loop)
    assert d.due_date == date(2027, 1, 15) and deadlines.local_date(d.fix_due_at) == date(2027, 1, 15)
    history = client.get(f"/api/defects/{loop}", headers=auth.headers(world.manager)).get_json()["history"]
    assert any(h["action"] == "deadline_override" and h["new"]["reason"] == "等材料" for h in history)
    for who, status in ((world.inspector, 403), (world.crew, 403), (world.outsider, 404), (world.owner2, 404)):
        r = client.post(
            f"/api/defects/{loop}/deadline", json={"due_date": "2027-01-16", "reason": "x"}, headers=auth.headers(who)
        )
        assert r.status_code == status, (who.role, r.get_json())


def test_escalation_fields_are_pulled(world, device, loop):
    m = device(world.manager)
    m.pull()
    d = m.defects[loop]
    assert d["escalation_level"] == 0 and d["response_due_at"] and d["accepted_at"] is None
