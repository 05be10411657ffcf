"""What follows a defect's change inside the same transaction: its deadlines, the events it causes, and
the immediate escalation of a second failed re-check. Called by the merge engine (``sync.status`` and
``sync.merge``), which stays unaware of policies and notifications.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import policy
from ..models import Defect, Escalation, EscalationStep, HomeownerUnit, Inspection, User
from . import deadlines, defaults, events

RECHECK_ESCALATES_AT = 2  # the second failed re-check climbs one level at once


def after_update(
    session: Session, d: Defect, history: list[dict[str, Any]] | None = None, due_date_by: str | None = None
) -> None:
    """After fields changed; ``due_date_by`` is the clock of a write that set ``due_date`` by hand."""
    if due_date_by is not None:
        deadlines.mark_by_hand(d, due_date_by)
    deadlines.refresh(session, d, history)


def after_status(
    session: Session,
    d: Defect,
    old: dict[str, Any],
    new: dict[str, Any],
    note: str = "",
    history: list[dict[str, Any]] | None = None,
) -> None:
    deadlines.refresh(session, d, history)
    now = datetime.now(UTC)
    before, after = old["status"], new["status"]
    if (
        after == "assigned"
        and new["contractor_id"]
        and (before != "assigned" or old["contractor_id"] != new["contractor_id"])
        and before != "fixed"
    ):
        users = events.target_users(session, "crew", d.project_id, d.contractor_id)
        events.emit(session, "dispatched", d, users, f"dispatched:{d.id}:{new['assigned_at']}", now)
    if before == "assigned" and after == "open":
        users = events.target_users(session, "manager", d.project_id, None)
        events.emit(session, "rejected", d, users, f"rejected:{d.id}:{now.isoformat()}", now, note=note)
    if after == "fixed" and before != "fixed":
        recheckers = set(events.target_users(session, "manager", d.project_id, None))
        if d.reporter_id is not None and _role(session, d.reporter_id) in ("inspector", "manager", "admin"):
            recheckers.add(d.reporter_id)
        if before == "closed":  # the homeowner disputed a closed repair: back to re-check, the crew hears too
            disputed(session, d, note, recheckers)
        else:
            recheckers |= _owners(session, d)  # the homeowner confirms or disputes the repair
            events.emit(session, "fixed", d, recheckers, f"fixed:{d.id}:{new['fixed_at']}", now)
    if before == "fixed" and after == "assigned" and (new["repeat_count"] or 0) > (old["repeat_count"] or 0):
        users = events.target_users(session, "crew", d.project_id, d.contractor_id)
        events.emit(session, "recheck_failed", d, users, f"recheck_failed:{d.id}:{new['repeat_count']}", now, note=note)
        if new["repeat_count"] >= RECHECK_ESCALATES_AT:
            escalate(session, d, "recheck_failed", now)
    if after == "closed" and before != "closed":
        told = set(events.target_users(session, "crew", d.project_id, d.contractor_id))
        if d.reporter_id is not None:
            told.add(d.reporter_id)  # a homeowner hears about their own unit's defect
        told |= _owners(session, d)
        events.emit(session, "closed", d, told, f"closed:{d.id}:{new['closed_at']}", now)


def disputed(session: Session, d: Defect, note: str, recheckers: set[int] | None = None) -> None:
    """业主异议: whoever re-checks the repair (managers, the staff who found it) and the crew hear the owner's
    reason, whether the item was still awaiting re-check (fixed) or already closed."""
    now = datetime.now(UTC)
    if recheckers is None:
        recheckers = set(events.target_users(session, "manager", d.project_id, None))
        if d.reporter_id is not None and _role(session, d.reporter_id) in ("inspector", "manager", "admin"):
            recheckers.add(d.reporter_id)
    recheckers |= set(events.target_users(session, "crew", d.project_id, d.contractor_id))
    events.emit(session, "disputed", d, recheckers, f"disputed:{d.id}:{now.isoformat()}", now, note=note)


def _owners(session: Session, d: Defect) -> set[int]:
    """The homeowners of the defect's unit who may see it (found with them, or reported by them)."""
    with session.no_autoflush:
        owners = set(session.scalars(select(HomeownerUnit.user_id).where(HomeownerUnit.unit_id == d.unit_id)))
        if not owners:
            return set()
        kind = session.scalar(select(Inspection.kind).where(Inspection.id == d.inspection_id))
    if kind in policy.CUSTOMER_FACING_KINDS:
        return owners
    return owners & {d.reporter_id}


def _role(session: Session, user_id: int) -> str | None:
    with session.no_autoflush:
        return session.scalar(select(User.role).where(User.id == user_id))


def escalate(session: Session, d: Defect, reason: str, now: datetime) -> None:
    """Raise the defect one level on the ladder (not past its top) and notify that level."""
    with session.no_autoflush:
        steps = {
            s.level: s.notify
            for s in session.scalars(select(EscalationStep).where(EscalationStep.project_id == d.project_id))
        } or {level: notify for level, _, _, notify in defaults.LADDER}
        reached = session.scalar(select(func.max(Escalation.level)).where(Escalation.defect_id == d.id)) or 0
    level = max(d.escalation_level or 0, reached) + 1
    if level not in steps:
        return
    session.add(
        Escalation(
            defect_id=d.id,
            project_id=d.project_id,
            contractor_id=d.contractor_id,
            level=level,
            reason=reason,
            notify=steps[level],
            at=now,
        )
    )
    d.escalation_level = level
    users = set(events.target_users(session, steps[level], d.project_id, d.contractor_id))
    users |= set(events.target_users(session, "crew", d.project_id, d.contractor_id))
    events.emit(session, "overdue", d, users, f"esc:{d.id}:{level}", now, level=level)
