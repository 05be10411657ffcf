"""Defect list filters of the follow-up: overdue, fix deadline before a time, escalation level."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, or_

from ..models import Defect


def overdue(now: datetime) -> ColumnElement[bool]:
    """Dispatched and not fixed, past the fix deadline, or not accepted by the response deadline."""
    late = or_(Defect.fix_due_at < now, and_(Defect.accepted_at.is_(None), Defect.response_due_at < now))
    return and_(Defect.status == "assigned", late)


def followup_filters(query: dict[str, Any], now: datetime) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if "overdue" in query:
        out.append(overdue(now) if query["overdue"] else not_(overdue(now)))
    if "due_before" in query:
        at = query["due_before"]
        out.append(Defect.fix_due_at < (at if at.tzinfo else at.replace(tzinfo=UTC)))
    if "escalation_level" in query:
        out.append(Defect.escalation_level >= query["escalation_level"])
    return out
