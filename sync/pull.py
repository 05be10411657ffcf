"""Reading what a device should have, in pages, within what the user may see (domain.policy decides).

A first pull (empty cursor) is a **snapshot**: the current rows in scope, paged by defect id, with the
cursor set to the feed position read before the first page. After the last snapshot page the device
continues the change feed from that position, so whatever was committed during the download is sent
again (upserts are idempotent).

A delta page is the next ``limit`` feed rows after the cursor. For each entity in it the CURRENT state
is sent (so a device may receive a newer state early, never an older one), or ``evict`` when a defect
the user could see at some point since the cursor is now outside their scope, or ``delete`` when it is
gone. See docs/sync-protocol.md for why neither path can miss a change.

Every cursor carries the user's ``scope_version`` it was made under. When the user's scope has changed
since (a membership or owned unit added or removed, role, contractor or active changed: see
domain.policy), the feed cannot say what the device must drop or newly receive, so the pull answers a
**reset** page instead: no changes, and the cursor of a fresh snapshot under the new version. The device
downloads that snapshot and drops what it did not send (docs/sync-protocol.md, "Scope changes").
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import ClauseAdapter

from domain import policy
from domain.models import Conflict, Defect, DefectComment, SyncChange, User

from .bulk import one_of
from .feed import Cursor, feed_position, parse_cursor
from .payloads import comment_data, conflict_data
from .wire import defect_entries

DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000

# The feed row carries the defect's scope columns under the same names, as they were before the change,
# so the policy's own expression can be evaluated against them.
_BEFORE = ClauseAdapter(
    SyncChange.__table__,
    include_fn=lambda col: getattr(col, "table", None) is Defect.__table__,
    adapt_on_names=True,
)
_COMMENT_COLUMNS = (
    DefectComment.id,
    DefectComment.defect_id,
    DefectComment.author_id,
    DefectComment.body,
    DefectComment.created_at,
)


def was_visible(user: User) -> ColumnElement[bool]:
    """policy.defect_filter(user), evaluated on a feed row's before-change scope keys."""
    return _BEFORE.traverse(policy.defect_filter(user))


def pull(
    session: Session, user: User, cursor: str | None, project_id: int | None = None, limit: int = DEFAULT_LIMIT
) -> dict[str, Any]:
    """One page: ``{"changes": [...], "cursor": str, "more": bool, "reset": bool}``.

    Made for ``orjson.dumps``: a defect entry in ``changes`` is an ``orjson.Fragment`` of JSON text on
    PostgreSQL (see sync.wire), and values elsewhere may be datetimes, dates and UUIDs (orjson writes them
    as ISO 8601 / canonical strings, exactly what ``payloads.jsonable`` would give)."""
    cur = parse_cursor(cursor)
    # The scope version FIRST, from the database (not a cached object): the scope read by the queries below
    # is then at least as new as the version written into the cursor. A scope change committed in between
    # makes the next pull reset once more, which is harmless.
    version = int(session.scalar(select(User.scope_version).where(User.id == user.id)) or 0)
    if cur is not None and cur.version != version:
        # Read the feed position for the new snapshot now: its pages are all read after it.
        start = Cursor(feed_position(session), version, snapshot=True)
        return {"changes": [], "cursor": start.encode(), "more": True, "reset": True}
    if cur is None:
        # Read the feed position FIRST: every change numbered up to it is visible to the reads below, and
        # every change they might miss is numbered after it and comes with the next delta pull.
        cur = Cursor(feed_position(session), version, snapshot=True)
    if session.get_bind().dialect.name == "postgresql":
        # A page's few statements are planned to cost more than PostgreSQL's JIT threshold on a large
        # project, and compiling them takes longer than running them.
        session.execute(text("SET LOCAL jit = off"))
    if cur.snapshot:
        page = _snapshot(session, user, cur, project_id, limit)
    else:
        page = _delta(session, user, cur, project_id, limit)
    page["reset"] = False
    return page


def _snapshot(session: Session, user: User, cur: Cursor, project_id: int | None, limit: int) -> dict[str, Any]:
    """The next ``limit`` defects in scope after ``cur.after`` (by id), with their photos, comments and
    conflicts (resolved ones too: the device that raised one learns how it ended), from the current rows."""
    scope: list[Any] = [policy.defect_filter(user)]
    if project_id is not None:
        scope.append(Defect.project_id == project_id)
    if cur.after is not None:
        scope.append(Defect.id > cur.after)
    # Defects as JSON text built by PostgreSQL (sync.wire), with their photos; plain rows on SQLite.
    entries = defect_entries(session, *scope, limit=limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    if not entries:
        return {"changes": [], "cursor": Cursor(cur.seq, cur.version).encode(), "more": False}
    # The page's defects are those in scope in (after, last]; the related rows are read by the same range
    # and scope in SQL rather than by a list of thousands of ids.
    last = entries[-1][0]
    in_page = [*scope, Defect.id <= last]
    changes: list[Any] = [entry for _, entry in entries]
    ids = {i for i, _ in entries}  # a defect created in the range meanwhile comes with the delta pull
    comment_stmt = (
        select(*_COMMENT_COLUMNS)
        .join(Defect, Defect.id == DefectComment.defect_id)
        .where(*in_page)
        .order_by(DefectComment.created_at, DefectComment.id)
    )
    for c in session.connection().execute(comment_stmt).all():
        if c.defect_id in ids:
            data = {"id": str(c.id), "defect_id": str(c.defect_id), "author_id": c.author_id, "body": c.body}
            data["created_at"] = c.created_at
            changes.append({"kind": "comment", "id": data["id"], "op": "upsert", "data": data})
    conflict_stmt = (
        select(*Conflict.__table__.columns)
        .join(Defect, Defect.id == Conflict.defect_id)
        .where(*in_page)
        .order_by(Conflict.id)
    )
    for conflict in session.connection().execute(conflict_stmt).all():  # plain rows, as for the comments
        if conflict.defect_id in ids:
            changes.append(
                {"kind": "conflict", "id": str(conflict.id), "op": "upsert", "data": conflict_data(conflict)}
            )
    if more:
        return {"changes": changes, "cursor": Cursor(cur.seq, cur.version, True, last).encode(), "more": True}
    return {"changes": changes, "cursor": Cursor(cur.seq, cur.version).encode(), "more": False}


def _delta(session: Session, user: User, cur: Cursor, project_id: int | None, limit: int) -> dict[str, Any]:
    since = cur.seq
    stmt = select(SyncChange.seq, SyncChange.kind, SyncChange.entity_id, SyncChange.defect_id).where(
        SyncChange.seq > since
    )
    if project_id is not None:
        stmt = stmt.where(SyncChange.project_id == project_id)
    rows = session.execute(stmt.order_by(SyncChange.seq).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    if not rows:
        return {"changes": [], "cursor": Cursor(since, cur.version).encode(), "more": False}
    last = rows[-1].seq

    latest: dict[tuple[str, str], tuple[int, uuid.UUID]] = {}
    for seq, kind, entity_id, defect_id in rows:
        latest.pop((kind, entity_id), None)  # keep insertion order by latest seq
        latest[(kind, entity_id)] = (seq, defect_id)
    defect_ids = {defect_id for _, defect_id in latest.values()}

    visible = dict(defect_entries(session, one_of(session, Defect.id, defect_ids), policy.defect_filter(user)))
    hidden = defect_ids - set(visible)

    # One query tells, per defect of the page, whether any of its rows in (since, last] has before-keys the
    # user could see, and whether any has before-keys they could not (NULL keys count as not visible).
    #  - Hidden now, visible in one of those states: the device may have been sent that state (a page sends
    #    the current state, which can be newer than the page's last row; a snapshot page is read after its
    #    feed position), so it is evicted. Evicting a defect the device lacks is harmless.
    #  - Visible now, hidden in one of those states: the defect entered the user's scope, and the device
    #    may lack its older comments and conflicts, which have no rows after the cursor: all are sent.
    seen = case((was_visible(user), 1), else_=0)
    # The page's rows are those in (since, last] (of the project, if one is asked for).
    states = select(SyncChange.defect_id, func.max(seen), func.min(seen)).where(
        SyncChange.seq > since, SyncChange.seq <= last
    )
    if project_id is not None:
        states = states.where(SyncChange.project_id == project_id)
    had: set[uuid.UUID] = set()
    entered: set[uuid.UUID] = set()
    for defect_id, ever_visible, always_visible in session.execute(states.group_by(SyncChange.defect_id)):
        if defect_id in hidden and ever_visible and since > 0:
            had.add(defect_id)
        elif defect_id in visible and not always_visible:
            entered.add(defect_id)
    existing = set(session.scalars(select(Defect.id).where(one_of(session, Defect.id, had)))) if had else set()
    gone, evict = had - existing, had & existing

    comment_ids = [uuid.UUID(e) for (k, e), (_, i) in latest.items() if k == "comment" and i in visible]
    comments = (
        {
            str(c.id): c
            for c in session.scalars(
                select(DefectComment)
                .where(
                    or_(
                        one_of(session, DefectComment.id, comment_ids),
                        one_of(session, DefectComment.defect_id, entered),
                    )
                )
                .order_by(DefectComment.created_at, DefectComment.id)
            )
        }
        if comment_ids or entered
        else {}
    )
    conflict_ids = [int(e) for (k, e), (_, i) in latest.items() if k == "conflict" and i in visible]
    conflicts = (
        {
            str(c.id): c
            for c in session.scalars(
                select(Conflict)
                .where(or_(one_of(session, Conflict.id, conflict_ids), one_of(session, Conflict.defect_id, entered)))
                .order_by(Conflict.id)
            )
        }
        if conflict_ids or entered
        else {}
    )

    changes: list[Any] = []
    for (kind, entity_id), (_, defect_id) in latest.items():
        if kind == "defect":
            if defect_id in visible:
                changes.append(visible[defect_id])
            elif defect_id in evict or defect_id in gone:
                op = "evict" if defect_id in evict else "delete"
                changes.append({"kind": "defect", "id": entity_id, "op": op, "data": None})
        elif kind == "comment" and entity_id in comments:
            data = comment_data(comments.pop(entity_id))
            changes.append({"kind": "comment", "id": entity_id, "op": "upsert", "data": data})
        elif kind == "conflict" and entity_id in conflicts:
            data = conflict_data(conflicts.pop(entity_id))
            changes.append({"kind": "conflict", "id": entity_id, "op": "upsert", "data": data})
    # What is left are the older comments and conflicts of defects that entered the scope.
    for entity_id, comment in comments.items():
        changes.append({"kind": "comment", "id": entity_id, "op": "upsert", "data": comment_data(comment)})
    for entity_id, conflict in conflicts.items():
        changes.append({"kind": "conflict", "id": entity_id, "op": "upsert", "data": conflict_data(conflict)})
    return {"changes": changes, "cursor": Cursor(last, cur.version).encode(), "more": more}
