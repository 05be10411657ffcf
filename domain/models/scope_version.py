"""A user's ``scope_version`` goes up in the same transaction as any change that can change their scope.

A membership or owned unit added or removed, their role, contractor or active flag changed: a
``before_flush`` hook on every ORM session raises it, so no endpoint can forget it, and it is registered
when the models are imported, so no script can skip it. The sync pull compares it with the version its
cursor was made under and starts the device over when they differ. Scope changes must therefore go
through the ORM (a Core ``delete(Membership)`` would bypass the hook).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import InstanceState, Session

from .account import HomeownerUnit, Membership, User

# User columns that defect_filter (and so every other filter) depends on.
SCOPE_COLUMNS = ("role", "contractor_id", "active")


def _changed(obj: Any, *names: str) -> bool:
    state: InstanceState[Any] = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _user_ids(obj: Membership | HomeownerUnit) -> set[int]:
    """The user a membership or owned unit belongs to, and the one it belonged to before (if re-pointed)."""
    state: InstanceState[Any] = inspect(obj)
    ids = {i for i in state.attrs.user_id.history.deleted if i is not None}
    ids |= {u.id for u in state.attrs.user.history.deleted if u is not None and u.id is not None}
    if obj.user_id is not None:
        ids.add(obj.user_id)
    elif obj.user is not None and obj.user.id is not None:  # added through the relationship only
        ids.add(obj.user.id)
    return ids


@event.listens_for(Session, "before_flush")
def _bump_scope_versions(session: Session, flush_context: Any, instances: Any) -> None:
    """Raise ``scope_version`` of every user whose scope this flush can change (see the module doc)."""
    ids: set[int] = set()
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Membership | HomeownerUnit):
            ids |= _user_ids(obj)
    for obj in session.dirty:
        # "user" too: one removed from user.memberships is re-pointed here and deleted (orphan) by the flush.
        if isinstance(obj, Membership | HomeownerUnit):
            if _changed(obj, "user_id", "user", "project_id" if isinstance(obj, Membership) else "unit_id"):
                ids |= _user_ids(obj)
        elif isinstance(obj, User) and obj.id is not None and _changed(obj, *SCOPE_COLUMNS):
            ids.add(obj.id)
    for user_id in sorted(ids):
        user = session.get(User, user_id)  # no autoflush inside a flush
        if user is None or user in session.deleted:
            continue
        # An SQL increment, not a Python one: two concurrent changes give two different versions.
        user.scope_version = User.scope_version + 1
