"""The daily digest per contractor: by building, what is due, overdue and failed re-check.

Counted with one GROUP BY over every contractor's open defects; one message per crew member per project
and day, in the inbox (unless the member turned the digest off: ``digest`` in ``muted_kinds``) and by
e-mail for those who chose it (``digest`` in ``email_kinds``), through the outbox like every other e-mail.
The keys hold the date, so running it twice a day sends nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..models import Building, Defect, InboxMessage, NotifySettings, OutboxMessage, Project, Unit
from . import deadlines, events

TAG = ",digest,"


def digest(session: Session, now: datetime) -> int:
    """Write today's digests (as of ``now``); returns how many contractors got one. Commits."""
    overdue = (Defect.fix_due_at < now) | ((Defect.accepted_at.is_(None)) & (Defect.response_due_at < now))
    stmt = (
        select(
            Defect.contractor_id,
            Defect.project_id,
            Building.name,
            func.count(),
            func.sum(case((overdue, 1), else_=0)),
            func.sum(case((Defect.repeat_count > 0, 1), else_=0)),
        )
        .join(Unit, Unit.id == Defect.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(Defect.status == "assigned", Defect.contractor_id.is_not(None))
        .group_by(Defect.contractor_id, Defect.project_id, Building.name)
        .order_by(Defect.contractor_id, Defect.project_id, Building.name)
    )
    lines: dict[tuple[int, int], list[str]] = defaultdict(list)
    for contractor_id, project_id, building, due, late, failed in session.execute(stmt):
        lines[(contractor_id, project_id)].append(
            f"- {building}: 待整改 {due} / due, 已超时 {late} / overdue, 复验不通过 {failed} / failed re-check"
        )
    day = deadlines.local_date(now).isoformat()
    names = dict(session.execute(select(Project.id, Project.name).where(Project.id.in_({p for _, p in lines}))).all())
    inbox: list[dict[str, Any]] = []
    outbox: list[dict[str, Any]] = []
    for (contractor_id, project_id), rows in lines.items():
        users = events.target_users(session, "crew", project_id, contractor_id)
        prefs = {s.user_id: s for s in session.scalars(select(NotifySettings).where(NotifySettings.user_id.in_(users)))}
        title = f"{events.TITLES['digest']} {day} · {names.get(project_id, project_id)}"
        body = "\n".join(rows)
        for uid in users:
            key = f"digest:{contractor_id}:{project_id}:{day}"
            pref = prefs.get(uid)
            if pref is None or TAG not in pref.muted_kinds:
                inbox.append(
                    {
                        "key": f"{key}:u{uid}",
                        "user_id": uid,
                        "kind": "digest",
                        "project_id": project_id,
                        "defect_id": None,
                        "level": None,
                        "title": title,
                        "body": body[:2000],
                        "created_at": now,
                    }
                )
            if pref is not None and pref.email and TAG in pref.email_kinds:
                outbox.append(
                    {
                        "key": f"{key}:e{uid}",
                        "channel": "email",
                        "target": pref.email,
                        "user_id": uid,
                        "kind": "digest",
                        "project_id": project_id,
                        "payload": {"kind": "digest", "project_id": project_id, "title": title, "text": body},
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": now,
                        "last_error": "",
                        "created_at": now,
                    }
                )
    events.insert_once(session, InboxMessage, inbox)
    events.insert_once(session, OutboxMessage, outbox)
    session.commit()
    return len(lines)
