"""The daily digest per contractor: by building, what is due, overdue and failed re-check.

Counted with one GROUP BY over every contractor's open defects; one message per crew member per day (the
key holds the date, so running it twice a day sends nothing new).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..models import Building, Defect, Unit
from . import deadlines, events


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
    for (contractor_id, project_id), rows in lines.items():
        users = events.target_users(session, "crew", project_id, contractor_id)
        for uid in users:
            key = f"digest:{contractor_id}:{project_id}:{day}:u{uid}"
            if session.scalar(select(func.count()).where(events.InboxMessage.key == key)):
                continue
            session.add(
                events.InboxMessage(
                    key=key,
                    user_id=uid,
                    kind="digest",
                    project_id=project_id,
                    title=f"{events.TITLES['digest']} {day}",
                    body="\n".join(rows),
                    created_at=now,
                )
            )
    session.commit()
    return len(lines)
