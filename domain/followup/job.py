"""The follow-up pass (``flask followup run``): due-soon warnings and the escalation ladder, set-based.

Every step is one INSERT … SELECT or UPDATE over all projects; the only Python loops run over the few
distinct ladder thresholds and due-soon windows, never over defects. It is idempotent and safe to run on
several machines at once:

- each level of each defect is one row of ``escalations`` (unique defect and level), inserted with
  ``ON CONFLICT DO NOTHING``; this run's rows carry its ``run_id`` and everything after (the defect's
  level, the feed, the messages) is derived from those rows only;
- every message has a unique key (``ON CONFLICT DO NOTHING`` again);
- the pass first takes the job's lock (``domain.dialects``: on PostgreSQL a transaction-scoped advisory
  lock), so a second pass started at the same moment waits for the first to commit and then finds nothing
  left to do.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, String, and_, case, cast, func, insert, literal, or_, select, tuple_, update
from sqlalchemy.orm import Session

from .. import dialects
from ..models import (
    Defect,
    Escalation,
    EscalationStep,
    FollowupSettings,
    InboxMessage,
    Membership,
    NotifySettings,
    OutboxMessage,
    SyncChange,
    SyncCounter,
    TypeDeadline,
    User,
    Webhook,
)
from . import events

LOCK_KEY = 0x7961_6E73  # "yans": the advisory lock of the follow-up pass
DEFAULT_DUE_SOON_HOURS = 24


@dataclass
class Report:
    escalations: int = 0
    defects: int = 0
    due_soon: int = 0
    messages: int = 0


def _insert_ignore(session: Session, model: Any, columns: list[str], query: Any) -> int:
    """INSERT INTO model (columns) query ON CONFLICT DO NOTHING; returns the rows inserted."""
    stmt = dialects.of(session).insert(model).from_select(columns, query).on_conflict_do_nothing().returning(model.id)
    return len(session.execute(stmt).all())


def _urgent() -> Any:
    """A-grade defects and urgent types (leaks) climb on the fast thresholds."""
    urgent_type = (
        select(TypeDeadline.id)
        .where(
            TypeDeadline.project_id == Defect.project_id, TypeDeadline.type_id == Defect.type_id, TypeDeadline.urgent
        )
        .exists()
    )
    return or_(Defect.severity == "A", urgent_type)


def _recipients(notify: Any, project_id: Any, contractor_id: Any) -> Any:
    """Join condition: the users a ladder level notifies (the contractor's crews always hear too)."""
    member = select(Membership.id).where(Membership.user_id == User.id, Membership.project_id == project_id).exists()
    return and_(
        User.active.is_(True),
        or_(
            and_(User.role == "crew", User.contractor_id == contractor_id),
            and_(notify == "manager", User.role == "manager", member),
            and_(notify == "regional", User.role == "admin"),
        ),
    )


_COLUMNS = ["defect_id", "project_id", "contractor_id", "level", "reason", "notify", "at", "run_id"]


def _escalation_rows(now: datetime, run_id: str, late: Any, late_fix: Any) -> Any:
    return (
        select(
            Defect.id,
            Defect.project_id,
            Defect.contractor_id,
            EscalationStep.level,
            case((late_fix, literal("fix")), else_=literal("response")),
            EscalationStep.notify,
            literal(now, Escalation.at.type),
            literal(run_id),
        )
        .join(EscalationStep, EscalationStep.project_id == Defect.project_id)
        .where(Defect.status == "assigned", EscalationStep.level > Defect.escalation_level, late)
    )


def _escalate(session: Session, now: datetime, run_id: str) -> int:
    """Insert every level each overdue defect has reached; returns how many."""
    overdue_now = or_(Defect.fix_due_at <= now, and_(Defect.accepted_at.is_(None), Defect.response_due_at <= now))
    # One statement: each row's threshold is its level's hours (fast ones when urgent) past the deadline.
    threshold = case((_urgent(), EscalationStep.urgent_after_hours), else_=EscalationStep.after_hours)
    hours_after = dialects.of(session).hours_after
    late_fix = hours_after(Defect.fix_due_at, threshold) <= now
    late_response = and_(Defect.accepted_at.is_(None), hours_after(Defect.response_due_at, threshold) <= now)
    query = _escalation_rows(now, run_id, and_(overdue_now, or_(late_fix, late_response)), late_fix)
    return _insert_ignore(session, Escalation, _COLUMNS, query)


def _raise_levels(session: Session, now: datetime, run_id: str) -> None:
    top = (
        select(Escalation.defect_id, func.max(Escalation.level).label("level"))
        .where(Escalation.run_id == run_id)
        .group_by(Escalation.defect_id)
        .subquery()
    )
    session.execute(
        update(Defect)
        .where(Defect.id == top.c.defect_id, Defect.escalation_level < top.c.level)
        .values(escalation_level=top.c.level, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def _publish(session: Session, now: datetime, run_id: str) -> int:
    """Put the escalated defects in the sync feed, so devices pull their new level. Last before the commit:
    it holds the feed's counter row (``sync.feed``) until then."""
    ids = select(Escalation.defect_id).where(Escalation.run_id == run_id).distinct().subquery()
    n = session.scalar(select(func.count()).select_from(ids)) or 0
    counter = (update(SyncCounter).where(SyncCounter.name == "feed").values(value=SyncCounter.value + n)).returning(
        SyncCounter.value
    )
    top = session.execute(counter).scalar()
    if top is None:
        session.add(SyncCounter(name="feed", value=n))
        session.flush()
        top = n
    if not n:
        return 0
    first = int(top) - n + 1
    # The feed names entities by their canonical UUID text (SQLite keeps 32 hex digits).
    entity = dialects.of(session).uuid_text(Defect.id)
    rank = func.row_number().over(order_by=Defect.id)
    query = select(
        (first - 1 + rank).label("seq"),
        literal("defect"),
        entity,
        Defect.id,
        Defect.project_id,
        Defect.unit_id,
        Defect.contractor_id,
        Defect.reporter_id,
        Defect.inspection_id,
        literal(now, SyncChange.at.type),
    ).where(Defect.id.in_(select(ids.c.defect_id)))
    cols = [
        "seq",
        "kind",
        "entity_id",
        "defect_id",
        "project_id",
        "unit_id",
        "contractor_id",
        "reporter_id",
        "inspection_id",
        "at",
    ]
    session.execute(insert(SyncChange).from_select(cols, query))
    return n


def _top_of_run(run_id: str) -> Any:
    """A defect that climbed several levels in one pass is announced once, at the highest (whose notify
    target is reached; the crews hear of every announcement). The records keep every level."""
    top = (
        select(Escalation.defect_id, func.max(Escalation.level))
        .where(Escalation.run_id == run_id)
        .group_by(Escalation.defect_id)
    )
    return tuple_(Escalation.defect_id, Escalation.level).in_(top)


def _level_title(level: Any) -> Any:
    return literal(events.TITLES["overdue"] + " L") + cast(level, String)


def _notify_escalations(session: Session, run_id: str) -> int:
    muted = (
        select(NotifySettings.user_id)
        .where(NotifySettings.user_id == User.id, NotifySettings.muted_kinds.like("%,overdue,%"))
        .exists()
    )
    key = literal("esc:") + cast(Escalation.defect_id, String) + ":" + cast(Escalation.level, String)
    inbox = (
        select(
            key + ":u" + cast(User.id, String),
            User.id,
            literal("overdue"),
            Escalation.project_id,
            Escalation.defect_id,
            Escalation.level,
            _level_title(Escalation.level),
            literal(""),
            Escalation.at,
        )
        .select_from(Escalation)
        .join(User, _recipients(Escalation.notify, Escalation.project_id, Escalation.contractor_id))
    )
    inbox = inbox.where(Escalation.run_id == run_id, ~muted, _top_of_run(run_id))
    cols = ["key", "user_id", "kind", "project_id", "defect_id", "level", "title", "body", "created_at"]
    n = _insert_ignore(session, InboxMessage, cols, inbox)
    data = dialects.of(session).json_object(
        "kind",
        "overdue",
        "project_id",
        Escalation.project_id,
        "defect_id",
        cast(Escalation.defect_id, String),
        "level",
        Escalation.level,
        "reason",
        Escalation.reason,
        "title",
        _level_title(Escalation.level),
    )
    email = (
        select(
            key + ":e" + cast(User.id, String),
            literal("email"),
            NotifySettings.email,
            literal("overdue"),
            Escalation.project_id,
            data,
            literal("pending"),
            literal(0),
            Escalation.at,
            literal(""),
            Escalation.at,
        )
        .select_from(Escalation)
        .join(User, _recipients(Escalation.notify, Escalation.project_id, Escalation.contractor_id))
        .join(NotifySettings, NotifySettings.user_id == User.id)
        .where(
            Escalation.run_id == run_id,
            _top_of_run(run_id),
            NotifySettings.email != "",
            NotifySettings.email_kinds.like("%,overdue,%"),
        )
    )
    out_cols = [
        "key",
        "channel",
        "target",
        "kind",
        "project_id",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
    ]
    n += _insert_ignore(session, OutboxMessage, out_cols, email)
    hook = (
        select(
            key + ":w" + cast(Webhook.id, String),
            literal("webhook"),
            cast(Webhook.id, String),
            literal("overdue"),
            Escalation.project_id,
            data,
            literal("pending"),
            literal(0),
            Escalation.at,
            literal(""),
            Escalation.at,
        )
        .select_from(Escalation)
        .join(Webhook, Webhook.project_id == Escalation.project_id)
        .where(
            Escalation.run_id == run_id,
            _top_of_run(run_id),
            Webhook.active.is_(True),
            or_(Webhook.kinds == "", Webhook.kinds.like("%,overdue,%")),
        )
    )
    n += _insert_ignore(session, OutboxMessage, out_cols, hook)
    return n


def _due_soon(session: Session, now: datetime) -> int:
    """A warning to the contractor's crews when the fix deadline is within the project's window (once per
    deadline: a moved deadline warns again)."""
    windows = set(session.scalars(select(FollowupSettings.due_soon_hours).distinct())) | {DEFAULT_DUE_SOON_HOURS}
    muted = (
        select(NotifySettings.user_id)
        .where(NotifySettings.user_id == User.id, NotifySettings.muted_kinds.like("%,due_soon,%"))
        .exists()
    )
    total = 0
    for hours in sorted(windows):
        window = select(FollowupSettings.due_soon_hours).where(FollowupSettings.project_id == Defect.project_id)
        own = func.coalesce(window.scalar_subquery(), DEFAULT_DUE_SOON_HOURS)
        key = literal("soon:") + cast(Defect.id, String) + ":" + cast(Defect.fix_due_at, String)
        query = (
            select(
                key + ":u" + cast(User.id, String),
                User.id,
                literal("due_soon"),
                Defect.project_id,
                Defect.id,
                literal(None, Integer),
                literal(events.TITLES["due_soon"]),
                literal(""),
                literal(now, Defect.fix_due_at.type),
            )
            .select_from(Defect)
            .join(User, and_(User.role == "crew", User.contractor_id == Defect.contractor_id, User.active.is_(True)))
            .where(
                Defect.status == "assigned",
                Defect.fix_due_at > now,
                Defect.fix_due_at <= now + timedelta(hours=hours),
                own == hours,
                ~muted,
            )
        )
        cols = ["key", "user_id", "kind", "project_id", "defect_id", "level", "title", "body", "created_at"]
        total += _insert_ignore(session, InboxMessage, cols, query)
    return total


def run(session: Session, now: datetime) -> Report:
    """One follow-up pass as of ``now`` (injected: tests travel in time). Commits."""
    dialects.of(session).lock(session, LOCK_KEY)
    run_id = str(uuid.uuid4())
    report = Report()
    report.escalations = _escalate(session, now, run_id)
    report.due_soon = _due_soon(session, now)
    if report.escalations:
        _raise_levels(session, now, run_id)
        report.messages = _notify_escalations(session, run_id)
        report.defects = _publish(session, now, run_id)
    session.commit()
    return report
