"""The reference data a push's mutations name (units, types, rooms, inspections, contractors, comment ids,
attachable photos), loaded up front in a few queries instead of one per mutation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import policy
from domain.models import Contractor, Defect, DefectComment, DefectType, Inspection, Photo, Room, Unit, User

from . import merge
from .bulk import one_of
from .mutations import (
    AnnotateArgs,
    Args,
    CommentArgs,
    CreateArgs,
    PhotoAddArgs,
    StatusArgs,
    UpdateArgs,
    sent,
)
from .photo_access import attachable, visible


@dataclass
class _Wanted:
    """The ids and hashes a batch's mutations name, by table."""

    units: set[int] = field(default_factory=set)
    create_units: set[int] = field(default_factory=set)
    types: set[int] = field(default_factory=set)
    rooms: set[int] = field(default_factory=set)
    inspections: set[uuid.UUID] = field(default_factory=set)
    contractors: set[int] = field(default_factory=set)
    comments: set[uuid.UUID] = field(default_factory=set)
    attached: set[str] = field(default_factory=set)
    annotated: set[str] = field(default_factory=set)

    def add(self, a: Args) -> None:
        if isinstance(a, CreateArgs):
            self.create_units.add(a.unit_id)
            self.types.add(a.type_id)
            self.rooms.update(x for x in (a.room_id,) if x is not None)
            self.inspections.update(x for x in (a.inspection_id,) if x is not None)
            self.attached.update(ref.sha256 for ref in a.photos)
        elif isinstance(a, UpdateArgs):
            values = sent(a.changes)
            self.types.update(x for x in (values.get("type_id"),) if x is not None)
            self.rooms.update(x for x in (values.get("room_id"),) if x is not None)
        elif isinstance(a, StatusArgs) and a.contractor_id is not None:
            self.contractors.add(a.contractor_id)
        elif isinstance(a, CommentArgs):
            self.comments.add(a.comment_id)
        elif isinstance(a, PhotoAddArgs):
            self.attached.add(a.sha256)
        elif isinstance(a, AnnotateArgs):
            self.annotated.add(a.sha256)


def load(session: Session, user: User, todo: Sequence[Args], defects: dict[uuid.UUID, Defect]) -> merge.Lookups:
    want = _Wanted()
    for a in todo:
        want.add(a)
    lk = merge.Lookups()
    _places(session, user, want, defects, lk)
    if want.inspections:
        stmt = select(Inspection.id, Inspection.project_id).where(one_of(session, Inspection.id, want.inspections))
        lk.inspections = {iid: pid for iid, pid in session.execute(stmt)}
    if want.contractors:
        stmt2 = select(Contractor.id).where(one_of(session, Contractor.id, want.contractors))
        lk.contractors = set(session.scalars(stmt2))
    if want.comments:
        stmt3 = select(DefectComment.id, DefectComment.defect_id).where(
            one_of(session, DefectComment.id, want.comments)
        )
        lk.existing_comments = {cid: did for cid, did in session.execute(stmt3)}
    lk.photos = attachable(session, user, want.attached)
    if want.annotated:
        stored = set(session.scalars(select(Photo.sha256).where(one_of(session, Photo.sha256, want.annotated))))
        lk.annotatable = visible(session, user, stored)
    return lk


def _places(session: Session, user: User, want: _Wanted, defects: dict[uuid.UUID, Defect], lk: merge.Lookups) -> None:
    """Units (and which of them the user may create on), defect types and rooms."""
    unit_ids = want.create_units | {d.unit_id for d in defects.values()}
    if unit_ids:
        stmt = select(Unit.id, Unit.project_id, Unit.plan_type_id).where(one_of(session, Unit.id, unit_ids))
        for uid, project_id, plan_type_id in session.execute(stmt):
            lk.units[uid] = merge.Unit(uid, project_id, plan_type_id)
    if want.create_units:
        mine = select(Unit.id).where(one_of(session, Unit.id, want.create_units), policy.unit_filter(user))
        lk.creatable_units = set(session.scalars(mine))
    if want.types:
        stmt2 = select(DefectType.id, DefectType.default_severity).where(one_of(session, DefectType.id, want.types))
        lk.types = {tid: sev for tid, sev in session.execute(stmt2)}
    if want.rooms:
        stmt3 = select(Room.id, Room.plan_type_id).where(one_of(session, Room.id, want.rooms))
        lk.rooms = {rid: pt for rid, pt in session.execute(stmt3)}
