"""The ``checklist.result`` mutation: one answer for one checklist item in one room of one unit in a round.

Answers are last-writer-wins per (round, unit, room, item) by HLC, so two inspectors who split a unit's
rooms — or answer the same item twice from two devices — converge on the same result wherever the pushes
arrive from. A measured value is judged by the item's tolerance on the server too; the device's own
verdict is only kept for items without one. After each answer the unit's progress (已验 / 未验) is
recounted into ``unit_inspections``. Exactly-once comes from the push ledger like every other mutation.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from msgspec import Meta
from sqlalchemy import or_, select

from domain import policy
from domain.models import ChecklistItem, ChecklistResult, Inspection, Room, Unit
from domain.rounds.calendar import ROUND_CLOSED, covers
from domain.rounds.checklists import UNIT_ROOM, judge, refresh_progress

from . import merge
from .codes import NOT_FOUND, REFERENCE_INVALID
from .mutations import Args

Id = Annotated[int, Meta(ge=1, le=2**31 - 1)]
Measured = Annotated[float, Meta(ge=-1_000_000, le=1_000_000)]
if TYPE_CHECKING:
    Verdict: TypeAlias = str
else:
    Verdict = Literal["pass", "fail", "na", ""]  # "" clears an answer


class ResultArgs(Args):
    inspection_id: uuid.UUID
    unit_id: Id
    item_id: Id
    room_id: Annotated[int, Meta(ge=0, le=2**31 - 1)] = UNIT_ROOM
    result: Verdict = ""
    measured: Measured | None = None
    defect_id: uuid.UUID | None = None


def _unit_in_scope(ctx: merge.Context, unit_id: int) -> Unit:
    unit = ctx.session.scalar(select(Unit).where(Unit.id == unit_id, policy.unit_filter(ctx.user)))
    if unit is None:
        raise merge.Rejected(NOT_FOUND, "房号不存在或您无权访问 / No such unit, or it is outside what you may see")
    return unit


def handle(ctx: merge.Context, args: ResultArgs) -> merge.Applied:
    unit = _unit_in_scope(ctx, args.unit_id)
    insp = ctx.session.get(Inspection, args.inspection_id)
    if insp is None or not covers(insp, unit):
        raise merge.Rejected(REFERENCE_INVALID, "该检查批次不包含此房号 / This round does not cover this unit")
    if insp.status != "open":
        raise merge.Rejected(ROUND_CLOSED, "检查批次未开始或已关闭 / The round is not open")
    item = ctx.session.get(ChecklistItem, args.item_id)
    if item is None or item.project_id not in (None, unit.project_id):
        raise merge.Rejected(REFERENCE_INVALID, f"检查项 {args.item_id} 不存在 / No checklist item {args.item_id}")
    room_id = args.room_id
    if room_id != UNIT_ROOM:
        room = ctx.session.get(Room, room_id)
        if room is None or room.plan_type_id != unit.plan_type_id:
            raise merge.Rejected(
                REFERENCE_INVALID,
                f"房间 {room_id} 不属于该房号的户型 / Room {room_id} is not in this unit's floor plan",
            )
    measured = args.measured
    verdict = args.result
    if measured is not None and (item.tol_min is not None or item.tol_max is not None):
        verdict = judge(item, measured)  # the tolerance decides, whatever the device thought
    row = ctx.session.scalar(
        select(ChecklistResult)
        .where(
            ChecklistResult.inspection_id == insp.id,
            ChecklistResult.unit_id == unit.id,
            ChecklistResult.room_id == room_id,
            ChecklistResult.item_id == item.id,
        )
        .with_for_update()
    )
    if row is not None and row.clock >= ctx.hlc:
        return merge.Applied("merged", None, "已有更新的检查结果 / A later answer for this item is kept")
    if row is None:
        row = ChecklistResult(inspection_id=insp.id, unit_id=unit.id, room_id=room_id, item_id=item.id)
        ctx.session.add(row)
    row.result, row.measured, row.clock = verdict, measured, ctx.hlc
    row.defect_id = args.defect_id or row.defect_id
    row.user_id, row.device_id = ctx.user.id, ctx.device_id
    ctx.session.flush()
    refresh_progress(ctx.session, insp.id, unit)
    return merge.Applied("applied", None)


def results_filter(user: Any) -> Any:
    """Results on the units the user may see (the REST feed of results uses it)."""
    return or_(ChecklistResult.unit_id.in_(select(Unit.id).where(policy.unit_filter(user))))
