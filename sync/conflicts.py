"""Conflicts: listing those a user may see, and resolving one (keep the server's state, or apply the
device's change after all)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain import policy
from domain.models import Conflict, Defect, StatusCommand, User, utcnow

from . import hlc, status
from .feed import ChangeSet, scope_keys
from .payloads import conflict_data

RESOLVERS = ("admin", "manager", "inspector")
CHOICES = ("ours", "theirs")


class ConflictError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def list_conflicts(
    session: Session,
    user: User,
    state: str | None = "open",
    project_id: int | None = None,
    defect_id: uuid.UUID | None = None,
) -> list[dict[str, Any]]:
    stmt = select(Conflict).join(Defect, Defect.id == Conflict.defect_id).where(policy.defect_filter(user))
    if state:
        stmt = stmt.where(Conflict.status == state)
    if project_id is not None:
        stmt = stmt.where(Defect.project_id == project_id)
    if defect_id is not None:
        stmt = stmt.where(Conflict.defect_id == defect_id)
    return [conflict_data(c) for c in session.scalars(stmt.order_by(Conflict.id).limit(1000))]


def resolve(session: Session, user: User, conflict_id: int, choice: str, note: str = "") -> dict[str, Any]:
    """Resolve and commit. "theirs" forces the device's status change onto the defect now."""
    conflict = session.get(Conflict, conflict_id)
    if conflict is None or not policy.can_see_defect(session, user, conflict.defect_id):
        raise ConflictError(404, "冲突记录不存在 / No such conflict")
    if user.role not in RESOLVERS:
        raise ConflictError(403, "只有管理人员或检查员可以处理冲突 / Only staff may resolve conflicts")
    if choice not in CHOICES:
        raise ConflictError(422, "choice 须为 ours 或 theirs / choice must be ours or theirs")
    stmt = select(Defect).where(Defect.id == conflict.defect_id).options(selectinload(Defect.photos))
    defect = session.scalars(stmt.with_for_update(of=Defect)).one()
    session.refresh(conflict)
    if conflict.status != "open":
        raise ConflictError(409, "该冲突已处理 / This conflict is already resolved")
    changes = ChangeSet()
    keys = scope_keys(defect)
    theirs = conflict.theirs or {}
    if choice == "theirs" and theirs.get("action"):
        stamp = hlc.after(*(defect.field_clocks or {}).values())
        cmd = StatusCommand(
            hlc=stamp,
            device_id=None,
            user_id=user.id,
            role=user.role,
            user_contractor_id=user.contractor_id,
            action=theirs["action"],
            from_status=defect.status,
            args={k: theirs.get(k) for k in ("contractor_id", "satisfaction", "due_date", "note")},
            forced=True,
        )
        status.apply_command(session, defect, cmd, changes)
    conflict.status, conflict.resolution, conflict.note = "resolved", choice, note
    conflict.resolved_at, conflict.resolved_by_id = utcnow(), user.id
    changes.touch("conflict", conflict.id, defect.id, keys)
    changes.publish(session)
    data = conflict_data(conflict)
    session.commit()
    return data
