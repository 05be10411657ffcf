"""Deadlines (时限): computed from the project's policy whenever a defect's dispatch, type or severity
changes, so they are a function of the merged fields and every server ends with the same dates whatever
order the mutations arrived in.

- ``response_due_at`` = dispatch time + the response limit (accept / be on site by then);
- ``fix_due_at`` = dispatch time + the fix limit, unless a due date was set by hand (a device's
  ``due_date``, or a manager's override with a reason): then the end of that day, China time;
- ``due_date`` follows ``fix_due_at`` (its local date) so lists that show a date keep working.
A defect that is not dispatched (open, or rejected back to the dispatcher) has no deadlines.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..errors import DomainError, define
from ..models import DeadlinePolicy, Defect, DefectHistory, DefectType, TypeDeadline
from . import defaults

CHINA = timezone(timedelta(hours=8))  # no daylight saving
FIX_NEEDS_AFTER_PHOTO = define("fix_needs_after_photo", 422, "A fix needs at least one after-photo")
_CACHE = "followup.limits"
EVENTS_CACHE = "followup.events"  # recipients and webhooks looked up by domain.followup.events


def local_date(at: datetime) -> date:
    return at.astimezone(CHINA).date()


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), CHINA).astimezone(UTC)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: Any) -> None:
    session.info.pop(_CACHE, None)
    session.info.pop(EVENTS_CACHE, None)


def limits(session: Session, project_id: int, type_id: int, severity: str) -> tuple[int, int]:
    """(response minutes, fix minutes) for a defect of this type and severity in this project. The project's
    whole policy (a few dozen rows) is read once per transaction: a push dispatching 100 defects of 40
    types reads it once, not per type."""
    cache: dict[int, _Policy] = session.info.setdefault(_CACHE, {})
    found = cache.get(project_id)
    if found is None:
        found = cache[project_id] = _Policy.load(session, project_id)
    return found.limits(type_id, severity)


class _Policy:
    """A project's time limits: its type overrides, its category × severity table, and the types' categories."""

    def __init__(
        self,
        overrides: dict[int, tuple[int, int]],
        table: dict[tuple[str, str], tuple[int, int]],
        types: dict[int, Any],
    ) -> None:
        self.overrides, self.table, self.types = overrides, table, types

    @classmethod
    def load(cls, session: Session, project_id: int) -> _Policy:
        with session.no_autoflush:
            overrides = {
                int(t): (int(r), int(f))
                for t, r, f in session.execute(
                    select(TypeDeadline.type_id, TypeDeadline.response_minutes, TypeDeadline.fix_minutes).where(
                        TypeDeadline.project_id == project_id
                    )
                )
            }
            table = {
                (c, s): (int(r), int(f))
                for c, s, r, f in session.execute(
                    select(
                        DeadlinePolicy.category,
                        DeadlinePolicy.severity,
                        DeadlinePolicy.response_minutes,
                        DeadlinePolicy.fix_minutes,
                    ).where(DeadlinePolicy.project_id == project_id)
                )
            }
            types = {
                t.id: t
                for t in session.execute(
                    select(DefectType.id, DefectType.code, DefectType.name_zh, DefectType.category)
                )
            }
        return cls(overrides, table, types)

    def limits(self, type_id: int, severity: str) -> tuple[int, int]:
        if type_id in self.overrides:
            return self.overrides[type_id]
        t = self.types.get(type_id)
        if t is not None and defaults.is_leak(t):
            return defaults.LEAK
        category = t.category if t is not None else "工程质量"
        fallback = defaults.POLICY.get(category, defaults.POLICY["工程质量"]).get(severity, (24 * 60, 7 * 24 * 60))
        return self.table.get((category, severity), fallback)


BY_HAND = "due_date!"  # key in Defect.field_clocks: the clock of the latest due date set by a person


def mark_by_hand(d: Defect, clock: str) -> None:
    """Record that the due date written at ``clock`` was set by a person, if that write won."""
    clocks = d.field_clocks or {}
    if clocks.get("due_date") == clock:
        d.field_clocks = {**clocks, BY_HAND: clock}


def by_hand(d: Defect) -> bool:
    clocks = d.field_clocks or {}
    return bool(clocks.get(BY_HAND)) and clocks.get(BY_HAND) == clocks.get("due_date")


def refresh(session: Session, d: Defect, history: list[dict[str, Any]] | None = None) -> None:
    """Recompute the defect's deadlines from its current fields (call after any change to it)."""
    if d.assigned_at is None or d.status in ("open", "void"):
        response, fix = None, None
    else:
        r, f = limits(session, d.project_id, d.type_id, d.severity)
        response = d.assigned_at + timedelta(minutes=r)
        fix = d.assigned_at + timedelta(minutes=f)
        if by_hand(d) and d.due_date is not None:
            fix = end_of_day(d.due_date)  # set by hand: it wins over the policy
        elif local_date(fix) != d.due_date:
            d.due_date = local_date(fix)
    if (response, fix) != (d.response_due_at, d.fix_due_at):
        row = {
            "defect_id": d.id,
            "at": datetime.now(UTC),
            "action": "deadline",
            "field": "fix_due_at",
            "old": d.fix_due_at.isoformat() if d.fix_due_at else None,
            "new": fix.isoformat() if fix else None,
        }
        if history is None:
            session.add(DefectHistory(**row))
        else:
            history.append({"user_id": None, "device_id": None, **row})
        d.response_due_at, d.fix_due_at = response, fix


def step(state: dict[str, Any], action: str, at: str) -> None:
    """The follow-up part of a status command, on the folded state (``sync.status``)."""
    if action == "assign":
        state["accepted_at"] = None  # a new dispatch is accepted anew
    elif action == "accept":
        state["accepted_at"] = state.get("accepted_at") or at
    elif action == "reject":
        state["contractor_id"] = None
        state["assigned_at"] = None
        state["accepted_at"] = None


def check_evidence(d: Defect, action: str) -> None:
    """A fix counts only with at least one after-photo in the defect's set (refused otherwise)."""
    if action != "fix":
        return
    with Session.object_session(d).no_autoflush:  # type: ignore[union-attr]
        photos = list(d.photos)
    if not any(p.kind == "after" and (p.removed_clock is None or p.clock > p.removed_clock) for p in photos):
        raise DomainError(
            FIX_NEEDS_AFTER_PHOTO,
            "维修完成需至少一张整改后照片 / Add at least one after-photo before marking the defect fixed",
        )
