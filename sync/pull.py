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
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import ClauseAdapter

from domain import policy
from domain.models import Conflict, Defect, DefectComment, SyncChange, User

from . import dialects
from .feed import Cursor, feed_position, parse_cursor
from .payloads import comment_data, conflict_data

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
_CONFLICT_COLUMNS = tuple(Conflict.__table__.columns)


def _shown(conflict: Any) -> bool:
    """What a device shows of a defect's conflicts when it first receives the defect: the open ones. A
    resolved conflict reaches the devices that already had it through the feed (its resolution is a
    change). Filtered here rather than in SQL: with ``status = 'open'`` in the statement PostgreSQL may
    read every open conflict of the project by the status index, a cost that grows with the project;
    by defect id alone it reads the page's few hundred rows."""
    return bool(conflict.status == "open")


def was_visible(user: User) -> ColumnElement[bool]:
    """policy.defect_filter(user), evaluated on a feed row's before-change scope keys."""
    return _BEFORE.traverse(policy.defect_filter(user))


def pull(
    session: Session, user: User, cursor: str | None, project_id: int | None = None, limit: int = DEFAULT_LIMIT
) -> dict[str, Any]:
    """One page: ``{"changes": [...], "cursor": str, "more": bool, "reset": bool}``.

    Made for ``orjson.dumps``: a defect entry in ``changes`` is an ``orjson.Fragment`` of JSON text on
    PostgreSQL (see sync.dialects.postgresql), and values elsewhere may be datetimes, dates and UUIDs
    (orjson writes them as ISO 8601 / canonical strings, exactly what ``payloads.jsonable`` would give)."""
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
    dialects.of(session).begin_read(session)
    if cur.snapshot:
        page = _snapshot(session, user, cur, project_id, limit)
    else:
        page = _delta(session, user, cur, project_id, limit)
    page["reset"] = False
    return page


def _snapshot(session: Session, user: User, cur: Cursor, project_id: int | None, limit: int) -> dict[str, Any]:
    """The next ``limit`` defects in scope after ``cur.after`` (by id), with their photos, comments and
    open conflicts, from the current rows. The first page also carries ``total``, the number of defects
    the download will bring (others may be created meanwhile: they come with the next delta)."""
    scope: list[Any] = [policy.defect_filter(user)]
    if project_id is not None:
        scope.append(Defect.project_id == project_id)
    if cur.after is not None:
        scope.append(Defect.id > cur.after)
    dialect = dialects.of(session)
    entries = dialect.defect_entries(session, *scope, limit=limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    if not entries:
        empty = {"changes": [], "cursor": Cursor(cur.seq, cur.version).encode(), "more": False}
        return {**empty, "total": 0} if cur.after is None else empty
    changes: list[Any] = [entry for _, entry in entries]
    # The related rows of the page's defects, by one array of their ids: each is an index scan on defect_id
    # (joining them to the page's id range let PostgreSQL choose a hash join over the whole table on a big
    # project, which made the page cost grow with the project).
    ids = [i for i, _ in entries]
    conn = session.connection()
    comment_stmt = (
        select(*_COMMENT_COLUMNS)
        .where(dialect.one_of(DefectComment.defect_id, ids))
        .order_by(DefectComment.created_at, DefectComment.id)
    )
    for c in conn.execute(comment_stmt).all():
        changes.append({"kind": "comment", "id": str(c.id), "op": "upsert", "data": comment_data(c)})
    conflict_stmt = select(*_CONFLICT_COLUMNS).where(dialect.one_of(Conflict.defect_id, ids)).order_by(Conflict.id)
    for c in conn.execute(conflict_stmt).all():
        if _shown(c):
            changes.append({"kind": "conflict", "id": str(c.id), "op": "upsert", "data": conflict_data(c)})
    page: dict[str, Any] = {"changes": changes}
    if cur.after is None:
        # The first page says how many defects the download holds, so that a device shows true progress:
        # one count per download (an index-only scan), not one per page.
        page["total"] = session.scalar(select(func.count()).select_from(Defect).where(*scope))
    last = ids[-1]
    if more:
        return {**page, "cursor": Cursor(cur.seq, cur.version, True, last).encode(), "more": True}
    return {**page, "cursor": Cursor(cur.seq, cur.version).encode(), "more": False}


@dataclass
class _FeedPage:
    """The feed rows of a delta page: the entities they name, each once, in the order of its latest row."""

    since: int
    last: int
    more: bool
    latest: dict[tuple[str, str], uuid.UUID] = field(default_factory=dict)  # (kind, entity id) → defect id
    # Per defect of the page: was any of its rows' before-keys visible to the user, and were all of them.
    seen: dict[uuid.UUID, tuple[bool, bool]] = field(default_factory=dict)

    def ids_of(self, kind: str, defects: set[uuid.UUID] | dict[uuid.UUID, Any]) -> list[str]:
        return [e for (k, e), d in self.latest.items() if k == kind and d in defects]


@dataclass
class _Transitions:
    """How the page's defects moved relative to the user's scope since the cursor."""

    evict: set[uuid.UUID]  # hidden now, visible in some state since the cursor, still exists
    gone: set[uuid.UUID]  # visible in some state since the cursor, deleted since
    entered: set[uuid.UUID]  # visible now, hidden in some state since the cursor


def _delta(session: Session, user: User, cur: Cursor, project_id: int | None, limit: int) -> dict[str, Any]:
    """The next ``limit`` feed rows after the cursor, answered with the current state of what they name."""
    page = _read_feed(session, user, cur.seq, project_id, limit)
    if page is None:
        return {"changes": [], "cursor": Cursor(cur.seq, cur.version).encode(), "more": False}
    dialect = dialects.of(session)
    defect_ids = set(page.latest.values())
    visible = dict(dialect.defect_entries(session, dialect.one_of(Defect.id, defect_ids), policy.defect_filter(user)))
    moved = _transitions(session, page, visible, defect_ids - set(visible))
    comments, conflicts = _related(session, page, visible, moved.entered)
    changes = _assemble(page, visible, moved, comments, conflicts)
    return {"changes": changes, "cursor": Cursor(page.last, cur.version).encode(), "more": page.more}


def _read_feed(session: Session, user: User, since: int, project_id: int | None, limit: int) -> _FeedPage | None:
    """The feed rows in (since, …], at most ``limit``; None when there are none. Each row comes with whether
    its before-change scope keys were visible to the user (NULL keys count as not visible), so that one
    statement tells both what the page names and how its defects moved (see ``_transitions``)."""
    seen = case((was_visible(user), True), else_=False)
    stmt = select(SyncChange.seq, SyncChange.kind, SyncChange.entity_id, SyncChange.defect_id, seen).where(
        SyncChange.seq > since
    )
    if project_id is not None:
        stmt = stmt.where(SyncChange.project_id == project_id)
    rows = session.execute(stmt.order_by(SyncChange.seq).limit(limit + 1)).all()
    if not rows:
        return None
    more = len(rows) > limit
    rows = rows[:limit]
    page = _FeedPage(since, rows[-1].seq, more)
    for _, kind, entity_id, defect_id, visible in rows:
        page.latest.pop((kind, entity_id), None)  # keep insertion order by latest seq
        page.latest[(kind, entity_id)] = defect_id
        ever, always = page.seen.get(defect_id, (False, True))
        page.seen[defect_id] = (ever or bool(visible), always and bool(visible))
    return page


def _transitions(
    session: Session,
    page: _FeedPage,
    visible: dict[uuid.UUID, Any],
    hidden: set[uuid.UUID],
) -> _Transitions:
    """Per defect of the page, from whether any of its rows in (since, last] had before-keys the user could
    see, and whether any had before-keys they could not (read with the feed rows):

    - Hidden now, visible in one of those states: the device may have been sent that state (a page sends
      the current state, which can be newer than the page's last row; a snapshot page is read after its
      feed position), so it is evicted. Evicting a defect the device lacks is harmless.
    - Visible now, hidden in one of those states: the defect entered the user's scope, and the device may
      lack its older comments and conflicts, which have no rows after the cursor: they are sent."""
    had: set[uuid.UUID] = set()
    entered: set[uuid.UUID] = set()
    for defect_id, (ever_visible, always_visible) in page.seen.items():
        if defect_id in hidden and ever_visible and page.since > 0:
            had.add(defect_id)
        elif defect_id in visible and not always_visible:
            entered.add(defect_id)
    existing: set[uuid.UUID] = set()
    if had:
        one_of = dialects.of(session).one_of
        existing = set(session.scalars(select(Defect.id).where(one_of(Defect.id, had))))
    return _Transitions(evict=had & existing, gone=had - existing, entered=entered)


def _related(
    session: Session, page: _FeedPage, visible: dict[uuid.UUID, Any], entered: set[uuid.UUID]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The comments and conflicts to send, by id: those the page names on visible defects, then the older
    comments and open conflicts of defects that entered the scope. One statement per kind of lookup, so
    that each is an index scan (an OR of the two is a sequential scan of the whole table)."""
    one_of = dialects.of(session).one_of
    conn = session.connection()
    comments: dict[str, Any] = {}
    named = page.ids_of("comment", visible)
    if named:
        stmt = select(*_COMMENT_COLUMNS).where(one_of(DefectComment.id, [uuid.UUID(e) for e in named]))
        comments.update((str(c.id), c) for c in conn.execute(stmt))
    if entered:
        stmt = (
            select(*_COMMENT_COLUMNS)
            .where(one_of(DefectComment.defect_id, entered))
            .order_by(DefectComment.created_at, DefectComment.id)
        )
        comments.update((str(c.id), c) for c in conn.execute(stmt) if str(c.id) not in comments)
    conflicts: dict[str, Any] = {}
    named = page.ids_of("conflict", visible)
    if named:
        stmt = select(*_CONFLICT_COLUMNS).where(one_of(Conflict.id, [int(e) for e in named]))
        conflicts.update((str(c.id), c) for c in conn.execute(stmt))
    if entered:
        stmt = select(*_CONFLICT_COLUMNS).where(one_of(Conflict.defect_id, entered)).order_by(Conflict.id)
        conflicts.update((str(c.id), c) for c in conn.execute(stmt) if _shown(c) and str(c.id) not in conflicts)
    return comments, conflicts


def _assemble(
    page: _FeedPage,
    visible: dict[uuid.UUID, Any],
    moved: _Transitions,
    comments: dict[str, Any],
    conflicts: dict[str, Any],
) -> list[Any]:
    """The page's changes in feed order, then the older comments and conflicts of defects that entered."""
    changes: list[Any] = []
    for (kind, entity_id), defect_id in page.latest.items():
        if kind == "defect":
            if defect_id in visible:
                changes.append(visible[defect_id])
            elif defect_id in moved.evict or defect_id in moved.gone:
                op = "evict" if defect_id in moved.evict else "delete"
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
    return changes
