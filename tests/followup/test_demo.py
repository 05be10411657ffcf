"""In the demo, one follow-up pass (the CLI, as serve.sh runs it) escalates the overdue defects and the
crews find the messages in their inboxes."""

from __future__ import annotations

from sqlalchemy import func, select

from domain.models import Defect, Escalation, InboxMessage, User
from server.demo.data import load_demo
from server.extensions import db


def test_overdue_demo_defects_climb_the_ladder(app, runner):
    load_demo(db.session)
    db.session.commit()
    dispatched = db.session.scalar(
        select(func.count()).where(Defect.status == "assigned", Defect.fix_due_at.is_not(None))
    )
    assert dispatched and dispatched == db.session.scalar(select(func.count()).where(Defect.status == "assigned"))
    result = runner.invoke(args=["followup", "run", "--no-deliver"])
    assert result.exit_code == 0, result.output
    assert "escalations" in result.output
    escalated = db.session.scalar(select(func.count()).where(Defect.escalation_level > 0))
    assert escalated and db.session.scalar(select(func.count()).select_from(Escalation)) >= escalated
    crew = db.session.scalar(select(User).where(User.role == "crew").order_by(User.id))
    assert db.session.scalar(select(func.count()).where(InboxMessage.user_id == crew.id)) > 0
    again = runner.invoke(args=["followup", "run", "--no-deliver"])
    assert "escalations 0" in again.output
    assert runner.invoke(args=["notify", "digest"]).exit_code == 0
    assert db.session.scalar(select(func.count()).where(InboxMessage.kind == "digest")) > 0
