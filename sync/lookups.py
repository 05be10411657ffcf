"""The reference data a push's mutations name (units, types, rooms, inspections, contractors, comment ids,
attachable photos), loaded up front in a few queries instead of one per mutation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import policy
from domain.models import Contractor, Defect, DefectComment, DefectType, Inspection, Room, Unit, User

from . import merge
from .bulk import one_of
from .mutations import (
    Args,
    CommentArgs,
    CreateArgs,
    PhotoAddArgs,
    StatusArgs,
    UpdateArgs,
    sent,
)
from .photo_access import attachable


def load(session: Session, user: User, todo: Sequence[Args], defects: dict[uuid.UUID, Defect]) -> merge.Lookups:
    lk = merge.Lookups()
    creates = [a for a in todo if isinstance(a, CreateArgs)]
    unit_ids = {a.unit_id for a in creates} | {d.unit_id for d in defects.values()}
    type_ids: set[int] = set()
    room_ids: set[int] = set()
    insp_ids: set[uuid.UUID] = set()
    contractor_ids: set[int] = set()
    comment_ids: set[uuid.UUID] = set()
    hashes: set[str] = set()
    for a in todo:
        if isinstance(a, CreateArgs):
            type_ids.add(a.type_id)
            if a.room_id is not None:
                room_ids.add(a.room_id)
            if a.inspection_id is not None:
                insp_ids.add(a.inspection_id)
            hashes.update(ref.sha256 for ref in a.photos)
        elif isinstance(a, UpdateArgs):
            values = sent(a.changes)
            if values.get("type_id") is not None:
                type_ids.add(values["type_id"])
            if values.get("room_id") is not None:
                room_ids.add(values["room_id"])
        elif isinstance(a, StatusArgs) and a.contractor_id is not None:
            contractor_ids.add(a.contractor_id)
        elif isinstance(a, CommentArgs):
            comment_ids.add(a.comment_id)
        elif isinstance(a, PhotoAddArgs):
            hashes.add(a.sha256)
        else:
            sha = getattr(a, "sha256", None)
            if isinstance(sha, str) and getattr(a, "needs_access", False):
                hashes.add(sha)
    if unit_ids:
        for uid, project_id, plan_type_id in session.execute(
            select(Unit.id, Unit.project_id, Unit.plan_type_id).where(one_of(session, Unit.id, unit_ids))
        ):
            lk.units[uid] = merge.Unit(uid, project_id, plan_type_id)
    create_units = {a.unit_id for a in creates}
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
    lk.photos = attachable(session, user, hashes)
    return lk
