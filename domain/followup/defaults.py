"""The limits and ladder a project starts with (editable by its managers).

Times follow the seeds: a leak needs someone on site at once, a complaint (客户服务) a first response within
an hour; A-grade issues are fixed now, B by a deadline, C improved later. The ladder starts at the deadline
and climbs after 3 and 7 days (1 and 3 for A-grade defects and urgent types such as leaks).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import DeadlinePolicy, DefectType, EscalationStep, FollowupSettings, TypeDeadline
from ..models.followup import CATEGORIES

H = 60
D = 24 * H

# category → {severity: (response minutes, fix minutes)}
POLICY: dict[str, dict[str, tuple[int, int]]] = {
    "工程质量": {"A": (2 * H, 2 * D), "B": (1 * D, 7 * D), "C": (2 * D, 30 * D)},
    "物业维修": {"A": (1 * H, 1 * D), "B": (4 * H, 3 * D), "C": (1 * D, 7 * D)},
    "规划设计": {"A": (1 * D, 7 * D), "B": (2 * D, 30 * D), "C": (3 * D, 60 * D)},
    "客户服务": {"A": (1 * H, 1 * D), "B": (1 * H, 3 * D), "C": (1 * H, 7 * D)},
    "销售服务": {"A": (1 * H, 3 * D), "B": (1 * H, 7 * D), "C": (1 * H, 15 * D)},
    "外部环境": {"A": (1 * D, 7 * D), "B": (2 * D, 15 * D), "C": (3 * D, 30 * D)},
}
assert tuple(POLICY) == CATEGORIES

# Leaks (渗漏): on site within 30 minutes, fixed within 2 days, and urgent on the ladder.
LEAK = (30, 2 * D)

# (level, after hours, after hours when urgent, whom it notifies)
LADDER = ((1, 0, 0, "crew"), (2, 72, 24, "manager"), (3, 168, 72, "regional"))
DUE_SOON_HOURS = 24


def is_leak(t: Any) -> bool:
    """A leak type (a DefectType, or any row with its ``code`` and ``name_zh``)."""
    return "leak" in t.code or "渗漏" in t.name_zh


def ensure_project(session: Session, project_id: int) -> bool:
    """Give a project the default policy, leak overrides, ladder and settings where it has none.
    Returns whether anything was added."""
    added = False
    have = {
        (c, s)
        for c, s in session.execute(
            select(DeadlinePolicy.category, DeadlinePolicy.severity).where(DeadlinePolicy.project_id == project_id)
        )
    }
    for category, limits in POLICY.items():
        for severity, (response, fix) in limits.items():
            if (category, severity) not in have:
                session.add(
                    DeadlinePolicy(
                        project_id=project_id,
                        category=category,
                        severity=severity,
                        response_minutes=response,
                        fix_minutes=fix,
                    )
                )
                added = True
    typed = set(session.scalars(select(TypeDeadline.type_id).where(TypeDeadline.project_id == project_id)))
    for t in session.scalars(select(DefectType)):
        if is_leak(t) and t.id not in typed:
            session.add(
                TypeDeadline(
                    project_id=project_id, type_id=t.id, response_minutes=LEAK[0], fix_minutes=LEAK[1], urgent=True
                )
            )
            added = True
    if session.scalar(select(EscalationStep.id).where(EscalationStep.project_id == project_id).limit(1)) is None:
        for level, after, urgent, notify in LADDER:
            session.add(
                EscalationStep(
                    project_id=project_id, level=level, after_hours=after, urgent_after_hours=urgent, notify=notify
                )
            )
        added = True
    if session.get(FollowupSettings, project_id) is None:
        session.add(FollowupSettings(project_id=project_id, due_soon_hours=DUE_SOON_HOURS))
        added = True
    session.flush()
    return added
