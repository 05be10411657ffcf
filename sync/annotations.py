"""Photo annotations as a sync mutation (``photo.annotate``): the whole mark-up of a photo is one value,
merged last-writer-wins by HLC like a defect field. When two devices edited from different versions
(the device's ``base`` is not the server's current stamp), the write still merges by clock and a
conflict record keeps both versions, so a person can choose (``sync.conflicts``)."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import insert, select

from domain import policy
from domain.models import Conflict, Defect, DefectPhoto, PhotoAnnotation, User, utcnow

from . import hlc
from .codes import NOT_FOUND
from .feed import scope_keys
from .merge import Applied, Context, Rejected
from .mutations import AnnotateArgs

NOT_VISIBLE = "照片不存在或无权查看 / No such photo, or you may not see it"
KIND = "annotation"


def annotate(ctx: Context, args: AnnotateArgs) -> Applied:
    if args.sha256 not in ctx.lookups.annotatable:
        raise Rejected(NOT_FOUND, NOT_VISIBLE)
    shapes = msgspec.to_builtins(args.shapes)
    found = ctx.session.get(PhotoAnnotation, args.sha256)
    if found is None:
        found = PhotoAnnotation(sha256=args.sha256, shapes=[], clock="")
        ctx.session.add(found)
    current = found.clock or ""
    ours = {"shapes": list(found.shapes or []), "clock": current, "user_id": found.updated_by_id}
    won = ctx.hlc > current
    if won:
        found.shapes, found.clock = shapes, ctx.hlc
        found.updated_by_id, found.updated_at = ctx.user.id, utcnow()
    conflict_id = None
    if current and args.base != current:
        theirs = {"shapes": shapes, "clock": ctx.hlc, "user_id": ctx.user.id, "device_id": ctx.device_id}
        conflict_id = _record(ctx, args.sha256, ours, theirs, won)
    if won:
        return Applied("applied", None, "", conflict_id)
    return Applied("merged", None, "该照片的标注已有更新的版本 / A newer mark-up of this photo was kept", conflict_id)


def _record(ctx: Context, sha256: str, ours: dict[str, Any], theirs: dict[str, Any], won: bool) -> int | None:
    """A conflict on a defect showing this photo that the user may see (none if there is no such defect)."""
    stmt = (
        select(Defect)
        .join(DefectPhoto, DefectPhoto.defect_id == Defect.id)
        .where(DefectPhoto.sha256 == sha256, policy.photo_was_added(), policy.defect_filter(ctx.user))
        .order_by(Defect.id)
        .limit(1)
    )
    with ctx.session.no_autoflush:
        defect = ctx.session.scalars(stmt).first()
    if defect is None:
        return None
    kept = "您的版本" if won else "另一版本"
    message = (
        f"两台设备同时修改了照片 {sha256[:12]} 的标注，已保留{kept}（较晚的修改）"
        f" / Two devices changed the mark-up of photo {sha256[:12]} at once; the later one was kept"
    )
    values = {
        "defect_id": defect.id,
        "kind": KIND,
        "message": message,
        "ours": {**ours, "sha256": sha256},
        "theirs": {**theirs, "sha256": sha256},
        "device_id": ctx.device_id,
        "user_id": ctx.user.id,
    }
    conflict_id: int = (
        ctx.session.connection().execute(insert(Conflict).values(values).returning(Conflict.id)).scalar_one()
    )
    ctx.changes.touch("conflict", conflict_id, defect.id, scope_keys(defect))
    return conflict_id


def settle(user: User, found: PhotoAnnotation, version: dict[str, Any]) -> None:
    """A person chose ``version`` of a conflict: it becomes the mark-up, stamped after both sides."""
    found.shapes = list(version.get("shapes") or [])
    found.clock = hlc.after(found.clock, version.get("clock"))
    found.updated_by_id, found.updated_at = user.id, utcnow()
