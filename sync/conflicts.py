"""Conflicts: listing those a user may see, and resolving one (keep the server's state, or apply the
device's change after all)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain import policy, rules
from domain.errors import INVALID, DomainError, define
from domain.models import Conflict, Defect, PhotoAnnotation, StatusCommand, User, utcnow

from . import annotations as markup
from . import hlc, status
from .codes import FORBIDDEN, NOT_FOUND, TRANSITION_NOT_ALLOWED
from .feed import ChangeSet, lock_for_write, scope_keys
from .payloads import conflict_data

RESOLVERS = ("admin", "manager", "inspector")
CHOICES = ("ours", "theirs")
CONFLICT_RESOLVED = define("conflict_resolved", 409, "This conflict is already resolved")


def list_conflicts(
    session: Session,
    user: User,
    state: str | None = "open",
    project_id: int | None = None,
    defect_id: uuid.UUID | None = None,
) -> list[dict[str, Any]]:
    stmt = (
        select(Conflict, User.display_name)
        .join(Defect, Defect.id == Conflict.defect_id)
        .outerjoin(User, User.id == Conflict.user_id)
        .where(policy.defect_filter(user))
    )
    if state:
        stmt = stmt.where(Conflict.status == state)
    if project_id is not None:
        stmt = stmt.where(Defect.project_id == project_id)
    if defect_id is not None:
        stmt = stmt.where(Conflict.defect_id == defect_id)
    rows = session.execute(stmt.order_by(Conflict.id).limit(1000)).all()
    return [{**conflict_data(c), "user_name": name} for c, name in rows]


def resolve(session: Session, user: User, conflict_id: int, choice: str, note: str = "") -> dict[str, Any]:
    """Resolve, under push's lock, flushed for the caller's unit of work to commit (which reruns it after a
    deadlock or a serialisation failure).

    "theirs" applies the device's status change now, but only if the resolver may take that action
    themselves on the defect's current state (domain.rules); otherwise DomainError says why."""
    lock_for_write(session)
    conflict = session.get(Conflict, conflict_id)
    if conflict is None or not policy.can_see_defect(session, user, conflict.defect_id):
        raise DomainError(NOT_FOUND, "冲突记录不存在 / No such conflict")
    if user.role not in RESOLVERS:
        raise DomainError(FORBIDDEN, "只有管理人员或检查员可以处理冲突 / Only staff may resolve conflicts")
    if choice not in CHOICES:
        raise DomainError(INVALID, "choice 须为 ours 或 theirs / choice must be ours or theirs")
    stmt = select(Defect).where(Defect.id == conflict.defect_id).options(selectinload(Defect.photos))
    defect = session.scalars(stmt.with_for_update(of=Defect)).one()
    session.refresh(conflict)
    if conflict.status != "open":
        raise DomainError(CONFLICT_RESOLVED, "该冲突已处理 / This conflict is already resolved")
    changes = ChangeSet()
    keys = scope_keys(defect)
    theirs = conflict.theirs or {}
    action = theirs.get("action")
    if conflict.kind == markup.KIND:
        _settle_annotation(session, user, conflict, choice)
    elif choice == "theirs" and action:
        _check_allowed(user, defect, action)
        stamp = hlc.after(*(defect.field_clocks or {}).values())
        cmd = StatusCommand(
            hlc=stamp,
            device_id=None,
            user_id=user.id,
            role=user.role,
            user_contractor_id=user.contractor_id,
            action=action,
            from_status=defect.status,
            args={k: theirs.get(k) for k in ("contractor_id", "satisfaction", "due_date", "note")},
            forced=True,
        )
        status.apply_command(session, defect, cmd, changes)
    conflict.status, conflict.resolution, conflict.note = "resolved", choice, note
    conflict.resolved_at, conflict.resolved_by_id = utcnow(), user.id
    changes.touch("conflict", conflict.id, defect.id, keys)
    changes.publish(session)
    author = session.get(User, conflict.user_id) if conflict.user_id is not None else None
    return {**conflict_data(conflict), "user_name": author.display_name if author else None}


def _settle_annotation(session: Session, user: User, conflict: Conflict, choice: str) -> None:
    """Make the chosen version of a photo's mark-up the current one (the resolver may annotate: staff)."""
    version = conflict.ours if choice == "ours" else conflict.theirs
    sha256 = (version or {}).get("sha256")
    found = session.get(PhotoAnnotation, sha256, with_for_update=True) if sha256 else None
    if found is not None:
        markup.settle(user, found, version or {})


def _check_allowed(user: User, defect: Defect, action: str) -> None:
    """The resolver applies the device's change as their own act: the state machine must allow it."""
    t = rules.TRANSITIONS.get(action)
    if t is None:
        raise DomainError(TRANSITION_NOT_ALLOWED, f"未知的操作「{action}」/ Unknown action {action!r}", status=409)
    why = rules.check(action, defect.status, user.role, user.contractor_id, defect.contractor_id)
    if why:
        # Refused for the role (403) or for the state the defect is in now (409).
        allowed_role = user.role in t.roles
        raise DomainError(
            TRANSITION_NOT_ALLOWED, why, status=409 if allowed_role else 403, action=action, status_now=defect.status
        )
