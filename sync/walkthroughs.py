"""The ``walkthrough.sign`` mutation: the owner's and the inspector's signatures over a unit's items in a
customer-facing round, made on the tablet offline and synced exactly once like every other mutation.

The tablet sends the items as the owner saw them; the server checks that each is a defect of that unit
(visible to the signer, created earlier in the same push included), numbers the signing round, and stores
the record with its content hash (``domain.walkthroughs``). A record is never changed afterwards: items
added later appear as 签字后新增 and need a new round.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias

from msgspec import Meta
from sqlalchemy import func, select

from domain import policy
from domain.errors import DomainError
from domain.models import Defect, Inspection, Unit, Walkthrough, utcnow
from domain.models.enums import SEVERITIES
from domain.rounds import attendance
from domain.walkthroughs import content_hash

from . import merge
from .codes import ID_TAKEN, NOT_FOUND, REFERENCE_INVALID
from .mutations import ARGS, Args

_TEXT = r"^[^\x00]*$"
Id = Annotated[int, Meta(ge=1, le=2**31 - 1)]
Sha256 = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]
Coordinate = Annotated[float, Meta(ge=0.0, le=1.0)]
Point = Annotated[list[Coordinate], Meta(min_length=2, max_length=2)]
Stroke = Annotated[list[Point], Meta(max_length=2000)]
Short = Annotated[str, Meta(max_length=60, pattern=_TEXT)]
if TYPE_CHECKING:
    Severity: TypeAlias = str
else:
    Severity = Literal[SEVERITIES]


class Signature(Args):
    strokes: Annotated[list[Stroke], Meta(min_length=1, max_length=300)]
    png: Annotated[str, Meta(max_length=300_000, pattern=r"^[A-Za-z0-9+/=]*$")] = ""  # base64 PNG


class Item(Args):
    id: uuid.UUID
    number: Annotated[int, Meta(ge=0, le=2**31 - 1)] | None = None
    room: Short = ""
    type: Short = ""
    severity: Severity = "B"
    description: Annotated[str, Meta(max_length=4000, pattern=_TEXT)] = ""
    due: Annotated[str, Meta(max_length=10, pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = ""
    photos: Annotated[list[Sha256], Meta(max_length=50)] = []
    owner_raised: bool = False  # 业主提出


class SignArgs(Args):
    id: uuid.UUID
    unit_id: Id
    inspection_id: uuid.UUID
    owner_name: Annotated[str, Meta(min_length=1, max_length=60, pattern=_TEXT)]
    owner_signature: Signature
    inspector_signature: Signature
    owner_remarks: Annotated[str, Meta(max_length=2000, pattern=_TEXT)] = ""
    items: Annotated[list[Item], Meta(max_length=300)] = []


ARGS["walkthrough.sign"] = SignArgs


def _unit(ctx: merge.Context, unit_id: int) -> Unit:
    stmt = select(Unit).where(Unit.id == unit_id, policy.unit_filter(ctx.user)).with_for_update()
    unit = ctx.session.scalar(stmt)
    if unit is None:
        raise merge.Rejected(NOT_FOUND, "房号不存在或您无权访问 / No such unit, or it is outside what you may see")
    return unit


def _check_items(ctx: merge.Context, unit: Unit, items: list[Item]) -> None:
    ids = {item.id for item in items}
    if len(ids) != len(items):
        raise merge.Rejected(REFERENCE_INVALID, "签字清单中有重复的缺陷 / The signed list names a defect twice")
    if ids & ctx.created.ids:
        ctx.created.write(ctx.session, utcnow())  # defects logged earlier in this push
    found = set(
        ctx.session.scalars(
            select(Defect.id).where(Defect.id.in_(ids), Defect.unit_id == unit.id, policy.defect_filter(ctx.user))
        )
    )
    missing = ids - found
    if missing:
        raise merge.Rejected(
            REFERENCE_INVALID,
            f"签字清单中的 {len(missing)} 条缺陷不属于该房号"
            f" / {len(missing)} signed item(s) are not defects of this unit",
        )


def sign(ctx: merge.Context, args: SignArgs) -> merge.Applied:
    existing = ctx.session.get(Walkthrough, args.id)
    if existing is not None:
        if existing.unit_id == args.unit_id and policy.can_see_unit(ctx.session, ctx.user, existing.unit_id):
            return merge.Applied("duplicate", None, "该签字记录已保存 / This signed record is already stored")
        raise merge.Rejected(ID_TAKEN, "签字记录编号已被使用 / This record id is already taken")
    unit = _unit(ctx, args.unit_id)
    insp = ctx.session.get(Inspection, args.inspection_id)
    if insp is None or insp.project_id != unit.project_id or insp.kind not in policy.CUSTOMER_FACING_KINDS:
        raise merge.Rejected(
            REFERENCE_INVALID,
            "陪验签字只能在该项目的客户检查批次中进行"
            " / A walkthrough is signed in a customer-facing round of this project",
        )
    _check_items(ctx, unit, args.items)
    last = ctx.session.scalar(
        select(func.max(Walkthrough.round)).where(Walkthrough.unit_id == unit.id, Walkthrough.inspection_id == insp.id)
    )
    now = datetime.now(UTC)
    w = Walkthrough(
        id=args.id,
        project_id=unit.project_id,
        unit_id=unit.id,
        inspection_id=insp.id,
        round=(last or 0) + 1,
        inspector_id=ctx.user.id,
        signed_at=min(ctx.at, now),  # a fast tablet clock cannot date a signature in the future
        received_at=now,
        owner_name=args.owner_name,
        owner_remarks=args.owner_remarks,
        items=[_item(i) for i in args.items],
        owner_signature=_signature(args.owner_signature),
        inspector_signature=_signature(args.inspector_signature),
        content_hash="",
    )
    w.content_hash = content_hash(w)
    ctx.session.add(w)
    ctx.session.flush()
    _checked_in(ctx, insp, unit, w.signed_at)
    return merge.Applied("applied", None)


def _checked_in(ctx: merge.Context, insp: Inspection, unit: Unit, at: datetime) -> None:
    """The owner signed on site, so they came (到访): the unit counts as checked in to the round, unless it
    already was. Rounds without attendance (保修) are left alone."""
    with contextlib.suppress(DomainError):  # raised before anything is written
        attendance.record(ctx.session, insp, unit, by=ctx.user, method="staff", at=at)


def _item(i: Item) -> dict[str, object]:
    return {
        "id": str(i.id),
        "number": i.number,
        "room": i.room,
        "type": i.type,
        "severity": i.severity,
        "description": i.description,
        "due": i.due,
        "photos": list(i.photos),
        "owner_raised": i.owner_raised,
    }


def _signature(s: Signature) -> dict[str, object]:
    return {"strokes": [[[round(x, 4), round(y, 4)] for x, y in stroke] for stroke in s.strokes], "png": s.png}
