"""One mutation applied to the defects it names: per-field last-writer-wins, the photo set, comments,
and status commands (delegated to ``status``). Everything is validated before anything is written, so a
rejected mutation leaves no trace but its result.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain.errors import DomainError
from domain.followup import deadlines as followup_deadlines
from domain.followup import hooks as followup
from domain.models import Defect, DefectComment, DefectPhoto, StatusCommand, User, utcnow
from domain.models.photo_list import photo_list_of

from . import hlc, status
from .bulk import insert_rows
from .codes import ID_TAKEN, NOT_FOUND, PHOTO_NOT_YOURS, REFERENCE_INVALID
from .feed import SCOPE_COLUMNS, ChangeSet, scope_keys
from .mutations import (
    CommentArgs,
    CreateArgs,
    PhotoAddArgs,
    PhotoRemoveArgs,
    StatusArgs,
    UpdateArgs,
    sent,
)

# Fields that move together share one clock: a pin is one point, not two independent numbers.
CLOCK_KEY = {"pin_x": "pin", "pin_y": "pin"}
EDITABLE = ("description", "room_id", "pin_x", "pin_y", "severity", "type_id", "due_date", "owner_raised")
NOT_VISIBLE = "缺陷不存在或您无权访问 / No such defect, or it is outside what you may see"
PHOTO_REFUSED = (
    "照片 {sha} 不是您上传的，您也无权查看，不能添加 / Photo {sha} was not uploaded by you and is not visible to"
    " you, so it cannot be attached"
)


class Rejected(Exception):
    """The mutation cannot be applied at all; nothing of it is written. ``code`` is stable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class Unit:
    id: int
    project_id: int
    plan_type_id: int | None


@dataclass
class Lookups:
    """Reference data for a batch, loaded up front in a few queries."""

    units: dict[int, Unit] = field(default_factory=dict)
    creatable_units: set[int] = field(default_factory=set)  # in the user's scope
    types: dict[int, str] = field(default_factory=dict)  # id → default severity
    rooms: dict[int, int] = field(default_factory=dict)  # id → plan type
    inspections: dict[uuid.UUID, int] = field(default_factory=dict)  # id → project
    contractors: set[int] = field(default_factory=set)
    existing_comments: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)  # comment → defect
    photos: set[str] = field(default_factory=set)  # hashes the user may attach (sync.photo_access)
    annotatable: set[str] = field(default_factory=set)  # stored photos the user may see


@dataclass
class Created:
    """Defects created in this push (with their photos), as rows: written with one bulk insert per table
    when the push ends, or as soon as a later mutation of the same push needs one as a model object."""

    defects: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)  # not written yet
    photos: list[dict[str, Any]] = field(default_factory=list)
    ids: set[uuid.UUID] = field(default_factory=set)  # every defect created in this push
    projects: dict[uuid.UUID, int] = field(default_factory=dict)  # id → project, in creation order (numbering)

    def add(self, row: dict[str, Any], photos: list[dict[str, Any]]) -> None:
        self.defects[row["id"]] = row
        self.photos.extend(photos)
        self.ids.add(row["id"])
        self.projects[row["id"]] = row["project_id"]

    def write(self, session: Session, now: datetime) -> None:
        if not self.defects:
            return
        by_defect: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for photo in self.photos:
            by_defect.setdefault(photo["defect_id"], []).append(photo)
        for row in self.defects.values():
            row["updated_at"] = now
            row["photo_list"] = photo_list_of(by_defect.get(row["id"], ()))
        insert_rows(session, Defect, list(self.defects.values()))
        insert_rows(session, DefectPhoto, self.photos)
        self.defects.clear()
        self.photos.clear()


@dataclass(kw_only=True)
class Context:
    session: Session
    user: User
    device_id: str
    seq: int
    hlc: str
    defects: dict[uuid.UUID, Defect]
    visible: set[uuid.UUID]
    lookups: Lookups
    changes: ChangeSet
    history_rows: list[dict[str, Any]] = field(default_factory=list)
    created: Created = field(default_factory=Created)

    @property
    def at(self) -> datetime:
        """When the device made the change (its clock's physical time)."""
        return datetime.fromtimestamp(hlc.parse(self.hlc).physical / 1000, UTC)

    def history(
        self, defect_id: uuid.UUID, action: str, f: str | None = None, old: Any = None, new: Any = None
    ) -> None:
        """Queue a history row; the push writes them all with one INSERT."""
        self.history_rows.append(
            {
                "defect_id": defect_id,
                "at": utcnow(),
                "user_id": self.user.id,
                "device_id": self.device_id,
                "action": action,
                "field": f,
                "old": _plain(old),
                "new": _plain(new),
            }
        )

    def defect(self, defect_id: uuid.UUID) -> Defect | None:
        """The defect as a model object; one created earlier in this push is written first, then loaded."""
        if defect_id in self.created.ids and defect_id not in self.defects:
            self.created.write(self.session, utcnow())
            stmt = select(Defect).where(Defect.id == defect_id).options(selectinload(Defect.photos))
            self.defects[defect_id] = self.session.scalars(stmt).one()
        return self.defects.get(defect_id)


@dataclass
class Applied:
    status: str  # applied | merged | duplicate | conflict
    defect: Defect | uuid.UUID | None  # the model object, or the id of a defect created by this mutation
    message: str = ""
    conflict_id: int | None = None
    code: str = ""  # for a conflict: why (sync.codes)


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _visible_defect(ctx: Context, defect_id: uuid.UUID) -> Defect:
    d = ctx.defect(defect_id)
    if d is None or defect_id not in ctx.visible:
        raise Rejected(NOT_FOUND, NOT_VISIBLE)
    return d


def _check_place(ctx: Context, unit: Unit, room_id: Any, type_id: Any) -> None:
    if room_id is not None and (ctx.lookups.rooms.get(room_id, -1) != unit.plan_type_id):
        raise Rejected(
            REFERENCE_INVALID, f"房间 {room_id} 不属于该房号的户型 / Room {room_id} is not in this unit's floor plan"
        )
    if type_id is not None and type_id not in ctx.lookups.types:
        raise Rejected(REFERENCE_INVALID, f"缺陷类型 {type_id} 不存在 / Defect type {type_id} does not exist")


def _check_photo(ctx: Context, sha256: str) -> None:
    if sha256 not in ctx.lookups.photos:
        raise Rejected(PHOTO_NOT_YOURS, PHOTO_REFUSED.format(sha=sha256[:12]))


def create(ctx: Context, args: CreateArgs) -> Applied:
    existing = ctx.defect(args.id)
    if existing is not None:
        if args.id in ctx.visible:
            return Applied("duplicate", existing, "该缺陷已登记 / This defect is already recorded")
        raise Rejected(ID_TAKEN, "缺陷编号已被使用 / This defect id is already taken")
    unit = ctx.lookups.units.get(args.unit_id)
    if unit is None or unit.id not in ctx.lookups.creatable_units:
        raise Rejected(NOT_FOUND, "房号不存在或您无权访问 / No such unit, or it is outside what you may see")
    _check_place(ctx, unit, args.room_id, args.type_id)
    inspection_id = args.inspection_id
    if inspection_id is not None and ctx.lookups.inspections.get(inspection_id) != unit.project_id:
        raise Rejected(REFERENCE_INVALID, "检查批次不属于该项目 / The inspection is not in this unit's project")
    for ref in args.photos:
        _check_photo(ctx, ref.sha256)
    at = ctx.at
    defect_id = args.id
    row = {
        "id": defect_id,
        "project_id": unit.project_id,
        "unit_id": unit.id,
        "room_id": args.room_id,
        "pin_x": args.pin_x,
        "pin_y": args.pin_y,
        "type_id": args.type_id,
        "severity": args.severity or ctx.lookups.types[args.type_id],
        "description": args.description,
        "reporter_id": ctx.user.id,
        "inspection_id": inspection_id,
        "contractor_id": None,
        "status": "open",
        "due_date": None,
        "repeat_count": 0,
        "satisfaction": None,
        "created_at": at,
        "updated_at": at,
        "assigned_at": None,
        "fixed_at": None,
        "closed_at": None,
        # What a homeowner reports themselves is theirs by definition (业主提出).
        "owner_raised": args.owner_raised or ctx.user.role == "homeowner",
        "field_clocks": {CLOCK_KEY.get(f, f): ctx.hlc for f in EDITABLE},
    }
    photos: dict[str, dict[str, Any]] = {}
    for ref in args.photos:
        photos.setdefault(
            ref.sha256,
            {
                "defect_id": defect_id,
                "sha256": ref.sha256,
                "kind": ref.kind,
                "added_by_id": ctx.user.id,
                "added_at": at,
                "clock": ctx.hlc,
            },
        )
    ctx.created.add(row, list(photos.values()))
    ctx.visible.add(defect_id)
    ctx.history(defect_id, "create", new={"unit_id": unit.id, "type_id": row["type_id"], "severity": row["severity"]})
    ctx.changes.touch("defect", defect_id, defect_id, {k: row[k] for k in SCOPE_COLUMNS})
    return Applied("applied", defect_id)


def update(ctx: Context, args: UpdateArgs) -> Applied:
    d = _visible_defect(ctx, args.id)
    values = sent(args.changes)
    unit = ctx.lookups.units[d.unit_id]
    _check_place(ctx, unit, values.get("room_id"), values.get("type_id"))
    keys_before = scope_keys(d)
    clocks = dict(d.field_clocks or {})
    lost = []
    for f, value in values.items():
        key = CLOCK_KEY.get(f, f)
        if ctx.hlc > clocks.get(key, ""):
            old = getattr(d, f)
            if old != value:
                setattr(d, f, value)
                ctx.history(d.id, "set", f, old, value)
        else:
            lost.append(f)
    for f in values:
        key = CLOCK_KEY.get(f, f)
        clocks[key] = max(clocks.get(key, ""), ctx.hlc)
    d.field_clocks = clocks
    if values.keys() & {"type_id", "severity", "due_date"}:
        followup.after_update(ctx.session, d, ctx.history_rows, ctx.hlc if "due_date" in values else None)
    ctx.changes.defect(d, keys_before)
    if lost:
        return Applied(
            "merged",
            d,
            f"以下字段保留了更新的修改 / Newer edits were kept for: {', '.join(sorted(lost))}",
        )
    return Applied("applied", d)


def _new_photo(ctx: Context, sha256: str, kind: str, at: datetime) -> DefectPhoto:
    return DefectPhoto(sha256=sha256, kind=kind, added_by_id=ctx.user.id, added_at=at, clock=ctx.hlc)


def _photo(d: Defect, sha256: str) -> DefectPhoto | None:
    return next((p for p in d.photos if p.sha256 == sha256), None)


def _in_set(p: DefectPhoto) -> bool:
    # Add wins: the photo stays unless the latest removal came after the latest add.
    return p.removed_clock is None or p.clock > p.removed_clock


def photo_add(ctx: Context, args: PhotoAddArgs) -> Applied:
    d = _visible_defect(ctx, args.id)
    _check_photo(ctx, args.sha256)
    p = _photo(d, args.sha256)
    if p is None:
        d.photos.append(_new_photo(ctx, args.sha256, args.kind, ctx.at))
        ctx.history(d.id, "photo_add", "photos", None, args.sha256)
        ctx.changes.defect(d)
        return Applied("applied", d)
    was = _in_set(p)
    if ctx.hlc > p.clock:
        p.clock, p.kind, p.added_at = ctx.hlc, args.kind, ctx.at
    now = _in_set(p)
    p.removed_at = None if now else (p.removed_at or utcnow())
    if now and not was:
        ctx.history(d.id, "photo_add", "photos", None, args.sha256)
        ctx.changes.defect(d)
        return Applied("applied", d)
    ctx.changes.defect(d)
    if now:
        return Applied("duplicate", d, "照片已在该缺陷中 / The photo is already on this defect")
    return Applied("merged", d, "该照片之后已被删除 / The photo was removed after you added it")


def photo_remove(ctx: Context, args: PhotoRemoveArgs) -> Applied:
    d = _visible_defect(ctx, args.id)
    p = _photo(d, args.sha256)
    if p is None:
        # Remember the removal, so an older add arriving later stays removed. The tombstone's empty add
        # clock marks it as never added: it grants nobody access to the photo (domain.policy).
        p = _new_photo(ctx, args.sha256, "before", ctx.at)
        p.clock, p.removed_clock, p.removed_at = "", ctx.hlc, utcnow()
        d.photos.append(p)
        return Applied("duplicate", d, "该缺陷没有这张照片 / The photo is not on this defect")
    was = _in_set(p)
    p.removed_clock = max(p.removed_clock or "", ctx.hlc)
    now = _in_set(p)
    p.removed_at = None if now else (p.removed_at or utcnow())
    ctx.changes.defect(d)
    if was and not now:
        ctx.history(d.id, "photo_remove", "photos", args.sha256, None)
        return Applied("applied", d)
    if now:
        return Applied("merged", d, "照片在您删除之后又被添加 / The photo was added again after your removal")
    return Applied("duplicate", d, "照片已被删除 / The photo was already removed")


def comment(ctx: Context, args: CommentArgs) -> Applied:
    d = _visible_defect(ctx, args.id)
    owner = ctx.lookups.existing_comments.get(args.comment_id)
    if owner is not None:
        if owner == d.id:
            return Applied("duplicate", d, "该留言已存在 / This comment is already recorded")
        raise Rejected(ID_TAKEN, "留言编号已被使用 / This comment id is already taken")
    c = DefectComment(id=args.comment_id, defect_id=d.id, author_id=ctx.user.id, body=args.body, created_at=ctx.at)
    ctx.session.add(c)
    ctx.lookups.existing_comments[c.id] = d.id
    ctx.history(d.id, "comment", None, None, args.body[:200])
    ctx.changes.touch("comment", c.id, d.id, scope_keys(d))
    return Applied("applied", d)


def change_status(ctx: Context, args: StatusArgs) -> Applied:
    d = _visible_defect(ctx, args.id)
    if args.action == "assign" and args.contractor_id not in ctx.lookups.contractors:
        raise Rejected(
            REFERENCE_INVALID,
            f"施工单位 {args.contractor_id} 不存在 / Contractor {args.contractor_id} does not exist",
        )
    try:
        followup_deadlines.check_evidence(d, args.action)
    except DomainError as exc:
        raise Rejected(exc.code, exc.detail) from exc
    cmd = StatusCommand(
        hlc=ctx.hlc,
        device_id=ctx.device_id,
        seq=ctx.seq,
        user_id=ctx.user.id,
        role=ctx.user.role,
        user_contractor_id=ctx.user.contractor_id,
        action=args.action,
        from_status=args.from_,
        args={
            "contractor_id": args.contractor_id,
            "satisfaction": args.satisfaction,
            "due_date": _plain(args.due_date),
            "note": args.note,
        },
    )
    outcome = status.apply_command(ctx.session, d, cmd, ctx.changes, ctx.history_rows)
    if outcome.status == "applied" and args.due_date is not None:
        clocks = dict(d.field_clocks or {})
        if ctx.hlc > clocks.get("due_date", ""):
            ctx.history(d.id, "set", "due_date", d.due_date, args.due_date)
            d.due_date = args.due_date
            clocks["due_date"] = ctx.hlc
            d.field_clocks = clocks
            followup.after_update(ctx.session, d, ctx.history_rows, ctx.hlc)
    if args.note:
        ctx.history(d.id, "note", None, None, args.note[:200])
    return Applied(outcome.status, d, outcome.message, outcome.conflict_id, outcome.code)


# The mutations that read or change a defect's photo rows (the push loads those rows only for them).
PHOTO_MUTATIONS = frozenset({"defect.photo_add", "defect.photo_remove"})
