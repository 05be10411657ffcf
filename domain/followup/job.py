"""The follow-up pass (``flask followup run``): due-soon warnings and the escalation ladder, set-based.

Every step is one INSERT … SELECT or UPDATE over all projects; the only Python loop runs over the few
distinct due-soon windows, never over defects. A pass escalates at most ``BATCH`` defects (the most
overdue first) and says when more are waiting; ``run_all`` repeats passes until none is. It is idempotent
and safe to run on several machines at once:

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

from sqlalchemy import Integer, String, and_, case, cast, func, insert, literal, or_, select, union_all, update
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
from . import events, visits

LOCK_KEY = 0x7961_6E73  # "yans": the advisory lock of the follow-up pass
DEFAULT_DUE_SOON_HOURS = 24
# Defects escalated per pass. A pass writes about 300 µs of rows per defect it escalates (its levels,
# messages, feed entry, the defect itself); the steady pass escalates far fewer, and a backlog (a ladder
# switched on over thousands of late defects) is caught up in passes of this size, each committed on its
# own, instead of one transaction that holds those defects' locks for many seconds.
BATCH = 2000


@dataclass
class Report:
    escalations: int = 0
    defects: int = 0
    due_soon: int = 0
    messages: int = 0
    visits_due: int = 0
    more: bool = False  # the pass stopped at its limit: run again
    passes: int = 1


def _insert_ignore(session: Session, model: Any, columns: list[str], query: Any) -> int:
    """INSERT INTO model (columns) query ON CONFLICT DO NOTHING; returns the rows inserted."""
    stmt = dialects.of(session).insert(model).from_select(columns, query).on_conflict_do_nothing().returning(model.id)
    return len(session.execute(stmt).all())


def _urgent() -> Any:
    """A-grade defects and urgent types (leaks) climb on the fast thresholds. Reads ``TypeDeadline``, which
    the escalation query joins (left, at most one row: unique per project and type)."""
    return or_(Defect.severity == "A", TypeDeadline.urgent.is_(True))


_COLUMNS = ["defect_id", "project_id", "contractor_id", "level", "reason", "notify", "at", "run_id"]


def _escalate(session: Session, now: datetime, run_id: str, limit: int) -> int:
    """Insert every level the first ``limit`` overdue defects (oldest fix deadline first) have reached, in
    one statement; returns how many levels. A defect's levels all go in the same pass, so it is announced
    once, at the highest."""
    overdue_now = or_(Defect.fix_due_at <= now, and_(Defect.accepted_at.is_(None), Defect.response_due_at <= now))
    # Each row's threshold is its level's hours (fast ones when urgent) past the deadline.
    threshold = case((_urgent(), EscalationStep.urgent_after_hours), else_=EscalationStep.after_hours)
    hours_after = dialects.of(session).hours_after
    late_fix = hours_after(Defect.fix_due_at, threshold) <= now
    late_response = and_(Defect.accepted_at.is_(None), hours_after(Defect.response_due_at, threshold) <= now)
    # A level already recorded (by a push's failed re-check) is not a candidate, so every defect ranked
    # below has something to write and a backlog always moves on.
    recorded = (
        select(Escalation.id)
        .where(Escalation.defect_id == Defect.id, Escalation.level == EscalationStep.level)
        .exists()
    )
    rank = func.dense_rank().over(order_by=(Defect.fix_due_at.asc().nulls_last(), Defect.id))
    rows = (
        select(
            Defect.id.label("defect_id"),
            Defect.project_id.label("project_id"),
            Defect.contractor_id.label("contractor_id"),
            EscalationStep.level.label("level"),
            case((late_fix, literal("fix")), else_=literal("response")).label("reason"),
            EscalationStep.notify.label("notify"),
            rank.label("rank"),
        )
        .select_from(Defect)
        .join(EscalationStep, EscalationStep.project_id == Defect.project_id)
        .outerjoin(
            TypeDeadline, and_(TypeDeadline.project_id == Defect.project_id, TypeDeadline.type_id == Defect.type_id)
        )
        .where(
            Defect.status == "assigned",
            EscalationStep.level > Defect.escalation_level,
            overdue_now,
            or_(late_fix, late_response),
            ~recorded,
        )
        .subquery("candidates")
    )
    query = select(*(rows.c[c] for c in _COLUMNS[:-2]), literal(now, Escalation.at.type), literal(run_id)).where(
        rows.c.rank <= limit
    )
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


def _announced(run_id: str) -> Any:
    """The run's rows to announce. A defect that climbed several levels in one pass is announced once, at
    the highest (whose notify target is reached; the crews hear of every announcement). The records keep
    every level. A CTE: the three fan-outs below read it, and PostgreSQL computes it once."""
    top = (
        select(Escalation.defect_id, func.max(Escalation.level).label("level"))
        .where(Escalation.run_id == run_id)
        .group_by(Escalation.defect_id)
        .subquery("top")
    )
    return (
        select(
            Escalation.defect_id,
            Escalation.project_id,
            Escalation.contractor_id,
            Escalation.level,
            Escalation.reason,
            Escalation.notify,
            Escalation.at,
        )
        .join(top, and_(top.c.defect_id == Escalation.defect_id, top.c.level == Escalation.level))
        .cte("announced")
    )


def _recipients(a: Any) -> Any:
    """Each announcement with each user it reaches, as ``a``'s columns and ``user_id``: the contractor's
    crews always, the project's managers at a ``manager`` level, admins at a ``regional`` one. Three
    equi-joins (each planned as a hash join), not one join on an OR of roles."""
    active = User.active.is_(True)
    crews = (
        select(*a.c, User.id.label("user_id"))
        .select_from(a)
        .join(User, and_(User.role == "crew", User.contractor_id == a.c.contractor_id, active))
    )
    managers = (
        select(*a.c, User.id)
        .select_from(a)
        .join(Membership, Membership.project_id == a.c.project_id)
        .join(User, and_(User.id == Membership.user_id, User.role == "manager", active))
        .where(a.c.notify == "manager")
    )
    regional = (
        select(*a.c, User.id)
        .select_from(a)
        .join(User, and_(User.role == "admin", active))
        .where(a.c.notify == "regional")
    )
    return union_all(crews, managers, regional).subquery("recipients")


def _level_title(level: Any) -> Any:
    return literal(events.TITLES["overdue"] + " L") + cast(level, String)


def _notify_escalations(session: Session, run_id: str) -> int:
    announced = _announced(run_id)
    r = _recipients(announced)
    muted = (
        select(NotifySettings.user_id)
        .where(NotifySettings.user_id == r.c.user_id, NotifySettings.muted_kinds.like("%,overdue,%"))
        .exists()
    )
    inbox = (
        select(
            _key(r) + ":u" + cast(r.c.user_id, String),
            r.c.user_id,
            literal("overdue"),
            r.c.project_id,
            r.c.defect_id,
            r.c.level,
            _level_title(r.c.level),
            literal(""),
            r.c.at,
        )
        .select_from(r)
        .where(~muted)
    )
    cols = ["key", "user_id", "kind", "project_id", "defect_id", "level", "title", "body", "created_at"]
    n = _insert_ignore(session, InboxMessage, cols, inbox)
    email = (
        select(
            _key(r) + ":e" + cast(r.c.user_id, String),
            literal("email"),
            NotifySettings.email,
            r.c.user_id,
            *_outbox_fields(session, r),
        )
        .select_from(r)
        .join(NotifySettings, NotifySettings.user_id == r.c.user_id)
        .where(NotifySettings.email != "", NotifySettings.email_kinds.like("%,overdue,%"))
    )
    n += _insert_ignore(session, OutboxMessage, _OUTBOX_COLUMNS, email)
    a = announced
    hook = (
        select(
            _key(a) + ":w" + cast(Webhook.id, String),
            literal("webhook"),
            cast(Webhook.id, String),
            literal(None, Integer),
            *_outbox_fields(session, a),
        )
        .select_from(a)
        .join(Webhook, Webhook.project_id == a.c.project_id)
        .where(Webhook.active.is_(True), or_(Webhook.kinds == "", Webhook.kinds.like("%,overdue,%")))
    )
    n += _insert_ignore(session, OutboxMessage, _OUTBOX_COLUMNS, hook)
    return n


def _key(a: Any) -> Any:
    """The messages' idempotency key for an announcement (the channel and recipient are appended)."""
    return literal("esc:") + cast(a.c.defect_id, String) + ":" + cast(a.c.level, String)


_OUTBOX_COLUMNS = [
    "key",
    "channel",
    "target",
    "user_id",
    "kind",
    "project_id",
    "payload",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "created_at",
]


def _outbox_fields(session: Session, a: Any) -> list[Any]:
    """The outbox columns after key, channel, target and user, for announcement rows ``a``."""
    data = dialects.of(session).json_object(
        "kind",
        "overdue",
        "project_id",
        a.c.project_id,
        "defect_id",
        cast(a.c.defect_id, String),
        "level",
        a.c.level,
        "reason",
        a.c.reason,
        "title",
        _level_title(a.c.level),
    )
    return [literal("overdue"), a.c.project_id, data, literal("pending"), literal(0), a.c.at, literal(""), a.c.at]


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


def run(session: Session, now: datetime, limit: int = BATCH) -> Report:
    """One follow-up pass as of ``now`` (injected: tests travel in time), escalating at most ``limit``
    defects; commits. ``Report.more`` says that more are waiting: run again (``run_all``)."""
    dialects.of(session).lock(session, LOCK_KEY)
    run_id = str(uuid.uuid4())
    report = Report()
    report.escalations = _escalate(session, now, run_id, limit)
    report.due_soon = _due_soon(session, now)
    report.visits_due = visits.notify_due(session, now)
    if report.escalations:
        _raise_levels(session, now, run_id)
        report.messages = _notify_escalations(session, run_id)
        report.defects = _publish(session, now, run_id)
    session.commit()
    report.more = report.defects >= limit
    return report


def run_all(session: Session, now: datetime, limit: int = BATCH, max_passes: int = 1000) -> Report:
    """Passes until nothing is left to escalate (a backlog is caught up in several short transactions);
    the totals of all of them."""
    total = Report()
    for passes in range(1, max_passes + 1):
        report = run(session, now, limit)
        total.escalations += report.escalations
        total.defects += report.defects
        total.due_soon += report.due_soon
        total.messages += report.messages
        total.visits_due += report.visits_due
        total.passes = passes
        if not report.more:
            break
    return total
