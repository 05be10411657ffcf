"""Applying a device's batch of mutations exactly once.

One transaction per push: lock the device row (pushes from one device are serialised), replay the
recorded results of sequence numbers already applied, apply the new ones in order, write their results
to the ledger and their changes to the feed. The caller's unit of work (``domain.transaction.run``, one
per request) commits, and only then is the push answered. Because the ledger row and the effect commit
together, a retried push after a lost response, a crash or a killed worker can never apply twice, and an
acknowledged mutation is always durable.

The unit of work runs the push with ``races=True``: two first pushes of one device both insert its row
(and the first write ever creates the feed's counter), and the loser's unique violation means "run
again", which then finds the winner's row and replays or continues after it. A deadlock or a
serialisation failure reruns it too. A refusal (``PushError``) is raised, so nothing of it is kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from domain import policy
from domain.models import AppliedMutation, Defect, DefectHistory, Device, StatusCommand, User, utcnow
from domain.models.sync import HLC_LENGTH
from domain.rounds.duplicates import flag_arrivals
from domain.rules import MUTATION_ROLES, ROLE_ZH

from . import hlc, merge
from .bulk import insert_rows, new_rows, one_of
from .codes import CLOCK_INVALID, FORBIDDEN, SEQ_EXPIRED
from .envelope import MAX_MUTATIONS
from .feed import ChangeSet, lock_for_write
from .handlers import HANDLERS
from .lookups import load as load_lookups
from .mutations import Invalid, load_args
from .numbering import number_new
from .payloads import defect_data

MAX_BATCH = MAX_MUTATIONS
SERVER_CLOCK = hlc.Clock("server")


# photo_list is written by domain.models.photo_list after the flush, never from the loaded object.
# number is given once, by sync.numbering, never by a push's updates.
_FIXED_COLUMNS = ("id", "project_id", "unit_id", "reporter_id", "created_at", "photo_list", "number")
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
    raw: Any = None  # the args as sent, until they are validated into ``args``
    args: Any = None  # the mutation's typed struct (sync.mutations)
    status: str = ""
    message: str = ""
    code: str = ""
    conflict_id: int | None = None
    defect_id: uuid.UUID | None = None
    replayed: bool = False
    ahead: bool = False  # the device's clock was too far ahead: the server re-stamps it
    restamped: bool = False

    def refuse(self, code: str, message: str) -> None:
        self.status, self.code, self.message = "rejected", code, message


@dataclass
class _Batch:
    """What one push works on: the device, its mutations split into replays and new ones, and the
    defects and reference data they name."""

    device: Device
    pending: list[_Pending]
    old: list[_Pending]
    new: list[_Pending]
    defects: dict[uuid.UUID, Defect] = field(default_factory=dict)
    visible: set[uuid.UUID] = field(default_factory=set)

    @property
    def todo(self) -> list[_Pending]:
        return [p for p in self.new if not p.status]


def push(session: Session, user: User, device_id: str, mutations: Sequence[dict[str, Any]]) -> Outcome:
    """Apply a batch, flushed, for the caller's unit of work to commit (run it with ``races=True``, see
    above); PushError refuses the batch."""
    if len(mutations) > MAX_BATCH:
        raise PushError(413, f"每批最多 {MAX_BATCH} 条操作 / At most {MAX_BATCH} mutations per push")
    return _push_once(session, user, device_id, mutations)


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
    """Validate one mutation without touching the database; refuses it (with a code) if bad."""
    try:
        stamp = hlc.parse(p.hlc)
    except ValueError:
        p.refuse(CLOCK_INVALID, f"时间戳格式错误 / Not a hybrid logical clock: {p.hlc[:100]!r}")
        return
    if stamp.node != device_id:
        p.refuse(CLOCK_INVALID, "时间戳不属于该设备 / The clock stamp names another device")
        return
    p.ahead = stamp.physical > limit_ms
    try:
        p.args = load_args(p.name, p.raw)
    except Invalid as exc:
        p.refuse(exc.code, str(exc))
        return
    roles = MUTATION_ROLES.get(p.name)
    if roles is not None and user.role not in roles:
        who = ROLE_ZH.get(user.role, user.role)
        p.refuse(FORBIDDEN, f"{who}不能执行该操作 / The {user.role} role may not push {p.name}")


def _restamp(session: Session, batch: _Batch, now_ms: int) -> None:
    """Give the mutations of a clock too far ahead a stamp of when the server received them.

    Such a stamp could otherwise win every last-writer-wins race until the real time caught up with it,
    and drag the server's clock (and every device that observes it) along. The new stamps keep the
    device's own order: each is later than every stamp the device used before it."""
    if not any(p.ahead for p in batch.new):
        return
    device = batch.device
    clock = hlc.Clock(device.id, wall=lambda: now_ms)
    limit = now_ms + hlc.MAX_DRIFT_MS
    last = session.scalar(
        select(AppliedMutation.hlc).where(
            AppliedMutation.device_id == device.id, AppliedMutation.seq == device.last_seq
        )
    )
    for stamp in (last, *(p.hlc for p in batch.new if not p.status and not p.ahead)):
        if stamp and hlc.parse(stamp).physical <= limit:
            clock.observe(stamp)
    for p in batch.new:
        if p.ahead and not p.status:
            p.hlc, p.restamped = clock.tick(), True


def _replay(session: Session, batch: _Batch) -> None:
    """Answer the mutations already applied with the results recorded for them."""
    if not batch.old:
        return
    stmt = select(AppliedMutation).where(
        AppliedMutation.device_id == batch.device.id,
        one_of(session, AppliedMutation.seq, [p.seq for p in batch.old]),
    )
    ledger = {row.seq: row for row in session.scalars(stmt)}
    for p in batch.old:
        row = ledger.get(p.seq)
        p.replayed = True
        if row is None:  # cannot happen while seqs are contiguous; say so rather than guess
            p.refuse(SEQ_EXPIRED, "该序号已过期 / This sequence number has already passed")
        else:
            p.status, p.message, p.code = row.status, row.message, row.code
            p.conflict_id, p.defect_id = row.conflict_id, row.defect_id


def _load_defects(session: Session, user: User, batch: _Batch) -> None:
    """Lock the defects the batch names (in one order everywhere, so concurrent pushes cannot deadlock)
    and note which of them the user may see."""
    todo = batch.todo
    ids = {p.args.id for p in todo if hasattr(p.args, "id")} | {p.defect_id for p in batch.old if p.defect_id}
    if not ids:
        return
    stmt = select(Defect).where(one_of(session, Defect.id, ids)).order_by(Defect.id).with_for_update(of=Defect)
    if any(p.name in merge.PHOTO_MUTATIONS for p in todo):
        stmt = stmt.options(selectinload(Defect.photos))
    batch.defects = {d.id: d for d in session.scalars(stmt)}
    if batch.defects:
        visible = select(Defect.id).where(one_of(session, Defect.id, list(batch.defects)), policy.defect_filter(user))
        batch.visible = set(session.scalars(visible))


def _apply(session: Session, user: User, batch: _Batch, lookups: merge.Lookups, work: _Work) -> None:
    """Run each valid new mutation through its merge handler, in seq order."""
    for p in batch.todo:
        ctx = merge.Context(
            session=session,
            user=user,
            device_id=batch.device.id,
            seq=p.seq,
            hlc=p.hlc,
            defects=batch.defects,
            visible=batch.visible,
            lookups=lookups,
            changes=work.changes,
            history_rows=work.history,
            created=work.created,
        )
        try:
            applied = HANDLERS[p.name](ctx, p.args)
        except merge.Rejected as exc:
            p.refuse(exc.code, str(exc))
            continue
        p.status, p.message, p.conflict_id, p.code = applied.status, applied.message, applied.conflict_id, applied.code
        p.defect_id = applied.defect if isinstance(applied.defect, uuid.UUID | None) else applied.defect.id
        SERVER_CLOCK.observe(p.hlc)


@dataclass
class _Work:
    """What the merge handlers queue for the push to write in bulk."""

    changes: ChangeSet = field(default_factory=ChangeSet)
    history: list[dict[str, Any]] = field(default_factory=list)
    created: merge.Created = field(default_factory=merge.Created)


def _write(session: Session, user: User, batch: _Batch, work: _Work, now: datetime) -> None:
    """Flush the changed defects, then write the new rows (defects, commands, history, ledger) in bulk."""
    for kind, entity in work.changes.rows:
        changed = batch.defects.get(uuid.UUID(entity)) if kind == "defect" else None
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
    work.created.write(session, now)  # the defects must exist before their history rows and commands
    insert_rows(session, StatusCommand, new_rows(commands))
    insert_rows(session, DefectHistory, work.history)
    if batch.new:
        insert_rows(session, AppliedMutation, [_ledger_row(p, batch.device, user, now) for p in batch.new])
        batch.device.last_seq = batch.new[-1].seq
        batch.device.last_push_at = now


def _ledger_row(p: _Pending, device: Device, user: User, now: datetime) -> dict[str, Any]:
    return {
        "device_id": device.id,
        "seq": p.seq,
        "hlc": _storable(p.hlc)[:HLC_LENGTH],
        "name": _storable(p.name)[:40],
        "status": p.status,
        "code": p.code,
        "message": _storable(p.message)[:2000],
        "conflict_id": p.conflict_id,
        "defect_id": p.defect_id,
        "user_id": user.id,
        "applied_at": now,
    }


def _push_once(session: Session, user: User, device_id: str, mutations: Sequence[dict[str, Any]]) -> Outcome:
    lock_for_write(session)
    device = _device(session, user, device_id)
    _check_envelope(device, mutations)
    pending = [_Pending(seq=m["seq"], hlc=_text(m["hlc"]), name=_text(m["name"]), raw=m.get("args")) for m in mutations]
    batch = _Batch(
        device=device,
        pending=pending,
        old=[p for p in pending if p.seq <= device.last_seq],
        new=[p for p in pending if p.seq > device.last_seq],
    )
    _replay(session, batch)
    now_ms = hlc.now_ms()
    for p in batch.new:
        _prepare(p, user, device_id, now_ms + hlc.MAX_DRIFT_MS)
    _restamp(session, batch, now_ms)
    _load_defects(session, user, batch)
    lookups = load_lookups(session, user, [p.args for p in batch.todo], batch.defects)
    work = _Work()
    _apply(session, user, batch, lookups, work)
    now = utcnow()
    _write(session, user, batch, work, now)
    # Numbers last (before the results that may show them): the project's counter is held until the commit.
    number_new(session, work.created.projects, batch.defects)
    # Everything else is done before the feed's counter row is locked: publishing takes the lock, and it is
    # held until the commit, so concurrent pushes wait for it only that long.
    results = [_result(p, batch.defects, batch.visible) for p in pending]
    outcome = Outcome(results, SERVER_CLOCK.tick(), applied=len(batch.new), replayed=len(batch.old))
    session.flush()
    work.changes.publish(session, now)
    # Suspected duplicates are looked for after the lock is taken: a concurrent push from another tablet has
    # then committed, so of two pushes bringing the same problem the second always sees the first. One
    # indexed statement, and only when the push created defects.
    flag_arrivals(session, device.id, work.created.ids, now)
    return outcome


def _storable(text: str) -> str:
    """Text a column can hold: a rejected mutation's name or message may echo a NUL it was sent."""
    return text.replace("\x00", "\\x00")


def _text(value: Any) -> str:
    """A clock stamp or a name as sent; anything else is "", which the mutation is then rejected for."""
    return value if isinstance(value, str) else ""


def _result(p: _Pending, defects: dict[uuid.UUID, Defect], visible: set[uuid.UUID]) -> dict[str, Any]:
    out: dict[str, Any] = {"seq": p.seq, "status": p.status, "message": p.message, "conflict_id": p.conflict_id}
    if p.code:
        out["code"] = p.code
    if p.replayed:
        out["replayed"] = True
    if p.restamped:
        out["hlc"] = p.hlc  # the stamp the server gave it (the device's clock was too far ahead)
    # The device already has what it sent; the server's state matters when the two differ.
    if p.defect_id in visible and (p.status != "applied" or p.replayed):
        assert p.defect_id is not None
        out["defect"] = defect_data(defects[p.defect_id])
    return out
