"""Merging a defect logged twice: the duplicate is voided as a duplicate of the survivor, which receives its
photos and comments; a ``defect_duplicates`` row keeps the link. One function serves the REST action and
the ``defect.merge`` mutation, and merging a pair again changes nothing (replays and retries are safe)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import policy
from domain.errors import DomainError, define
from domain.models import Defect, DefectComment, DefectDuplicate, DefectPhoto, StatusCommand, User, utcnow

from . import merge, status
from .codes import NOT_FOUND
from .feed import ChangeSet, scope_keys
from .mutations import Args

MERGE_SAME = define("merge_same_defect", 422, "A defect cannot be merged into itself")
MERGE_OTHER_UNIT = define("merge_other_unit", 422, "Only defects of the same unit can be merged")
MERGE_NOT_OPEN = define("merge_not_open", 409, "The duplicate is no longer open, or the survivor is void")
MERGEABLE = ("open", "assigned")


class MergeArgs(Args):
    id: uuid.UUID  # the duplicate, voided
    into: uuid.UUID  # the survivor


def _in_set(p: DefectPhoto) -> bool:
    return p.clock > (p.removed_clock or "")


def merge_pair(
    session: Session,
    user: User,
    dup: Defect,
    into: Defect,
    changes: ChangeSet,
    history: list[dict[str, Any]],
    stamp: str,
    device_id: str | None = None,
    seq: int | None = None,
) -> str:
    """Merge ``dup`` into ``into`` (both locked and visible to ``user``). Returns applied | duplicate."""
    if dup.id == into.id:
        raise DomainError(MERGE_SAME, "不能与自身合并 / A defect cannot be merged into itself")
    if dup.unit_id != into.unit_id or dup.project_id != into.project_id:
        raise DomainError(MERGE_OTHER_UNIT, "只能合并同一房号的缺陷 / Only defects of one unit can be merged")
    link = session.scalar(
        select(DefectDuplicate).where(DefectDuplicate.defect_id == dup.id, DefectDuplicate.duplicate_of_id == into.id)
    )
    if link is not None and link.state == "merged":
        return "duplicate"
    if dup.status not in MERGEABLE or into.status == "void":
        raise DomainError(
            MERGE_NOT_OPEN,
            "重复缺陷已不在待处理状态，或保留的缺陷已作废 / The duplicate is no longer open, or the survivor is void",
            current=dup.status,
        )
    now = utcnow()

    def note(defect_id: uuid.UUID, action: str, new: Any) -> None:
        history.append(
            {"defect_id": defect_id, "at": now, "user_id": user.id, "device_id": device_id, "action": action,
             "field": None, "old": None, "new": new}
        )  # fmt: skip

    have = {p.sha256: p for p in into.photos}
    for p in dup.photos:
        if not _in_set(p):
            continue
        mine = have.get(p.sha256)
        if mine is None:
            into.photos.append(
                DefectPhoto(sha256=p.sha256, kind=p.kind, added_by_id=p.added_by_id, added_at=p.added_at, clock=stamp)
            )
        elif not _in_set(mine):
            mine.clock, mine.removed_at = stamp, None
        else:
            continue
        note(into.id, "photo_add", p.sha256)
    keys = scope_keys(into)
    for c in session.scalars(select(DefectComment).where(DefectComment.defect_id == dup.id)):
        copy_id = uuid.uuid5(into.id, str(c.id))  # the same copy however often the merge is replayed
        if session.get(DefectComment, copy_id) is None:
            session.add(
                DefectComment(
                    id=copy_id, defect_id=into.id, author_id=c.author_id, body=c.body, created_at=c.created_at
                )
            )
            changes.touch("comment", copy_id, into.id, keys)
    cmd = StatusCommand(
        hlc=stamp, device_id=device_id, seq=seq, user_id=user.id, role=user.role,
        user_contractor_id=user.contractor_id, action="void", from_status=dup.status, forced=True,
        args={"note": f"duplicate of {into.id}"},
    )  # fmt: skip
    status.apply_command(session, dup, cmd, changes, history)
    note(dup.id, "merged_into", str(into.id))
    note(into.id, "merged_from", str(dup.id))
    if link is None:
        session.add(
            DefectDuplicate(
                defect_id=dup.id, duplicate_of_id=into.id, project_id=dup.project_id, state="merged", by_id=user.id,
                at=now,
            )
        )  # fmt: skip
    else:
        link.state, link.by_id, link.at = "merged", user.id, now
    changes.defect(into)
    return "applied"


def load_pair(session: Session, user: User, dup_id: uuid.UUID, into_id: uuid.UUID) -> tuple[Defect, Defect] | None:
    """Both defects locked (in id order), or None when either is missing or outside the user's scope."""
    ids = sorted({dup_id, into_id})
    found = {
        d.id: d
        for d in session.scalars(
            select(Defect).where(Defect.id.in_(ids), policy.defect_filter(user)).order_by(Defect.id).with_for_update()
        )
    }
    if dup_id not in found or into_id not in found:
        return None
    return found[dup_id], found[into_id]


def handle(ctx: merge.Context, args: MergeArgs) -> merge.Applied:
    """The ``defect.merge`` mutation."""
    pair = load_pair(ctx.session, ctx.user, args.id, args.into)
    if pair is None:
        raise merge.Rejected(NOT_FOUND, merge.NOT_VISIBLE)
    dup, into = pair
    ctx.defects.setdefault(dup.id, dup)
    ctx.defects.setdefault(into.id, into)  # so the push stamps its updated_at like any changed defect
    try:
        outcome = merge_pair(
            ctx.session, ctx.user, dup, into, ctx.changes, ctx.history_rows, ctx.hlc, ctx.device_id, ctx.seq
        )
    except DomainError as exc:
        raise merge.Rejected(exc.code, exc.detail) from exc
    if outcome == "duplicate":
        return merge.Applied("duplicate", dup, "已合并 / Already merged")
    return merge.Applied("applied", dup)
