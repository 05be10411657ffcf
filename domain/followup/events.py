"""Events written in the transaction that causes them (the transactional outbox): an inbox message per
recipient, an e-mail outbox row for those who chose e-mail for that kind, a webhook outbox row per project
webhook that takes the kind. Each row has a unique key, so an event is recorded once however often the
code that notices it runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import dialects
from ..models import Defect, InboxMessage, Membership, NotifySettings, OutboxMessage, User, Webhook

TITLES = {
    "dispatched": "新派单 / Dispatched to you",
    "rejected": "施工单位拒单 / Dispatch rejected",
    "due_soon": "即将到期 / Due soon",
    "overdue": "已超时升级 / Overdue, escalated",
    "fixed": "已维修，待复验 / Fixed, awaiting re-check",
    "recheck_failed": "复验不通过 / Re-check failed",
    "closed": "已关闭 / Closed",
    "disputed": "业主对维修有异议，待复验 / The owner disputes the repair: re-check",
    "digest": "每日汇总 / Daily digest",
    "visit_due": "业主逾期未评价，请电话回访 / Phone follow-up due: the owner has not rated",
}


# The kinds that can reach each role (hooks.py and job.py decide the recipients): the settings screen offers
# these, so nobody chooses channels for messages they never get.
ROLE_KINDS = {
    "crew": ("dispatched", "due_soon", "overdue", "recheck_failed", "disputed", "closed", "digest"),
    "manager": ("rejected", "overdue", "fixed", "disputed", "closed"),
    "admin": ("overdue", "fixed", "closed"),
    "inspector": ("fixed", "disputed", "closed"),
    "homeowner": ("fixed", "closed"),
}


def crew_of(contractor_id: int | None) -> Any:
    return select(User.id).where(User.role == "crew", User.contractor_id == contractor_id, User.active.is_(True))


def managers_of(project_id: int) -> Any:
    members = select(Membership.user_id).where(Membership.project_id == project_id)
    return select(User.id).where(User.role == "manager", User.active.is_(True), User.id.in_(members))


def regional() -> Any:
    return select(User.id).where(User.role == "admin", User.active.is_(True))


def _memo(session: Session, key: tuple[Any, ...], load: Any) -> Any:
    """Looked up once per transaction (a push dispatching 100 defects to one contractor asks once)."""
    from .deadlines import EVENTS_CACHE

    cache: dict[tuple[Any, ...], Any] = session.info.setdefault(EVENTS_CACHE, {})
    if key not in cache:
        with session.no_autoflush:
            cache[key] = load()
    return cache[key]


_AUDIENCES = {
    "crew": lambda project_id, contractor_id: crew_of(contractor_id),
    "manager": lambda project_id, contractor_id: managers_of(project_id),
    "regional": lambda project_id, contractor_id: regional(),
}


def target_users(session: Session, notify: str, project_id: int, contractor_id: int | None) -> list[int]:
    audience = _AUDIENCES[notify]  # the statement is built only when the transaction has not asked yet
    return list(
        _memo(
            session,
            ("users", notify, project_id, contractor_id),
            lambda: list(session.scalars(audience(project_id, contractor_id))),
        )
    )


def payload(kind: str, d: Defect, level: int | None = None, note: str = "") -> dict[str, Any]:
    return {
        "kind": kind,
        "project_id": d.project_id,
        "defect_id": str(d.id),
        "unit_id": d.unit_id,
        "severity": d.severity,
        "status": d.status,
        "level": level,
        "fix_due_at": d.fix_due_at.isoformat() if d.fix_due_at else None,
        "note": note,
    }


def emit(
    session: Session,
    kind: str,
    d: Defect,
    users: Iterable[int],
    key: str,
    at: datetime,
    level: int | None = None,
    note: str = "",
) -> None:
    """Record one event about ``d`` for ``users`` (key: unique for this event, without the user)."""
    users = sorted(set(users))
    title = TITLES[kind] + (f" L{level}" if level else "")
    data = payload(kind, d, level, note)
    with session.no_autoflush:
        prefs = (
            _memo(
                session,
                ("prefs", *users),
                lambda: {
                    s.user_id: s
                    for s in session.scalars(select(NotifySettings).where(NotifySettings.user_id.in_(users)))
                },
            )
            if users
            else {}
        )
        hooks = _memo(
            session,
            ("hooks", d.project_id, kind),
            lambda: session.scalars(
                select(Webhook).where(
                    Webhook.project_id == d.project_id,
                    Webhook.active.is_(True),
                    or_(Webhook.kinds == "", Webhook.kinds.like(f"%,{kind},%")),
                )
            ).all(),
        )
    tag = f",{kind},"
    inbox: list[dict[str, Any]] = []
    outbox: list[dict[str, Any]] = []
    message = {
        "kind": kind,
        "project_id": d.project_id,
        "payload": {**data, "title": title},
        "next_attempt_at": at,
        "created_at": at,
        "status": "pending",
        "attempts": 0,
        "last_error": "",
    }
    for uid in users:
        pref = prefs.get(uid)
        if pref is None or tag not in pref.muted_kinds:
            inbox.append(
                {
                    "key": f"{key}:u{uid}"[:160],
                    "user_id": uid,
                    "kind": kind,
                    "project_id": d.project_id,
                    "defect_id": d.id,
                    "level": level,
                    "title": title,
                    "body": note[:2000],
                    "created_at": at,
                }
            )
        if pref is not None and pref.email and tag in pref.email_kinds:
            outbox.append(
                {**message, "key": f"{key}:e{uid}"[:160], "channel": "email", "target": pref.email, "user_id": uid}
            )
    for hook in hooks:
        outbox.append(
            {**message, "key": f"{key}:w{hook.id}"[:160], "channel": "webhook", "target": str(hook.id), "user_id": None}
        )
    insert_once(session, InboxMessage, inbox)
    insert_once(session, OutboxMessage, outbox)


def insert_once(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert on the transaction's connection, skipping keys already recorded: re-folding a defect's
    status commands may notice the same event again. (Not through the session: that would flush every
    object a push has pending, one statement each.)"""
    if not rows:
        return
    session.connection().execute(dialects.of(session).insert(model).on_conflict_do_nothing(), rows)


def event_key(kind: str, defect_id: uuid.UUID, at: datetime) -> str:
    return f"{kind}:{defect_id}:{at.isoformat()}"
