"""The ``checkin.record`` mutation: staff mark a unit's owner as arrived (到访) at a homeowner-facing round,
on the tablet at the door, with or without signal. Once per unit and round (``domain.rounds.attendance``):
a replay, or a second tablet checking the same owner in, answers "duplicate" and keeps the first."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from msgspec import Meta
from sqlalchemy import select

from domain import policy
from domain.errors import DomainError
from domain.models import Inspection, Unit
from domain.rounds import attendance

from . import merge
from .codes import NOT_FOUND
from .mutations import ARGS, Args

Id = Annotated[int, Meta(ge=1, le=2**31 - 1)]


class CheckinArgs(Args):
    inspection_id: uuid.UUID
    unit_id: Id


ARGS["checkin.record"] = CheckinArgs


def record(ctx: merge.Context, args: CheckinArgs) -> merge.Applied:
    unit = ctx.session.scalar(select(Unit).where(Unit.id == args.unit_id, policy.unit_filter(ctx.user)))
    insp = ctx.session.get(Inspection, args.inspection_id)
    if unit is None or insp is None or insp.project_id != unit.project_id:
        raise merge.Rejected(
            NOT_FOUND, "房号或检查批次不存在，或您无权访问 / No such unit or round, or not yours to see"
        )
    try:
        # When the tablet saw the owner arrive; a fast clock cannot date it in the future.
        _, new = attendance.record(
            ctx.session, insp, unit, by=ctx.user, method="staff", at=min(ctx.at, datetime.now(UTC))
        )
    except DomainError as exc:
        raise merge.Rejected(exc.code, exc.detail) from exc
    if not new:
        return merge.Applied("duplicate", None, "该户已签到 / This unit is already checked in")
    return merge.Applied("applied", None)
