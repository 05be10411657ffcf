"""Applying a device's batch of mutations exactly once.

One transaction per push: lock the device row (pushes from one device are serialised), replay the
recorded results of sequence numbers already applied, apply the new ones in order, write their results
to the ledger and their changes to the feed, commit. Because the ledger row and the effect commit
together, a retried push after a lost response, a crash or a killed worker can never apply twice, and an
acknowledged mutation is always durable.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from domain import policy
from domain.models import (
    AppliedMutation,
    Contractor,
    Defect,
    DefectComment,
    DefectHistory,
    DefectType,
    Device,
    Inspection,
    Room,
    StatusCommand,
    Unit,
    User,
    utcnow,
)
from domain.rules import MUTATION_ROLES, ROLE_ZH

from . import hlc, merge
from .bulk import insert_rows, new_rows, one_of
from .feed import ChangeSet, lock_for_write
from .mutations import load_args
from .payloads import defect_data
from .rounds_mutations import HANDLERS as ROUNDS_HANDLERS

log = logging.getLogger(__name__)

MAX_BATCH = 500
RETRIES = 5
SERVER_CLOCK = hlc.Clock("server")
# PostgreSQL: deadlock, serialisation failure, unique violation (two first pushes of one device).
RETRYABLE_PG = {"40P01", "40001", "23505"}


# photo_list is written by domain.models.photo_list after the flush, never from the loaded object.
_FIXED_COLUMNS = ("id", "project_id", "unit_id", "reporter_id", "created_at", "photo_list")
_UPDATED_COLUMNS = tuple(c.key for c in Defect.__table__.columns if c.key not in _FIXED_COLUMNS)


class PushError(Exception):
    """The whole request is refused (nothing applied); the view turns it into a 4xx."""

    def __init__(self, status: int, message: str, **extra: Any):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


@dataclass
class Outcome:
    results: list[dict[str, Any]]
    hlc: str
    applied: int = 0
    replayed: int = 0


@dataclass
class _Pending:
    seq: int
    hlc: str
    name: str
    args: dict[str, Any] | None = None
    status: str = ""
    message: str = ""
    conflict_id: int | None = None
    defect_id: uuid.UUID | None = None
    replayed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def push(session: Session, user: User, device_id: str, mutations: Sequence[dict[str, Any]]) -> Outcome:
    """Apply a batch and commit. Retries on deadlocks and first-write races; PushError refuses the batch."""
    if len(mutations) > MAX_BATCH:
        raise PushError(413, f"每批最多 {MAX_BATCH} 条操作 / At most {MAX_BATCH} mutations per push")
    for attempt in range(RETRIES):
        try:
            outcome = _push_once(session, user, device_id, mutations)
            session.commit()
            return outcome
        except PushError:
            session.rollback()
            raise
        except (IntegrityError, DBAPIError) as exc:
            session.rollback()
            code = getattr(exc.orig, "sqlstate", None)
            if code not in RETRYABLE_PG or attempt == RETRIES - 1:
                raise
            log.warning("push retried after %s (attempt %d)", code, attempt + 1)
    raise AssertionError("unreachable")


def _device(session: Session, user: User, device_id: str) -> Device:
    device = session.scalar(select(Device).where(Device.id == device_id).with_for_update())
    if device is None:
        device = Device(id=device_id, user_id=user.id, last_seq=0)
        session.add(device)
        session.flush()
    if device.user_id != user.id:
        raise PushError(403, "该设备属于其他用户 / This device id belongs to another user")
    return device


def _check_envelope(device: Device, mutations: Sequence[dict[str, Any]]) -> None:
    seqs = [m["seq"] for m in mutations]
    if any(b <= a for a, b in zip(seqs, seqs[1:])):
        raise PushError(422, "同一批内的序号必须递增 / Sequence numbers in a push must increase")
    new = [s for s in seqs if s > device.last_seq]
    expected = device.last_seq + 1
    for s in new:
        if s != expected:
            raise PushError(
                409,
                f"序号 {s} 超前，服务器期望 {device.last_seq + 1} / Sequence {s} is from the future: "
                f"the server expects {device.last_seq + 1} next (an earlier mutation has not arrived)",
                expected_seq=device.last_seq + 1,
            )
        expected += 1


def _prepare(p: _Pending, user: User, device_id: str, limit_ms: int) -> None:
    """Validate one mutation without touching the database; sets status=rejected with a reason if bad."""
    try:
        stamp = hlc.parse(p.hlc)
    except ValueError:
        p.status, p.message = "rejected", f"时间戳格式错误 / Not a hybrid logical clock: {p.hlc!r}"
        return
    if stamp.node != device_id:
        p.status, p.message = "rejected", "时间戳不属于该设备 / The clock stamp names another device"
        return
    if stamp.physical > limit_ms:
        p.status, p.message = "rejected", "设备时间快了一天以上，请校准 / The device clock is more than a day ahead"
        return
    roles = MUTATION_ROLES.get(p.name)
    try:
        p.args = load_args(p.name, p.extra.pop("raw"))
    except ValueError as exc:
        p.status, p.message = "rejected", str(exc)
        return
    if roles is not None and user.role not in roles:
        who = ROLE_ZH.get(user.role, user.role)
        p.status, p.message = "rejected", f"{who}不能执行该操作 / The {user.role} role may not push {p.name}"


def _lookups(session: Session, user: User, todo: list[_Pending], defects: dict[uuid.UUID, Defect]) -> merge.Lookups:
    lk = merge.Lookups()
    creates = [p.args for p in todo if p.name == "defect.create" and p.args]
    unit_ids = {a["unit_id"] for a in creates} | {d.unit_id for d in defects.values()}
    type_ids, room_ids, insp_ids, contractor_ids, comment_ids = set(), set(), set(), set(), set()
    for p in todo:
        a = p.args or {}
        values = a.get("changes", a)
        if values.get("type_id") is not None:
            type_ids.add(values["type_id"])
        if values.get("room_id") is not None:
            room_ids.add(values["room_id"])
        if a.get("inspection_id") is not None:
            insp_ids.add(a["inspection_id"])
        if a.get("contractor_id") is not None:
            contractor_ids.add(a["contractor_id"])
        if a.get("comment_id") is not None:
            comment_ids.add(a["comment_id"])
    if unit_ids:
        for uid, project_id, plan_type_id in session.execute(
            select(Unit.id, Unit.project_id, Unit.plan_type_id).where(one_of(session, Unit.id, unit_ids))
        ):
            lk.units[uid] = merge.Unit(uid, project_id, plan_type_id)
    create_units = {a["unit_id"] for a in creates}
    if create_units:
        stmt = select(Unit.id).where(one_of(session, Unit.id, create_units), policy.unit_filter(user))
        lk.creatable_units = set(session.scalars(stmt))
    if type_ids:
        stmt2 = select(DefectType.id, DefectType.default_severity).where(one_of(session, DefectType.id, type_ids))
        lk.types = {tid: sev for tid, sev in session.execute(stmt2)}
    if room_ids:
        stmt_rooms = select(Room.id, Room.plan_type_id).where(one_of(session, Room.id, room_ids))
        lk.rooms = {rid: pt for rid, pt in session.execute(stmt_rooms)}
    if insp_ids:
        stmt3 = select(Inspection.id, Inspection.project_id).where(one_of(session, Inspection.id, insp_ids))
        lk.inspections = {iid: pid for iid, pid in session.execute(stmt3)}
    if contractor_ids:
        lk.contractors = set(
            session.scalars(select(Contractor.id).where(one_of(session, Contractor.id, contractor_ids)))
        )
    if comment_ids:
        stmt4 = select(DefectComment.id, DefectComment.defect_id).where(one_of(session, DefectComment.id, comment_ids))
        lk.existing_comments = {cid: did for cid, did in session.execute(stmt4)}
    return lk


def _push_once(session: Session, user: User, device_id: str, mutations: Sequence[dict[str, Any]]) -> Outcome:
    lock_for_write(session)
    device = _device(session, user, device_id)
    _check_envelope(device, mutations)
    pending = [_Pending(seq=m["seq"], hlc=m["hlc"], name=m["name"], extra={"raw": m.get("args")}) for m in mutations]
    old = [p for p in pending if p.seq <= device.last_seq]
    new = [p for p in pending if p.seq > device.last_seq]
    if old:
        ledger = {
            row.seq: row
            for row in session.scalars(
                select(AppliedMutation).where(
                    AppliedMutation.device_id == device.id, one_of(session, AppliedMutation.seq, [p.seq for p in old])
                )
            )
        }
        for p in old:
            row = ledger.get(p.seq)
            p.replayed = True
            if row is None:  # cannot happen while seqs are contiguous; say so rather than guess
                p.status, p.message = "rejected", "该序号已过期 / This sequence number has already passed"
            else:
                p.status, p.message = row.status, row.message
                p.conflict_id, p.defect_id = row.conflict_id, row.defect_id

    limit_ms = hlc.now_ms() + hlc.MAX_DRIFT_MS
    for p in new:
        _prepare(p, user, device_id, limit_ms)
    todo = [p for p in new if not p.status]

    ids = {p.args["id"] for p in todo if p.args and "id" in p.args} | {p.defect_id for p in old if p.defect_id}
    defects: dict[uuid.UUID, Defect] = {}
    if ids:
        stmt = (
            select(Defect)
            .where(one_of(session, Defect.id, ids))
            .order_by(Defect.id)  # lock in one order everywhere, so concurrent pushes cannot deadlock
            .with_for_update(of=Defect)
        )
        if any(p.name in merge.PHOTO_MUTATIONS for p in todo):
            stmt = stmt.options(selectinload(Defect.photos))
        defects = {d.id: d for d in session.scalars(stmt)}
    visible: set[uuid.UUID] = set()
    if defects:
        stmt5 = select(Defect.id).where(one_of(session, Defect.id, list(defects)), policy.defect_filter(user))
        visible = set(session.scalars(stmt5))
    lookups = _lookups(session, user, todo, defects)
    changes = ChangeSet()
    history: list[dict[str, Any]] = []
    created = merge.Created()
    for p in todo:
        assert p.args is not None
        ctx = merge.Context(
            session, user, device_id, p.seq, p.hlc, defects, visible, lookups, changes, history, created
        )
        try:
            applied = (merge.HANDLERS.get(p.name) or ROUNDS_HANDLERS[p.name])(ctx, p.args)
        except merge.Rejected as exc:
            p.status, p.message = "rejected", str(exc)
            continue
        p.status, p.message, p.conflict_id = applied.status, applied.message, applied.conflict_id
        p.defect_id = applied.defect if isinstance(applied.defect, uuid.UUID | None) else applied.defect.id
        SERVER_CLOCK.observe(p.hlc)

    now = utcnow()
    for kind, entity in changes.rows:
        changed = defects.get(uuid.UUID(entity)) if kind == "defect" else None
        if changed is not None:
            changed.updated_at = now
            # Every changed defect's UPDATE sets the same columns, so the flush sends them all as one
            # executemany instead of a statement per distinct set of changed columns.
            for column in _UPDATED_COLUMNS:
                flag_modified(changed, column)
    # The push's new status commands are written with the bulk rows below rather than by the flush (whose
    # multi-row INSERT of 50 commands is a statement of 18,000 characters that the driver parses anew).
    commands = [o for o in session.new if isinstance(o, StatusCommand)]
    for c in commands:
        session.expunge(c)
    session.flush()
    created.write(session, now)  # the defects must exist before their history rows and commands
    insert_rows(session, StatusCommand, new_rows(commands))
    insert_rows(session, DefectHistory, history)
    if new:
        insert_rows(
            session,
            AppliedMutation,
            [
                {
                    "device_id": device.id,
                    "seq": p.seq,
                    "hlc": p.hlc[:84],
                    "name": p.name[:40],
                    "status": p.status,
                    "message": p.message,
                    "conflict_id": p.conflict_id,
                    "defect_id": p.defect_id,
                    "user_id": user.id,
                    "applied_at": now,
                }
                for p in new
            ],
        )
        device.last_seq = new[-1].seq
        device.last_push_at = now
    # Everything else is done before the feed's counter row is locked: publishing takes the lock, and it is
    # held until the commit, so concurrent pushes wait for it only that long.
    results = [_result(p, defects, visible) for p in pending]
    outcome = Outcome(results, SERVER_CLOCK.tick(), applied=len(new), replayed=len(old))
    session.flush()
    changes.publish(session, now)
    return outcome


def _result(p: _Pending, defects: dict[uuid.UUID, Defect], visible: set[uuid.UUID]) -> dict[str, Any]:
    out: dict[str, Any] = {"seq": p.seq, "status": p.status, "message": p.message, "conflict_id": p.conflict_id}
    if p.replayed:
        out["replayed"] = True
    # The device already has what it sent; the server's state matters when the two differ.
    if p.defect_id in visible and (p.status != "applied" or p.replayed):
        assert p.defect_id is not None
        out["defect"] = defect_data(defects[p.defect_id])
    return out
